"""Suggest evidence for every expectation from a policy file that is not in the database."""

import json
import tomllib
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from evidence.ranking import LABELS, Query, rank_passages
from evidence.services import latest_frameworks, suggestion_from_split
from evidence.structure import passages_of_file
from reviews.services import FRAMEWORKS_DIR


class Command(BaseCommand):
    help = (
        "Split a PDF, DOCX or ODT policy into passages (in the sandbox) and print, for each "
        "expectation of a framework, the passages most likely to be evidence."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="a PDF, DOCX or ODT policy")
        parser.add_argument(
            "--framework", help="framework code (default: the only framework loaded)"
        )
        parser.add_argument("--top", type=int, default=3, help="suggestions per expectation")
        parser.add_argument("--json", action="store_true", help="print JSON")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"There is no file at {path}.")
        if options["top"] < 1:
            raise CommandError("--top must be at least 1.")
        code, queries = _framework_queries(options["framework"])
        result = passages_of_file(
            str(path),
            timeout_seconds=settings.POLICY_EXTRACT_TIMEOUT_SECONDS,
            memory_mb=settings.POLICY_PARSE_MEMORY_MB,
        )
        if not result.get("ok"):
            raise CommandError(result.get("reason") or "The file could not be read.")
        passages = result["passages"]
        ranked = rank_passages([p["text"] for p in passages], queries, top=options["top"])
        answer = [
            {
                "code": query.code,
                "suggestions": [
                    suggestion_from_split(passages[found.passage], found)
                    for found in ranked[query.code]
                ],
            }
            for query in queries
        ]
        if options["json"]:
            self.stdout.write(json.dumps(answer, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{path.name}: {len(passages)} passages, framework {code}")
        for entry in answer:
            self.stdout.write(f"\n{entry['code']}")
            if not any(s["label"] for s in entry["suggestions"]):
                self.stdout.write("  No passage clearly addresses this. Closest passages:")
            for suggestion in entry["suggestions"]:
                label = LABELS.get(suggestion["label"], "-")
                self.stdout.write(
                    f"  {label:<8} {suggestion['score']:.2f}  {suggestion['location']}: "
                    f"{suggestion['text'][:160]}"
                )


def _framework_queries(code: str | None) -> tuple[str, list[Query]]:
    """The framework's expectations: the newest loaded version, else its data file."""
    loaded = latest_frameworks()
    if code is None and len(loaded) == 1:
        code = loaded[0].code
    if code is None and not loaded:
        code = "lscb-social-media"
    if code is None:
        codes = ", ".join(sorted(f.code for f in loaded))
        raise CommandError(f"Choose a framework with --framework: {codes}.")
    framework = next((f for f in loaded if f.code == code), None)
    if framework is None:
        return code, _expectations_from_file(code)
    return code, [
        Query(
            code=e.code,
            text=e.text,
            what_good_looks_like=e.what_good_looks_like,
            concepts=tuple(e.concepts),
        )
        for e in framework.expectations.order_by("order")
    ]


def _expectations_from_file(code: str) -> list[Query]:
    for path in sorted(FRAMEWORKS_DIR.glob("*.toml")):
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        if data.get("code") == code:
            return [
                Query(
                    code=expectation["code"],
                    text=expectation["text"].strip(),
                    what_good_looks_like=expectation.get("what_good_looks_like", "").strip(),
                    concepts=tuple(expectation.get("concepts", ())),
                )
                for section in data["sections"]
                for expectation in section.get("expectations", [])
            ]
    raise CommandError(f"There is no framework with the code {code!r}.")
