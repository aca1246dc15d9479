"""Run one call per site side by side, each in its own process.

Each process gets its inputs as the arguments of its target: under `fork`
(Linux) it inherits them without pickling; under `spawn` (Windows, macOS)
they are pickled once for it. Nothing is handed over through module state.
A process sends back its result, or the text of the error that stopped it.
"""
from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from typing import Any


class WorkerFailed(Exception):
    """A site's process failed; the message is its error's text."""


def side_by_side(target: Callable[..., Any], calls: dict[str, tuple], parallel: bool = True) -> dict[str, Any]:
    """{key: target(*args)} for each of `calls`, in one process per call (in
    this process when not `parallel` or on one core). Raises the first failure."""
    if not parallel or (os.cpu_count() or 1) < 2:
        return {key: target(*args) for key, args in calls.items()}
    context = multiprocessing.get_context()  # the platform's start method: fork on Linux, spawn on Windows and macOS
    started = []
    try:
        for key, args in calls.items():
            receive, send = context.Pipe(duplex=False)
            process = context.Process(target=_run, args=(send, target, *args))
            process.start()
            send.close()  # so that a process that dies shows as end of file
            started.append((key, process, receive))
        results = {}
        for key, process, receive in started:
            try:
                ok, value = receive.recv()
            except EOFError:
                process.join()
                raise WorkerFailed(f"生成进程意外退出（退出码 {process.exitcode}）") from None
            if not ok:
                raise WorkerFailed(value)
            results[key] = value
        return results
    finally:
        for _, process, receive in started:
            process.join()
            receive.close()


def _run(send, target: Callable[..., Any], *args: Any) -> None:
    try:
        result = (True, target(*args))
    except (Exception, SystemExit) as e:  # MkDocs ends a failed strict build with an exception
        result = (False, str(e))
    send.send(result)
    send.close()
