"""Background work on the qasync loop: every task held, its failure logged and
reported in one place; starting a named task cancels the previous one of that
name (a refresh replaces the refresh before it)."""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Callable, Coroutine
from typing import Any

log = logging.getLogger("proctor.tasks")


class TaskSet:
    def __init__(self, on_error: Callable[[str, BaseException], None] | None = None) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self._named: dict[str, asyncio.Task[Any]] = {}
        self.on_error = on_error

    def start(
        self, coro: Coroutine[Any, Any, Any], name: str, *, replace: bool = False
    ) -> asyncio.Task[Any] | None:
        """Run ``coro`` as a held task; None when no event loop runs any more.

        A timer or a late signal can fire while the window closes, after the
        loop is gone: the work is dropped (and its coroutine closed, so it is
        not reported as never awaited) instead of failing.
        """
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            # qasync's loop may be set as current without "running" (nested Qt loops).
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", DeprecationWarning)
                try:
                    loop = asyncio.get_event_loop_policy().get_event_loop()
                except RuntimeError:
                    loop = None
        if loop is None or loop.is_closed():
            coro.close()
            log.info("task %s not started: the event loop has ended", name)
            return None
        if replace:
            previous = self._named.get(name)
            if previous is not None and not previous.done():
                previous.cancel()
        task = asyncio.ensure_future(coro, loop=loop)
        task.set_name(name)
        self._tasks.add(task)
        self._named[name] = task
        task.add_done_callback(self._finished)
        return task

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if self._named.get(task.get_name()) is task:
            del self._named[task.get_name()]
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            log.error("task %s failed", task.get_name(), exc_info=exc)
            if self.on_error is not None:
                self.on_error(task.get_name(), exc)

    def running(self, name: str) -> bool:
        task = self._named.get(name)
        return task is not None and not task.done()

    async def cancel_all(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    def __len__(self) -> int:
        return len(self._tasks)
