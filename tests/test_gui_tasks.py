"""The task runner: jobs run off the GUI thread and report on it; once shut down (its
window closed) it starts none, so the library can be closed right after."""

from __future__ import annotations

import threading

from PySide6.QtCore import QThread
from PySide6.QtWidgets import QApplication

from readinglist.gui.tasks import TaskRunner


def test_a_job_runs_off_the_gui_thread_and_reports_on_it(qtbot) -> None:
    runner = TaskRunner()  # no parent: Python owns it
    gui = QThread.currentThread()
    ran_on: list[bool] = []

    def job() -> int:
        ran_on.append(QThread.currentThread() is gui)
        return 42

    results: list[tuple[int, bool]] = []
    runner.run(job, on_success=lambda r: results.append((r, QThread.currentThread() is gui)))
    assert runner.wait()
    QApplication.processEvents()  # the result comes back; the task is deleted later
    assert ran_on == [False]
    assert results == [(42, True)]
    # Dropped while the finished task's deferred deletion is still pending: no crash.
    del runner
    QApplication.processEvents()
    assert results == [(42, True)]


def test_shut_down_waits_for_the_running_job(qtbot) -> None:
    runner = TaskRunner()
    started, release, done = threading.Event(), threading.Event(), threading.Event()

    def job() -> None:
        started.set()
        release.wait(10)
        done.set()

    runner.run(job)
    assert started.wait(10)
    threading.Timer(0.05, release.set).start()  # the job ends a little later
    assert runner.shut_down()
    assert done.is_set()  # shut_down returned only after the job ended
    assert runner.is_shut_down


def test_a_shut_down_runner_starts_no_job(qtbot) -> None:
    runner = TaskRunner()
    assert runner.shut_down()
    ran: list[str] = []
    heard: list[object] = []
    task = runner.run(lambda: ran.append("job"), on_success=heard.append,
                      on_failure=heard.append)
    assert task.is_cancelled()
    runner.wait()
    QApplication.processEvents()
    assert ran == [] and heard == []
