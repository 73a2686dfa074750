"""Runs policies.inspection on an uploaded file in a separate, resource-limited process.

Parsers of hostile files can hang, exhaust memory or crash; in a child process with limits on
time, memory and writing files, the worst a file can do is be refused. No Django here.
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
from pathlib import Path
from typing import Any

TOO_SLOW = "The file took too long to check, so it was not accepted."
TOO_BIG = "The file needs too much memory to check safely, so it was not accepted."
UNSAFE = "The file could not be read safely, so it was not accepted. It may be damaged."

# Each action and the module that performs it in the child process.
ACTIONS = {
    "inspect": "policies.inspection",
    "extract": "policies.inspection",
    "passages": "evidence.structure",
}
# policies.inspection exits with this status when the file needed more memory than allowed.
OUT_OF_MEMORY_EXIT_STATUS = 3

# The project root, where ``python -m policies.inspection`` finds its package.
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


class _OutputTooLarge(Exception):
    pass


def run_inspection(
    action: str, path: str, *, timeout_seconds: float, memory_mb: int
) -> dict[str, Any]:
    """Inspect, extract or split into passages the file at path in a sandboxed process.

    The result is never an error: it is the child's verdict, or a refusal when the check itself
    took too long, needed too much memory or failed.
    """
    if action not in ACTIONS:
        raise ValueError(f"Unknown inspection action: {action!r}")
    process = subprocess.Popen(
        [sys.executable, "-m", ACTIONS[action], action, os.path.abspath(path)],
        cwd=PROJECT_ROOT,
        env={
            "PATH": os.environ.get("PATH", os.defpath),
            "LANG": "C.UTF-8",
            "PYTHONPATH": str(PROJECT_ROOT),
            # The child may not write files at all, so it should not try to cache bytecode.
            "PYTHONDONTWRITEBYTECODE": "1",
        },
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        preexec_fn=functools.partial(_apply_limits, _limits(timeout_seconds, memory_mb)),
        # Its own process group, so a timeout ends everything it started.
        start_new_session=True,
    )
    try:
        stdout, stderr = _collect_output(process, timeout_seconds)
    except subprocess.TimeoutExpired:
        return {"ok": False, "reason": TOO_SLOW}
    except _OutputTooLarge:
        return {"ok": False, "reason": UNSAFE}
    finally:
        _end(process)
    if process.returncode != 0:
        return {"ok": False, "reason": _failure_reason(process.returncode, stderr)}
    return _parse_verdict(stdout)


def _limits(timeout_seconds: float, memory_mb: int) -> list[tuple[int, tuple[int, int]]]:
    memory = memory_mb * 1024 * 1024
    cpu_seconds = math.ceil(timeout_seconds) + 1
    return [
        (resource.RLIMIT_AS, (memory, memory)),
        # The wall-clock timeout is the real limit; this one also stops a child nobody waits for,
        # and the hard limit a second later kills one that ignores the soft limit's signal.
        (resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1)),
        (resource.RLIMIT_FSIZE, (0, 0)),
        (resource.RLIMIT_CORE, (0, 0)),
    ]


def _apply_limits(limits: list[tuple[int, tuple[int, int]]]) -> None:
    """Runs in the child between fork and exec, so it only sets what the parent worked out."""
    for kind, limit in limits:
        resource.setrlimit(kind, limit)


def _collect_output(
    process: subprocess.Popen[bytes], timeout_seconds: float
) -> tuple[bytes, bytes]:
    """Read the child's stdout and stderr until it exits, within the timeout and size caps."""
    deadline = time.monotonic() + timeout_seconds
    output = {process.stdout: bytearray(), process.stderr: bytearray()}
    with selectors.DefaultSelector() as selector:
        for stream in output:
            selector.register(stream, selectors.EVENT_READ)
        while selector.get_map():
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise subprocess.TimeoutExpired(process.args, timeout_seconds)
            for key, _ in selector.select(remaining):
                chunk = os.read(key.fd, 1024 * 1024)
                if not chunk:
                    selector.unregister(key.fileobj)
                elif key.fileobj is process.stdout:
                    output[process.stdout] += chunk
                    if len(output[process.stdout]) > MAX_OUTPUT_BYTES:
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
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()


def _failure_reason(returncode: int, stderr: bytes) -> str:
    if returncode == -signal.SIGXCPU:
        return TOO_SLOW
    # SIGKILL that is not ours comes from the kernel running out of memory.
    if returncode in (OUT_OF_MEMORY_EXIT_STATUS, -signal.SIGKILL) or any(
        sign in stderr for sign in _MEMORY_SIGNS
    ):
        return TOO_BIG
    return UNSAFE


def _parse_verdict(stdout: bytes) -> dict[str, Any]:
    try:
        verdict = json.loads(stdout)
    except ValueError:
        return {"ok": False, "reason": UNSAFE}
    well_formed = isinstance(verdict, dict) and (
        verdict.get("ok") is True
        or (verdict.get("ok") is False and isinstance(verdict.get("reason"), str))
    )
    return verdict if well_formed else {"ok": False, "reason": UNSAFE}
