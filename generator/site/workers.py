"""Run one call per site side by side, each in its own process.

Each process gets its inputs as the arguments of its target: under `fork`
(Linux) it inherits them without pickling; under `spawn` (Windows, macOS)
they are pickled once for it. Nothing is handed over through module state.
A process sends back its result, or the text of the error that stopped it.
"""
from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from collections.abc import Callable
from typing import Any


class WorkerFailed(Exception):
    """A site's process failed; the message is its error's text."""


# How much a process that `side_by_side` asks to yield lowers its priority (`os.nice`): at 10 the
# scheduler gives it about a tenth of a core while the others want both.
YIELD_NICENESS = 10


def side_by_side(target: Callable[..., Any], calls: dict[str, tuple], parallel: bool = True,
                 yielding: frozenset[str] = frozenset()) -> dict[str, Any]:
    """{key: target(*args)} for each of `calls`, in one process per call (in
    this process when not `parallel` or on one core). Raises the first failure.
    `yielding`: keys whose processes run at a lower priority. They take the
    cores the others leave idle (while those wait, or after they end), so the
    longest call is not slowed by shorter ones that have time to spare."""
    if not parallel or (os.cpu_count() or 1) < 2:
        return {key: target(*args) for key, args in calls.items()}
    context = multiprocessing.get_context()  # the platform's start method: fork on Linux, spawn on Windows and macOS
    _freeze()
    started = []
    try:
        for key, args in calls.items():
            receive, send = context.Pipe(duplex=False)
            process = context.Process(target=_run, args=(send, target, *args),
                                      kwargs={"niceness": YIELD_NICENESS if key in yielding else 0})
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


def keep_heap() -> None:
    """Move every object now alive into the collector's permanent generation: what a build made so far
    (the ledger, a site's view) lives until the process ends, and scanning it again at every collection
    costs seconds at 10,000 items."""
    gc.freeze()


def _freeze() -> None:
    """Before a fork: move every object into the garbage collector's permanent generation, so that
    neither process's collections write to the pages they share (copy-on-write would copy them all:
    the ledger, its evaluation and the site's view, once per process)."""
    gc.freeze()


def _run(send, target: Callable[..., Any], *args: Any, niceness: int = 0) -> None:
    if niceness and hasattr(os, "nice"):
        try:
            os.nice(niceness)
        except OSError:  # not allowed here: run at the usual priority
            pass
    try:
        result = (True, target(*args))
    except (Exception, SystemExit) as e:  # MkDocs ends a failed strict build with an exception
        result = (False, str(e))
    send.send(result)
    send.close()


class Beside:
    """One call run in a process of its own while this one goes on (`beside`); `result()` waits for it."""

    def __init__(self, target: Callable[..., Any], args: tuple, parallel: bool) -> None:
        self._process = None
        self._value: tuple[bool, Any] | None = None
        if not parallel or not _forks():
            self._target, self._args = target, args  # run by `result()`, in this process
            return
        context = multiprocessing.get_context("fork")
        _freeze()
        self._receive, send = context.Pipe(duplex=False)
        self._process = context.Process(target=_run, args=(send, target, *args))
        self._process.start()
        send.close()

    def result(self) -> Any:
        if self._process is None:
            if self._value is None:
                self._value = (True, self._target(*self._args))
            return self._value[1]
        if self._value is None:
            try:
                self._value = self._receive.recv()
            except EOFError:
                self._process.join()
                raise WorkerFailed(f"生成进程意外退出（退出码 {self._process.exitcode}）") from None
            finally:
                self._process.join()
                self._receive.close()
        ok, value = self._value
        if not ok:
            raise WorkerFailed(value)
        return value

    def __enter__(self) -> Beside:
        return self

    def __exit__(self, kind, error, trace) -> None:
        if kind is not None:  # this process failed: it will not wait for the other
            self.stop()

    def stop(self) -> None:
        """End the process early (this one failed and will not wait for it)."""
        if self._process is not None and self._value is None:
            self._process.terminate()
            self._process.join()
            self._receive.close()
            self._value = (False, "stopped")


def beside(target: Callable[..., Any], *args: Any, parallel: bool = True) -> Beside:
    """Start `target(*args)` (`with beside(...) as call: ...; call.result()`) in a forked process that
    shares this one's memory as it is now (no pickling of large inputs); without fork (Windows, macOS)
    or when not `parallel`, `result()` runs it here."""
    return Beside(target, args, parallel)


def _forks() -> bool:
    # Linux only: fork is the default there; macOS offers it but it is unsafe with its system libraries.
    return (os.cpu_count() or 1) >= 2 and sys.platform.startswith("linux")


class Handover:
    """A value made in a forked process for the one that forked it, sent without copying the objects
    both already hold (`shared`: the ledger's items, inherited by the fork): those go as their
    positions and the receiver puts its own in their place (`value(shared)`). Within one process,
    nothing is copied. The bytes only ever come from this build's own process, over its pipe."""

    def __init__(self, value: Any, shared: list) -> None:
        self._value, self._shared, self._data = value, shared, None

    def __reduce__(self):
        import io
        import pickle

        positions = {id(o): n for n, o in enumerate(self._shared)}

        class _Pickler(pickle.Pickler):
            def persistent_id(self, obj):
                return positions.get(id(obj))

        buffer = io.BytesIO()
        _Pickler(buffer, protocol=pickle.HIGHEST_PROTOCOL).dump(self._value)
        return (_received, (buffer.getvalue(),))

    def value(self, shared: list) -> Any:
        """The value, with the receiver's own objects of `shared` (the same list, in the same order)."""
        if self._data is None:
            return self._value
        import io
        import pickle

        class _Unpickler(pickle.Unpickler):
            def persistent_load(self, position):
                return shared[position]

        return _Unpickler(io.BytesIO(self._data)).load()


def _received(data: bytes) -> Handover:
    handover = Handover(None, [])
    handover._data = data
    return handover
