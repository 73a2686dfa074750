"""Removes active content from an accepted policy file, so it cannot run on reviewers' computers.

A file that passed the upload checks can still carry what runs or reaches out when it is opened:
JavaScript, embedded programs, links that start programs, a template or picture fetched from
another server, a macro project under an ordinary name, data hidden after the end of a PDF. These
are taken out and the rest of the file is kept, so the policy reads as before.

The parent calls ``disarm_in_sandbox``; the work runs in a child process (documents.sandbox) as
``python -m documents.disarm KIND PATH_IN PATH_OUT``. No Django here.
"""

import functools
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass, field

from documents.disarm_docx import disarm_docx
from documents.disarm_odt import disarm_odt
from documents.disarm_pdf import disarm_pdf
from documents.sandbox import child_main, run_in_child

FAILED = (
    "The file could not be made safe to store, so it was not accepted. "
    "Save it again (as PDF, .docx or .odt) and upload the new file."
)


@dataclass(frozen=True)
class Disarmed:
    """What the child did: ok, and what it removed (nothing removed: the file was not rewritten)."""

    ok: bool
    removed: list[str] = field(default_factory=list)


def disarm_in_sandbox(
    path_in: str,
    path_out: str,
    kind: str,
    *,
    timeout_seconds: float,
    memory_mb: int,
    max_file_mb: int,
) -> Disarmed:
    """Disarm the file at path_in in a child process, writing the disarmed copy to path_out.

    path_out is written only when something was removed. Never raises for anything the file does.
    """
    child = run_in_child(
        "documents.disarm",
        [kind, os.path.abspath(path_in), os.path.abspath(path_out)],
        timeout_seconds=timeout_seconds,
        memory_mb=memory_mb,
        max_file_mb=max_file_mb,
    )
    found = child.json()
    if not isinstance(found, dict) or found.get("ok") is not True:
        return Disarmed(ok=False)
    removed = found.get("removed")
    if not isinstance(removed, list) or not all(isinstance(item, str) for item in removed):
        return Disarmed(ok=False)
    return Disarmed(ok=True, removed=[item[:300] for item in removed[:50]])


def disarm(path_in: str, path_out: str, kind: str) -> list[str]:
    """Write a copy of the file without its active content; say in words what was removed.

    When nothing is found, path_out is not written and the list is empty.
    """
    return _DISARMERS[kind](path_in, path_out)


_DISARMERS: dict[str, Callable[[str, str], list[str]]] = {
    "pdf": disarm_pdf,
    "docx": disarm_docx,
    "odt": disarm_odt,
}


def _disarm_action(path_in: str, *, kind: str, path_out: str) -> dict:
    return {"ok": True, "removed": disarm(path_in, path_out, kind)}


def main(argv: list[str] | None = None) -> int:
    arguments = sys.argv[1:] if argv is None else argv
    if len(arguments) != 3:
        print("usage: KIND PATH_IN PATH_OUT", file=sys.stderr)
        return 2
    kind, path_in, path_out = arguments
    actions = {
        name: functools.partial(_disarm_action, kind=name, path_out=path_out) for name in _DISARMERS
    }
    return child_main(actions, on_error=lambda: {"ok": False}, argv=[kind, path_in])


if __name__ == "__main__":
    sys.exit(main())
