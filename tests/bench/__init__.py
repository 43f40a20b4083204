"""Benchmarks (issue 10): ``.venv/bin/python -m tests.bench.run [NAME ...] [--size tiny|full] [--json FILE]``.

The files are named ``bench_*.py`` so pytest never collects them; the normal run
has ``tests/bench_smoke/test_bench_smoke.py``, which runs each one at tiny size.
"""
