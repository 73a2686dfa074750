"""Active content taken out of a Word (.docx) package: macro projects, embedded objects, ActiveX
controls, DDE fields and what is fetched from another server.

Runs in the disarming child (documents.disarm). No Django here.
"""

import zipfile

from lxml import etree

from .inspection import parse_xml
from .packages import (
    checked_entries,
    read_part,
    remove_keeping_tail,
    serialize,
    starts_with,
    write_package,
)
from .removals import SAFE_URI, Removals

_R_NAMESPACE = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
_CONTENT_TYPES = "{http://schemas.openxmlformats.org/package/2006/content-types}"
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# A compound (OLE) file: macro projects, embedded objects and ActiveX controls are stored as these.
_OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

# External relationships by the last part of their type: what they fetch from another server.
_EXTERNAL = {
    "attachedTemplate": "a link to a template on another server",
    "image": "a picture loaded from another server",
    "oleObject": "an object linked from another server",
    "frame": "a frame loaded from another server",
    "subDocument": "a document loaded from another server",
}
# Internal relationships to parts that hold code or objects that can run.
_INTERNAL = {
    "vbaProject": "a macro project, which can run programs",
    "wordVbaData": "a macro project, which can run programs",
    "oleObject": "an embedded object",
    "package": "an embedded object",
    "control": "an ActiveX control",
    "activeXControlBinary": "an ActiveX control",
}
# Content types of parts that hold code or objects, whatever the part is called.
_ACTIVE_CONTENT_TYPES = ("vbaproject", "vbadata", "macroenabled", "activex", "oleobject")
# Elements that only point at a removed relationship, and go with it.
_POINTERS = {f"{_W}attachedTemplate", f"{_W}subDoc", f"{_W}control"}
_OLE_ELEMENT = "{urn:schemas-microsoft-com:office:office}OLEObject"


def disarm_docx(path_in: str, path_out: str) -> list[str]:
    removals = Removals()
    with zipfile.ZipFile(path_in) as archive:
        entries = checked_entries(archive)
        by_name = {entry.filename: entry for entry in entries}
        content_types = parse_xml(read_part(archive, by_name["[Content_Types].xml"]))
        overrides = {
            element.get("PartName", "").lstrip("/"): (element.get("ContentType") or "").lower()
            for element in content_types.iter(f"{_CONTENT_TYPES}Override")
        }
        dropped: set[str] = set()
        for entry in entries:
            what, name = _docx_active_part(archive, entry, overrides)
            if what:
                removals.add(what, name)
                dropped.add(entry.filename)
        rewritten: dict[str, bytes] = {}
        for entry in entries:
            if entry.filename.endswith(".rels") and entry.filename not in dropped:
                _disarm_relationships(archive, entry, by_name, dropped, rewritten, removals)
        dropped |= {_rels_name(name) for name in dropped} & set(by_name)
        for name in dropped:
            rewritten.pop(name, None)
        for element in list(content_types.iter(f"{_CONTENT_TYPES}Override")):
            if element.get("PartName", "").lstrip("/") in dropped:
                content_types.remove(element)
        for element in list(content_types.iter(f"{_CONTENT_TYPES}Default")):
            if any(
                kind in (element.get("ContentType") or "").lower() for kind in _ACTIVE_CONTENT_TYPES
            ):
                content_types.remove(element)
        _remove_dde_fields(archive, by_name, dropped, rewritten, removals)
        if removals:
            rewritten["[Content_Types].xml"] = serialize(content_types)
            write_package(archive, entries, dropped, rewritten, path_out)
    return removals.lines()


def _docx_active_part(
    archive: zipfile.ZipFile, entry: zipfile.ZipInfo, overrides: dict[str, str]
) -> tuple[str, str]:
    """What the part is, if it holds code or an object (and the name to show); ('', '') if not."""
    name = entry.filename
    lowered = name.lower()
    if lowered.startswith("word/embeddings/"):
        return "an embedded object", name.rsplit("/", 1)[-1]
    if lowered.startswith("word/activex/") or lowered.endswith(("vbaproject.bin", "vbadata.xml")):
        return "a macro project or ActiveX control, which can run programs", ""
    # Judged by content type and by content too, so a macro project under a picture's name goes.
    hidden = any(kind in overrides.get(name, "") for kind in _ACTIVE_CONTENT_TYPES) or (
        not name.endswith((".xml", ".rels")) and starts_with(archive, entry, _OLE_SIGNATURE)
    )
    if hidden:
        return "a macro project or embedded object hidden under an ordinary name", name
    return "", ""


def _disarm_relationships(
    archive: zipfile.ZipFile,
    entry: zipfile.ZipInfo,
    by_name: dict[str, zipfile.ZipInfo],
    dropped: set[str],
    rewritten: dict[str, bytes],
    removals: Removals,
) -> None:
    """Remove relationships that reach another server or point at code, and what points at them."""
    source = _source_part(entry.filename)
    relationships = parse_xml(read_part(archive, entry))
    removed_ids = set()
    for relationship in list(relationships):
        kind = (relationship.get("Type") or "").rsplit("/", 1)[-1]
        target = relationship.get("Target") or ""
        if relationship.get("TargetMode") == "External":
            if kind == "hyperlink":
                if SAFE_URI.match(target.encode()):
                    continue
                removals.add("a link to a file or program")
            else:
                removals.add(_EXTERNAL.get(kind, "a link to content on another server"))
        else:
            target_name = _resolve(source, target)
            if kind not in _INTERNAL and target_name not in dropped:
                continue
            if kind in _INTERNAL and target_name not in dropped:
                removals.add(_INTERNAL[kind], target_name.rsplit("/", 1)[-1])
            if target_name in by_name:
                dropped.add(target_name)
        removed_ids.add(relationship.get("Id"))
        relationships.remove(relationship)
    if not removed_ids:
        return
    rewritten[entry.filename] = serialize(relationships)
    if source in by_name and source not in dropped:
        part = parse_xml(read_part(archive, by_name[source]))
        _remove_pointers(part, removed_ids)
        rewritten[source] = serialize(part)


def _remove_pointers(part: etree._Element, removed_ids: set[str | None]) -> None:
    for element in list(part.iter()):
        pointing = [
            name
            for name, value in element.attrib.items()
            if name.startswith(_R_NAMESPACE) and value in removed_ids
        ]
        if not pointing:
            continue
        parent = element.getparent()
        if (element.tag in _POINTERS or element.tag == _OLE_ELEMENT) and parent is not None:
            remove_keeping_tail(element, parent)
            continue
        for name in pointing:
            del element.attrib[name]


def _remove_dde_fields(
    archive: zipfile.ZipFile,
    by_name: dict[str, zipfile.ZipInfo],
    dropped: set[str],
    rewritten: dict[str, bytes],
    removals: Removals,
) -> None:
    """DDE fields start a program when the document opens; their instruction is emptied."""
    for name, entry in by_name.items():
        if not name.startswith("word/") or not name.endswith(".xml") or name in dropped:
            continue
        data = rewritten.get(name) or read_part(archive, entry)
        if b"DDE" not in data.upper():
            continue
        part = parse_xml(data)
        changed = False
        for element in part.iter(f"{_W}instrText", f"{_W}fldSimple"):
            instruction = (
                element.get(f"{_W}instr") if element.tag == f"{_W}fldSimple" else element.text
            )
            if (instruction or "").strip().upper().startswith("DDE"):
                if element.tag == f"{_W}fldSimple":
                    element.set(f"{_W}instr", "")
                else:
                    element.text = ""
                changed = True
        if changed:
            removals.add("a field that starts a program (DDE)")
            rewritten[name] = serialize(part)


def _source_part(rels_name: str) -> str:
    """The part that word/_rels/document.xml.rels (say) belongs to: word/document.xml."""
    folder, _, filename = rels_name.rpartition("_rels/")
    return folder + filename.removesuffix(".rels")


def _rels_name(part: str) -> str:
    folder, _, filename = part.rpartition("/")
    return f"{folder}/_rels/{filename}.rels" if folder else f"_rels/{filename}.rels"


def _resolve(source: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    parts = source.split("/")[:-1]
    for piece in target.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece not in ("", "."):
            parts.append(piece)
    return "/".join(parts)
