"""Scenario files: the shipped ones load, typos are named, plans replay by seed."""

from __future__ import annotations

import dataclasses

import pytest

from proctor_console.simulator.plan import plan_phone
from proctor_console.simulator.roster import (
    RosterError,
    candidate_numbers,
    candidate_range,
    parse_candidates_csv,
)
from proctor_console.simulator.scenario import (
    ScenarioError,
    builtin_names,
    load_scenario,
    parse_scenario,
)


def test_the_named_scenarios_ship_and_load() -> None:
    assert builtin_names() == ["calm", "end-rush", "rough"]
    calm, rough, rush = (load_scenario(n) for n in ("calm", "rough", "end-rush"))
    assert calm.name == "calm" and calm.scenario.duration_minutes == 60
    assert rough.locks.per_hour > calm.locks.per_hour
    assert rough.locks.offline_after_lock_fraction > 0
    assert rough.network.mix["3g"] > calm.network.mix["3g"]
    assert rush.scenario.duration_minutes == 5
    assert rush.submit.end_minute <= 5 and rush.submit.never_fraction == 0


def test_an_empty_file_is_all_defaults() -> None:
    s = parse_scenario("")
    assert s.locks.per_hour == 0.4 and s.network.mix["wifi"] == 0.6


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("[locks]\nper_huor = 2\n", ["'per_huor'", "[locks]", "per_hour"]),
        ("[lock]\nper_hour = 2\n", ["[lock]", "locks"]),
        ("[locks]\nreasons = { app_swich = 1 }\n", ["'app_swich'", "locks.reasons", "app_switch"]),
        ("[network]\nmix = { wifi = 1, lte = 1 }\n", ["'lte'", "network.mix"]),
        ("[join]\nnever_fraction = 3\n", ["join.never_fraction", "between 0 and 1"]),
        ("[locks]\nper_hour = 'many'\n", ["locks.per_hour", "number"]),
        ("[join]\nreenter_max = 2.5\n", ["join.reenter_max", "whole number"]),
        ("[submit]\nstart_minute = 50\nend_minute = 40\n", ["submit minutes", "above the maximum"]),
        ("[locks\n", ["not valid TOML"]),
    ],
)
def test_a_bad_scenario_names_what_to_fix(text: str, named: list[str]) -> None:
    with pytest.raises(ScenarioError) as caught:
        parse_scenario(text, "my.toml")
    message = str(caught.value)
    assert message.startswith("my.toml: ")
    for part in named:
        assert part in message
    assert "\n" not in message


def test_a_scenario_file_by_path(tmp_path) -> None:
    path = tmp_path / "busy.toml"
    path.write_text("[locks]\nper_hour = 5\n", encoding="utf-8")
    s = load_scenario(str(path))
    assert s.name == "busy" and s.locks.per_hour == 5
    with pytest.raises(ScenarioError, match=r"no scenario named 'clam'.*calm, end-rush, rough"):
        load_scenario("clam")


def test_the_same_seed_gives_the_same_plan_and_another_seed_another() -> None:
    s = load_scenario("rough")
    a = [plan_phone(s, 7, no, 3600) for no in candidate_numbers(50)]
    b = [plan_phone(s, 7, no, 3600) for no in candidate_numbers(50)]
    c = [plan_phone(s, 8, no, 3600) for no in candidate_numbers(50)]
    assert a == b
    assert a != c
    # One phone's plan does not depend on which other phones are in the hall.
    assert plan_phone(s, 7, "260100042", 3600) == a[41]


def test_plans_follow_the_scenario_rates() -> None:
    s = load_scenario("rough")
    s = dataclasses.replace(s, join=dataclasses.replace(s.join, never_fraction=0.1))
    plans = [plan_phone(s, 3, no, 3600) for no in candidate_numbers(2000)]
    never = sum(p.join_at is None for p in plans) / len(plans)
    assert 0.07 < never < 0.13
    locks = [lk for p in plans for lk in p.locks]
    assert {lk.reason for lk in locks} <= {"app_switch", "call", "screenshot", "other"}
    # About 2 locks an hour each, over the part of the hour after joining.
    assert 1.2 < len(locks) / len(plans) < 2.2
    assert any(lk.offline_for for lk in locks)
    joined = [p.join_at for p in plans if p.join_at is not None]
    assert sum(t <= 8 * 60 for t in joined) / len(joined) > 0.85
    modes = {p.submit_mode for p in plans}
    assert modes == {"normal", "held", "unsent"}
    assert len({p.submission_id for p in plans}) == len(plans)
    assert all(p.submit_at is None or 40 * 60 <= p.submit_at <= 58 * 60 for p in plans)


def test_end_rush_everyone_is_there_and_submits() -> None:
    s = load_scenario("end-rush")
    plans = [plan_phone(s, 1, no, 300) for no in candidate_numbers(300)]
    assert all(p.join_at is not None and p.join_at <= 20 for p in plans)
    assert all(p.submit_at is not None and 30 <= p.submit_at <= 210 for p in plans)
    assert sum(p.submit_mode != "normal" for p in plans) > 50


def test_candidate_numbers() -> None:
    assert candidate_numbers(3) == ["260100001", "260100002", "260100003"]
    assert len(set(candidate_numbers(5000))) == 5000
    assert [c.candidate_no for c in candidate_range("S", "0098", 3)] == ["S0098", "S0099", "S0100"]
    with pytest.raises(RosterError, match="START must be a number"):
        candidate_range("S", "x1", 3)


def test_candidates_csv() -> None:
    rows = parse_candidates_csv("candidate_no,name\nA1,王伟\nA2\n\n")
    assert (rows[0].candidate_no, rows[0].name) == ("A1", "王伟")
    assert rows[1].candidate_no == "A2" and rows[1].name  # a made-up name
    with pytest.raises(RosterError, match="line 3: candidate number A1 appears twice"):
        parse_candidates_csv("A1\nA2\nA1\n", "f.csv")
    with pytest.raises(RosterError, match="lists no candidates"):
        parse_candidates_csv("candidate_no\n")
