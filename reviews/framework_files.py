"""Framework data files: reading TOML, YAML and CSV into one shape, and writing YAML and CSV.

Every format reads into the same dictionary as the TOML files the board keeps:
{code, name, publisher, published_on, source, description,
 sections: [{number, title, expectations: [{code, text, what_good_looks_like, concepts}]}]}.
A problem is reported with the line of the file it is on, so a person can find it.
"""

import csv
import datetime
import io
import tomllib

import yaml
from django.utils.text import slugify

from audit.spreadsheet import FORMULA_STARTS, neutralise

CSV_COLUMNS = [
    "section_number",
    "section_title",
    "code",
    "text",
    "what_good_looks_like",
    "concepts",
]
REQUIRED_CSV_COLUMNS = ("section_number", "section_title", "code", "text")
CONCEPT_SEPARATOR = " | "

# Bounds on what a file may hold, matching the columns it is written to.
MAX_SECTIONS = 50
MAX_EXPECTATIONS = 500
MAX_CODE = 20
MAX_TITLE = 500
MAX_NAME = 300
MAX_TEXT = 5000
MAX_CONCEPTS = 50
MAX_CONCEPT = 300


class FrameworkFileError(ValueError):
    """A framework file that cannot be read, with the line the problem is on where known."""

    def __init__(self, message: str, *, line: int | None = None, name: str = ""):
        self.line = line
        self.problem = message
        where = f"line {line}: " if line else ""
        prefix = f"{name}: " if name else ""
        super().__init__(f"{prefix}{where}{message}")


def _text(value, *, what: str, limit: int, line: int | None, required: bool = True) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str | int | float):
        raise FrameworkFileError(f"{what} must be text", line=line)
    text = str(value).strip()
    if required and not text:
        raise FrameworkFileError(f"{what} is missing", line=line)
    if len(text) > limit:
        raise FrameworkFileError(f"{what} is longer than {limit} characters", line=line)
    return text


def _concepts(value, *, code: str, line: int | None) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(c, str) for c in value):
        raise FrameworkFileError(f"{code}'s concepts must be a list of wordings", line=line)
    concepts = [c.strip() for c in value if c.strip()]
    if len(concepts) > MAX_CONCEPTS:
        raise FrameworkFileError(f"{code} has more than {MAX_CONCEPTS} concepts", line=line)
    if any(len(c) > MAX_CONCEPT for c in concepts):
        raise FrameworkFileError(
            f"{code} has a concept longer than {MAX_CONCEPT} characters", line=line
        )
    return concepts


class _Lines:
    """Line numbers of a YAML or TOML document's parts, where the format gives them."""

    def __init__(self, node=None):
        self.node = node

    def of(self, *path) -> int | None:
        node = self.node
        for step in path:
            if node is None:
                return None
            if isinstance(node, yaml.MappingNode):
                node = next((v for k, v in node.value if k.value == step), None)
            elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
                node = node.value[step] if step < len(node.value) else None
            else:
                return None
        return node.start_mark.line + 1 if node is not None else None


def framework_data_check(data, *, lines: _Lines | None = None) -> dict:
    """The file's content as the framework dictionary, or the first problem in it."""
    lines = lines or _Lines()
    if not isinstance(data, dict):
        raise FrameworkFileError("the file must describe one framework", line=1)
    clean = {
        "code": slugify(_text(data.get("code"), what="code", limit=80, line=lines.of("code"))),
        "name": _text(data.get("name"), what="name", limit=MAX_NAME, line=lines.of("name")),
    }
    for key in ("publisher", "source", "description"):
        clean[key] = _text(
            data.get(key), what=key, limit=MAX_TEXT, line=lines.of(key), required=False
        )
    published_on = data.get("published_on")
    if published_on is not None and not isinstance(published_on, datetime.date):
        raise FrameworkFileError(
            "published_on must be a date such as 2015-05-01", line=lines.of("published_on")
        )
    clean["published_on"] = published_on
    clean["sections"] = _sections_check(data.get("sections"), lines)
    return clean


def _sections_check(sections, lines: _Lines) -> list[dict]:
    if not isinstance(sections, list) or not sections:
        raise FrameworkFileError(
            "the framework needs at least one section", line=lines.of("sections")
        )
    if len(sections) > MAX_SECTIONS:
        raise FrameworkFileError(f"a framework has at most {MAX_SECTIONS} sections")
    clean, codes, numbers = [], set(), set()
    for i, section in enumerate(sections):
        line = lines.of("sections", i)
        if not isinstance(section, dict):
            raise FrameworkFileError("each section needs a number and a title", line=line)
        number = section.get("number")
        if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= 999:
            raise FrameworkFileError(
                "a section's number must be a whole number from 1 to 999",
                line=lines.of("sections", i, "number") or line,
            )
        if number in numbers:
            raise FrameworkFileError(f"section {number} appears twice", line=line)
        numbers.add(number)
        title = _text(
            section.get("title"),
            what=f"section {number}'s title",
            limit=MAX_TITLE,
            line=lines.of("sections", i, "title") or line,
        )
        expectations = section.get("expectations") or []
        if not isinstance(expectations, list):
            raise FrameworkFileError(f"section {number}'s expectations must be a list", line=line)
        clean_expectations = []
        for j, expectation in enumerate(expectations):
            at = ("sections", i, "expectations", j)
            item = _expectation_check(expectation, lines=lines, at=at)
            if item["code"] in codes:
                raise FrameworkFileError(
                    f"expectation code {item['code']} is used twice", line=lines.of(*at, "code")
                )
            codes.add(item["code"])
            clean_expectations.append(item)
        clean.append({"number": number, "title": title, "expectations": clean_expectations})
    if len(codes) > MAX_EXPECTATIONS:
        raise FrameworkFileError(f"a framework has at most {MAX_EXPECTATIONS} expectations")
    return sorted(clean, key=lambda s: s["number"])


def _expectation_check(expectation, *, lines: _Lines, at: tuple) -> dict:
    line = lines.of(*at)
    if not isinstance(expectation, dict):
        raise FrameworkFileError("each expectation needs a code and its text", line=line)
    code = _text(
        expectation.get("code"),
        what="an expectation's code",
        limit=MAX_CODE,
        line=lines.of(*at, "code") or line,
    )
    return {
        "code": code,
        "text": _text(
            expectation.get("text"),
            what=f"{code}'s text",
            limit=MAX_TEXT,
            line=lines.of(*at, "text") or line,
        ),
        "what_good_looks_like": _text(
            expectation.get("what_good_looks_like"),
            what=f"{code}'s what good looks like",
            limit=MAX_TEXT,
            line=lines.of(*at, "what_good_looks_like") or line,
            required=False,
        ),
        "concepts": _concepts(
            expectation.get("concepts"), code=code, line=lines.of(*at, "concepts") or line
        ),
    }


def framework_read_toml(text: str) -> dict:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise FrameworkFileError(str(error)) from error
    return framework_data_check(data)


def framework_read_yaml(text: str) -> dict:
    try:
        data = yaml.safe_load(text)
        # The same text composed (never constructed) into nodes, for the line of each part.
        lines = _Lines(yaml.compose(text, Loader=yaml.SafeLoader))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        problem = getattr(error, "problem", None) or "the file is not valid YAML"
        raise FrameworkFileError(problem, line=mark.line + 1 if mark else None) from error
    return framework_data_check(data, lines=lines)


def _cell_read(value: str | None) -> str:
    """A cell as the board wrote it: a quote this service put before a formula is taken off."""
    text = (value or "").strip()
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text


def _csv_concepts(value: str) -> list[str]:
    separator = "|" if "|" in value else ";"
    return [c.strip() for c in value.split(separator) if c.strip()]


def framework_read_csv(text: str, *, code: str, name: str) -> dict:
    """A spreadsheet of expectations, one a row, each naming its section."""
    reader = csv.DictReader(io.StringIO(text))
    try:
        header = [h.strip().lower() for h in (reader.fieldnames or [])]
    except csv.Error as error:
        raise FrameworkFileError(str(error), line=1) from error
    missing = [c for c in REQUIRED_CSV_COLUMNS if c not in header]
    if missing:
        raise FrameworkFileError(f"the first row needs the columns {', '.join(missing)}", line=1)
    reader.fieldnames = header
    sections: dict[int, dict] = {}
    try:
        for row in reader:
            if any((v or "").strip() for v in row.values() if isinstance(v, str)):
                _csv_row(row, line=reader.line_num, sections=sections)
    except csv.Error as error:
        raise FrameworkFileError(str(error), line=reader.line_num) from error
    return framework_data_check({"code": code, "name": name, "sections": list(sections.values())})


def _csv_row(row: dict, *, line: int, sections: dict[int, dict]) -> None:
    raw_number = _cell_read(row.get("section_number"))
    try:
        number = int(raw_number)
    except ValueError:
        raise FrameworkFileError(
            f"section_number must be a whole number, not “{raw_number[:20]}”", line=line
        ) from None
    if not 1 <= number <= 999:
        raise FrameworkFileError("section_number must be from 1 to 999", line=line)
    title = _cell_read(row.get("section_title"))
    if number not in sections or title:
        title = _text(title, what=f"section {number}'s title", limit=MAX_TITLE, line=line)
    section = sections.setdefault(number, {"number": number, "title": title, "expectations": []})
    # A spreadsheet may give the title on a section's first row only.
    if title and title != section["title"]:
        raise FrameworkFileError(
            f"section {number} has a different title here from its first row", line=line
        )
    raw = {
        "code": _cell_read(row.get("code")),
        "text": _cell_read(row.get("text")),
        "what_good_looks_like": _cell_read(row.get("what_good_looks_like")),
        "concepts": _csv_concepts(_cell_read(row.get("concepts"))),
    }
    try:
        expectation = _expectation_check(raw, lines=_Lines(), at=())
    except FrameworkFileError as error:
        raise FrameworkFileError(error.problem, line=line) from error
    if any(e["code"] == expectation["code"] for s in sections.values() for e in s["expectations"]):
        raise FrameworkFileError(f"expectation code {expectation['code']} is used twice", line=line)
    section["expectations"].append(expectation)


def framework_write_yaml(data: dict) -> str:
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)


def framework_write_csv(data: dict) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for section in data["sections"]:
        for expectation in section["expectations"]:
            writer.writerow(
                neutralise(cell)
                for cell in (
                    section["number"],
                    section["title"],
                    expectation["code"],
                    expectation["text"],
                    expectation["what_good_looks_like"],
                    CONCEPT_SEPARATOR.join(expectation["concepts"]),
                )
            )
    return out.getvalue()
