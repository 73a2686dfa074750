"""Small child programs that misbehave on request, for the sandbox's tests. No Django here."""

import os
import sys
import time

from documents.sandbox import child_main


def echo(_: str) -> dict:
    return {"stdin": sys.stdin.read(), "colour": os.environ.get("COLOUR", "")}


def sleep(seconds: str) -> dict:
    time.sleep(float(seconds))
    return {"slept": True}


def allocate(megabytes: str) -> dict:
    block = bytearray(int(megabytes) * 1024 * 1024)
    return {"allocated": len(block)}


def shout(megabytes: str) -> dict:
    return {"text": "x" * int(megabytes) * 1024 * 1024}


def write(path: str) -> dict:
    with open(path, "wb") as file:
        file.write(b"x" * 1024 * 1024)
    return {"written": True}


if __name__ == "__main__":
    sys.exit(
        child_main(
            {"echo": echo, "sleep": sleep, "allocate": allocate, "shout": shout, "write": write},
            on_error=lambda: {"error": True},
        )
    )
