"""Runs a parser of hostile files in a separate, resource-limited process.

Parsers of uploaded files can hang, exhaust memory or crash; in a child process with limits on
time, memory, output and writing files, the worst a file can do is be refused. Every parser child
in the project starts here. No Django here: the child must not need settings or a database.

The parent calls ``run_in_child(module, args, ...)``; the child module's ``__main__`` calls
``child_main(actions)``, which runs one named action and prints its JSON result on stdout.
"""

import contextlib
import functools
import json
import math
import os
import resource
import selectors
import signal
import subprocess
import sys
import time
import traceback
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

# A child exits with this status when its work needed more memory than it was allowed.
OUT_OF_MEMORY_EXIT_STATUS = 3

# The project root, where ``python -m package.module`` finds the child's package.
PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Extracted text is capped at five million characters, well under this even as JSON.
MAX_OUTPUT_BYTES = 64 * 1024 * 1024
# Enough of the end of the child's stderr to tell running out of memory from other failures.
MAX_ERROR_BYTES = 64 * 1024
# How running out of memory shows: in Python, in C libraries, and in the loader mapping them.
_MEMORY_SIGNS = (
    b"MemoryError",
    b"Cannot allocate memory",
    b"out of memory",
    b"failed to map segment",
)


class Failure(StrEnum):
    """Why a child gave no result."""

    TOO_SLOW = "too_slow"
    TOO_BIG = "too_big"
    CRASHED = "crashed"


@dataclass(frozen=True)
class ChildResult:
    """What a child printed on stdout, or why it printed nothing usable."""

    stdout: bytes = b""
    failure: Failure | None = None

    @property
    def ok(self) -> bool:
        return self.failure is None

    def json(self) -> Any:
        """The child's stdout as JSON, or None when it failed or printed something else."""
        if self.failure is not None:
            return None
        try:
            return json.loads(self.stdout)
        except ValueError:
            return None


class _OutputTooLarge(Exception):
    pass


def run_in_child(
    module: str,
    args: Sequence[str] = (),
    *,
    timeout_seconds: float,
    memory_mb: int,
    stdin: bytes = b"",
    env: Mapping[str, str] | None = None,
    max_output_bytes: int = MAX_OUTPUT_BYTES,
    max_file_mb: int = 0,
) -> ChildResult:
    """Run ``python -m module *args`` with limits, and return its stdout or why it failed.

    timeout_seconds is wall-clock time for the child and everything it starts; memory_mb is the
    address space of each process; stdout beyond max_output_bytes is a failure; max_file_mb is the
    largest file the child may write (0: none at all). env adds variables to a minimal environment.
    Never raises for anything the child does.
    """
    process = subprocess.Popen(
        [sys.executable, "-m", module, *args],
        cwd=PROJECT_ROOT,
        env={
            "PATH": os.environ.get("PATH", os.defpath),
            "LANG": "C.UTF-8",
            "PYTHONPATH": str(PROJECT_ROOT),
            # A child that may not write files should not try to cache bytecode.
            "PYTHONDONTWRITEBYTECODE": "1",
            **(env or {}),
        },
        stdin=subprocess.PIPE if stdin else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=functools.partial(
            _apply_limits, _limits(timeout_seconds, memory_mb, max_file_mb)
        ),
        # Its own process group, so a timeout ends everything it started.
        start_new_session=True,
    )
    try:
        stdout, stderr = _communicate(process, stdin, timeout_seconds, max_output_bytes)
    except subprocess.TimeoutExpired:
        return ChildResult(failure=Failure.TOO_SLOW)
    except (_OutputTooLarge, BrokenPipeError):
        return ChildResult(failure=Failure.CRASHED)
    finally:
        _end(process)
    if process.returncode != 0:
        return ChildResult(failure=_failure(process.returncode, stderr))
    return ChildResult(stdout=stdout)


def child_main(
    actions: Mapping[str, Callable[..., Any]],
    *,
    on_error: Callable[[], Any],
    argv: list[str] | None = None,
) -> int:
    """The child's side: run ``action path [argument ...]`` and print its result as JSON.

    An unexpected error prints on_error()'s result (details go to stderr, for the server's log);
    only running out of memory exits unsuccessfully, so the parent can say so.
    """
    arguments = sys.argv[1:] if argv is None else argv
    if len(arguments) < 2 or arguments[0] not in actions:
        print(f"usage: ACTION PATH [ARGUMENT ...]; ACTION: {sorted(actions)}", file=sys.stderr)
        return 2
    action, *rest = arguments
    try:
        result = actions[action](*rest)
    except MemoryError:
        return OUT_OF_MEMORY_EXIT_STATUS
    except Exception:
        traceback.print_exc()
        result = on_error()
    sys.stdout.buffer.write(json.dumps(result, ensure_ascii=False).encode("utf-8"))
    sys.stdout.buffer.flush()
    return 0


def _limits(
    timeout_seconds: float, memory_mb: int, max_file_mb: int
) -> list[tuple[int, tuple[int, int]]]:
    memory = memory_mb * 1024 * 1024
    cpu_seconds = math.ceil(timeout_seconds) + 1
    file_bytes = max_file_mb * 1024 * 1024
    return [
        (resource.RLIMIT_AS, (memory, memory)),
        # The wall-clock timeout is the real limit; this one also stops a child nobody waits for,
        # and the hard limit a second later kills one that ignores the soft limit's signal.
        (resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1)),
        (resource.RLIMIT_FSIZE, (file_bytes, file_bytes)),
        (resource.RLIMIT_CORE, (0, 0)),
    ]


def _apply_limits(limits: list[tuple[int, tuple[int, int]]]) -> None:
    """Runs in the child between fork and exec, so it only sets what the parent worked out."""
    for kind, limit in limits:
        resource.setrlimit(kind, limit)


def _communicate(
    process: subprocess.Popen[bytes], stdin: bytes, timeout_seconds: float, max_output: int
) -> tuple[bytes, bytes]:
    """Feed stdin and read stdout and stderr until the child exits, within time and size caps."""
    deadline = time.monotonic() + timeout_seconds
    output = {process.stdout: bytearray(), process.stderr: bytearray()}
    pending = memoryview(stdin)
    with selectors.DefaultSelector() as selector:
        for stream in output:
            selector.register(stream, selectors.EVENT_READ)
        if process.stdin is not None:
            selector.register(process.stdin, selectors.EVENT_WRITE)
        while selector.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise subprocess.TimeoutExpired(process.args, timeout_seconds)
            for key, _ in selector.select(remaining):
                if key.fileobj is process.stdin:
                    written = os.write(key.fd, pending[: 64 * 1024])
                    pending = pending[written:]
                    if not pending:
                        selector.unregister(key.fileobj)
                        process.stdin.close()
                    continue
                chunk = os.read(key.fd, 1024 * 1024)
                if not chunk:
                    selector.unregister(key.fileobj)
                elif key.fileobj is process.stdout:
                    output[process.stdout] += chunk
                    if len(output[process.stdout]) > max_output:
                        raise _OutputTooLarge
                else:
                    # Keep the end, where a fatal error is reported after any warnings.
                    output[process.stderr] += chunk
                    del output[process.stderr][:-MAX_ERROR_BYTES]
    process.wait(max(deadline - time.monotonic(), 0))
    return bytes(output[process.stdout]), bytes(output[process.stderr])


def _end(process: subprocess.Popen[bytes]) -> None:
    """Make sure the child and anything it started are gone, and reap it."""
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()
    for stream in (process.stdin, process.stdout, process.stderr):
        if stream is not None and not stream.closed:
            stream.close()


def _failure(returncode: int, stderr: bytes) -> Failure:
    if returncode == -signal.SIGXCPU:
        return Failure.TOO_SLOW
    # SIGKILL that is not ours comes from the kernel running out of memory; C libraries such as
    # PDFium abort when an allocation fails under the memory limit.
    if returncode in (OUT_OF_MEMORY_EXIT_STATUS, -signal.SIGKILL, -signal.SIGABRT) or any(
        sign in stderr for sign in _MEMORY_SIGNS
    ):
        return Failure.TOO_BIG
    return Failure.CRASHED
