"""Small policies for the evidence finder's tests, written as the benchmark's markdown."""

from pathlib import Path

from tests.samples import make_docx_from, make_odt_from, make_pdf

SCHOOL = """# Riverbank Primary Social Media Policy

## Staff conduct

Staff must not befriend pupils or accept friend requests from them on personal accounts.

Assume that parents and pupils will look for you online, so set your profiles to private.

## Photographs

- Only use school cameras and tablets to take photos of pupils, never a personal phone.
- Photos are deleted from the device once saved to the secure drive.

| Topic | Rule |
| Our channels | Comments on the school page are moderated daily by the office manager. |
| Replies | We reply to messages within two school days; the page is not monitored at weekends. |

## Searching

Staff must never guess passwords or create fake profiles to see what a pupil has posted.
"""

HEADER = "Riverbank Primary | Social Media Policy"
FOOTER = "Page {page} of {pages}"


def write(folder: Path, kind: str, markdown: str = SCHOOL, **pdf_options) -> Path:
    path = folder / f"policy.{kind}"
    if kind == "pdf":
        path.write_bytes(make_pdf(markdown, **pdf_options))
    elif kind == "docx":
        path.write_bytes(make_docx_from(markdown))
    else:
        path.write_bytes(make_odt_from(markdown))
    return path


def long_pdf_markdown(pages: int = 4) -> str:
    """A policy long enough to fill several printed pages, with distinct text on each."""
    paragraphs = [
        f"Paragraph {n}: staff keep a written record of decision number {n} about how "
        "children and young people are supported in club sessions and trips this year."
        for n in range(1, pages * 14)
    ]
    return "# Long Policy\n\n" + "\n\n".join(paragraphs)


__all__ = ["SCHOOL", "make_docx_from", "make_odt_from", "make_pdf", "write"]
