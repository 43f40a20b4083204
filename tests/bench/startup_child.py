"""The console as launched, for bench_startup: signs in, opens the session, and
prints one JSON line the moment its hall table holds the expected rows.

``python -m tests.bench.startup_child SERVER USER SESSION_ID ROWS`` (the
password in $BENCH_PASSWORD, never on the command line).
"""

from __future__ import annotations

import json
import os
import sys
import time

started = time.time()


def main() -> None:
    server, user, session_id, rows = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from proctor_console.gui import app as console_app

    imported = time.time()
    marks: dict[str, float] = {"python_started": started, "console_imported": imported}
    original = console_app.console_main

    async def watched(options, settings):  # type: ignore[no-untyped-def]
        from PySide6.QtCore import QTimer
        from PySide6.QtWidgets import QApplication, QWidget

        found: list[QWidget] = []

        def poll() -> None:
            # Looked up once, by Qt (findChild): wrapping every widget of the window in
            # Python every 5 ms (allWidgets) cost the console a second of its start-up.
            if not found:
                for top in QApplication.topLevelWidgets():
                    monitor = top.findChild(QWidget, "hallMonitor")
                    if monitor is not None:
                        found.append(monitor)
                        break
            if found and found[0].isVisible():
                marks.setdefault("hall_shown", time.time())
                if found[0].live.table.rowCount() >= rows:  # type: ignore[attr-defined]
                    marks["populated"] = time.time()
                    print(json.dumps(marks), flush=True)
                    os._exit(0)  # measured: no need to tear the console down
            QTimer.singleShot(5, poll)

        QTimer.singleShot(0, poll)
        return await original(options, settings)

    console_app.console_main = watched  # type: ignore[assignment]
    options = console_app.StartOptions(server=server, username=user, password=os.environ["BENCH_PASSWORD"], session_id=session_id, log_level="WARNING")
    console_app.run(options)


if __name__ == "__main__":
    main()
