"""The evidence development set: real published policies with labelled evidence, read in place.

It lives beside the repository in ../shared/evidence-devset and is never copied into it. Each
`<name>.txt` holds the policy as published (`#` headings, `- ` list items, other lines paragraphs)
and `<name>.gold.json` the phrases a reviewer would quote as evidence for each expectation. No
Django here.
"""

import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

from documents.blocks import Block, Kind
from documents.passages import passages_of
from evidence.ranking import Query

ROOT = Path(__file__).resolve().parents[1]
DEVSET = ROOT.parent / "shared" / "evidence-devset"
FRAMEWORK = ROOT / "reviews" / "frameworks" / "lscb-social-media-2015.toml"
ABSENT = f"The evidence development set is not at {DEVSET}."


@dataclass
class Policy:
    name: str
    markdown: str  # the text as the sample writers take it: headings, list items, paragraphs
    gold: dict[str, list[str]]

    def passages(self) -> list[dict]:
        """Its passages, made the way the document reader makes them from a file's blocks."""
        # A text has no pages.
        return [{**p, "page": None} for p in passages_of(blocks_of_text(self.markdown))]


def blocks_of_text(markdown: str) -> list[Block]:
    blocks = []
    path: list[str] = []
    for line in markdown.splitlines():
        line = line.strip()
        if not line:
            continue
        if line.startswith("#"):
            level = len(line) - len(line.lstrip("#"))
            text = line.lstrip("#").strip()
            path = [*path[: level - 1], text]
            blocks.append(Block(text, 1, Kind.HEADING, tuple(path[:-1]), level))
        elif line.startswith("- "):
            blocks.append(Block(line[2:].strip(), 1, Kind.LIST_ITEM, tuple(path)))
        else:
            blocks.append(Block(line, 1, Kind.PARAGRAPH, tuple(path)))
    return blocks


def available() -> bool:
    return DEVSET.is_dir() and any(DEVSET.glob("*.gold.json"))


def policies() -> list[Policy]:
    found = []
    for gold_path in sorted(DEVSET.glob("*.gold.json")):
        name = gold_path.name.removesuffix(".gold.json")
        lines = (DEVSET / f"{name}.txt").read_text(encoding="utf-8").splitlines()
        # Line 1 is the source's address and line 2 the organisation: not part of the policy.
        body = [line for line in lines if not line.startswith(("SOURCE:", "ORG:"))]
        gold = json.loads(gold_path.read_text(encoding="utf-8"))
        gold.pop("_about", None)
        found.append(Policy(name, "\n".join(body), gold))
    return found


def normal(text: str) -> str:
    return " ".join(text.replace("\u2019", "'").replace("\u2018", "'").split()).lower()


def gold_indexes(passages: list[dict], phrases: list[str]) -> set[int]:
    """The passages holding any of the phrases (case-insensitive, white space folded)."""
    wanted = [normal(phrase) for phrase in phrases]
    return {
        index
        for index, passage in enumerate(passages)
        if any(phrase in normal(passage["text"]) for phrase in wanted)
    }


def framework_queries() -> list[Query]:
    data = tomllib.loads(FRAMEWORK.read_text(encoding="utf-8"))
    return [
        Query(
            code=expectation["code"],
            text=expectation["text"].strip(),
            what_good_looks_like=expectation.get("what_good_looks_like", "").strip(),
            concepts=tuple(expectation.get("concepts", ())),
        )
        for section in data["sections"]
        for expectation in section["expectations"]
    ]
