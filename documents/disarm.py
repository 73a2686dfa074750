"""Removes active content from an accepted policy file, so it cannot run on reviewers' computers.

A file that passed the upload checks can still carry what runs or reaches out when it is opened:
JavaScript, embedded programs, links that start programs, a template or picture fetched from
another server, a macro project under an ordinary name, data hidden after the end of a PDF. These
are taken out and the rest of the file is kept, so the policy reads as before.

The parent calls ``disarm_in_sandbox``; the work runs in a child process (documents.sandbox) as
``python -m documents.disarm KIND PATH_IN PATH_OUT``. No Django here.
"""

import functools
import itertools
import mmap
import os
import re
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field

import pikepdf
from lxml import etree

# The upload checks' limits on what a package may unpack to, applied again from its directory
# before anything is read, so the disarming is safe whatever it is given.
from documents.inspection import (
    COMPRESSION_RATIO_APPLIES_FROM_BYTES,
    MAX_COMPRESSION_RATIO,
    MAX_UNPACKED_BYTES,
    parse_xml,
)
from documents.sandbox import child_main, run_in_child

MAX_XML_PART_BYTES = 64 * 1024 * 1024
# How many objects of one kind are named in what was removed; beyond it they are counted.
MAX_NAMED = 5
# Bookmarks, name trees and action chains are followed this far and no further.
MAX_WALK = 10_000

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


class _Removals:
    """What was removed, in words, with names of like things gathered into one line."""

    def __init__(self) -> None:
        self._found: dict[str, list[str]] = {}

    def add(self, what: str, name: str = "") -> None:
        names = self._found.setdefault(what, [])
        if name and name not in names:
            names.append(name)

    def __bool__(self) -> bool:
        return bool(self._found)

    def lines(self) -> list[str]:
        lines = []
        for what, names in self._found.items():
            if not names:
                lines.append(what)
                continue
            shown = ", ".join(_printable(name) for name in names[:MAX_NAMED])
            more = len(names) - MAX_NAMED
            lines.append(f"{what} ({shown}{f' and {more} more' if more > 0 else ''})")
        return lines


def _printable(name: str) -> str:
    return re.sub(r"[\x00-\x1f\x7f-\x9f]", "", name)[:80]


# PDF -----------------------------------------------------------------------------------------

# Actions that run a program, script or form submission, or open another file.
_PDF_ACTIONS = {
    "/JavaScript": "JavaScript",
    "/Launch": "an instruction to start a program",
    "/SubmitForm": "a form that sends what is typed to another server",
    "/ImportData": "an instruction to load data from another file",
    "/GoToR": "a link that opens another file",
    "/GoToE": "a link that opens an embedded file",
    "/Rendition": "embedded media that plays by itself",
    "/Movie": "embedded media that plays by itself",
    "/Sound": "embedded media that plays by itself",
    "/RichMediaExecute": "embedded media that plays by itself",
}
# Annotations that are themselves files, media or programs.
_PDF_ACTIVE_ANNOTATIONS = {"/FileAttachment", "/RichMedia", "/Screen", "/Movie", "/Sound", "/3D"}
# A link a reader clicks may go to a web page or an email address; other schemes (file:, a
# network share, javascript:) are not links to keep.
_SAFE_URI = re.compile(rb"(?i)^(https?|mailto):")


def _disarm_pdf(path_in: str, path_out: str) -> list[str]:
    removals = _Removals()
    with pikepdf.open(path_in) as pdf:
        root = pdf.Root
        names = root.get("/Names")
        if isinstance(names, pikepdf.Dictionary):
            if "/JavaScript" in names:
                del names["/JavaScript"]
                removals.add("JavaScript, set to run when the file opens")
            if "/EmbeddedFiles" in names:
                for name in _pdf_embedded_file_names(names.EmbeddedFiles):
                    removals.add("an embedded file", name)
                del names["/EmbeddedFiles"]
                removals.add("an embedded file")
        open_action = root.get("/OpenAction")
        if isinstance(open_action, pikepdf.Dictionary):
            # Showing a page is all an opening action needs to do; a web address would report
            # to its server that the file was opened.
            what = _pdf_dangerous_action(open_action) or (
                "" if open_action.get("/S") == pikepdf.Name.GoTo else "a web address to visit"
            )
            if what:
                del root["/OpenAction"]
                removals.add(f"{what}, set to run when the file opens")
        _remove_additional_actions(root, removals)
        _remove_associated_files(root, removals)
        acroform = root.get("/AcroForm")
        if isinstance(acroform, pikepdf.Dictionary):
            if "/XFA" in acroform:
                del acroform["/XFA"]
                removals.add("an interactive (XFA) form, which can hold scripts")
            _disarm_pdf_fields(acroform.get("/Fields"), removals)
        for page in pdf.pages:
            _remove_additional_actions(page.obj, removals)
            _remove_associated_files(page.obj, removals)
            _disarm_pdf_annotations(page.obj, removals)
        _disarm_pdf_outlines(root.get("/Outlines"), removals)
        if _pdf_has_trailing_data(path_in):
            removals.add("data hidden after the end of the PDF")
        if removals:
            # Saving writes only what the document uses, so hidden and appended data are left out.
            pdf.save(path_out, encryption=False, deterministic_id=True)
    return removals.lines()


def _pdf_embedded_file_names(tree: pikepdf.Object) -> list[str]:
    names = []
    try:
        for key, spec in itertools.islice(pikepdf.NameTree(tree).items(), MAX_WALK):
            names.append(_file_spec_name(spec) or str(key))
    except (TypeError, ValueError, pikepdf.PdfError):
        pass
    return names


def _pdf_dangerous_action(action: pikepdf.Object) -> str:
    """What the action (or any action chained after it) does that must not stay; '' if nothing."""
    seen = 0
    pending = [action]
    while pending and seen < MAX_WALK:
        current = pending.pop()
        seen += 1
        if isinstance(current, pikepdf.Array):
            pending.extend(current)
            continue
        if not isinstance(current, pikepdf.Dictionary):
            continue
        kind = str(current.get("/S", ""))
        if kind in _PDF_ACTIONS:
            return _PDF_ACTIONS[kind]
        if kind == "/URI" and not _SAFE_URI.match(bytes(current.get("/URI", b""))):
            return "a link to a file or program"
        if "/Next" in current:
            pending.append(current.Next)
    return "an action" if pending else ""


def _remove_additional_actions(obj: pikepdf.Dictionary, removals: _Removals) -> None:
    if "/AA" in obj:
        del obj["/AA"]
        removals.add("actions that run when the file is opened, closed, printed or a page is shown")


def _remove_associated_files(obj: pikepdf.Dictionary, removals: _Removals) -> None:
    """Files a PDF 2.0 (or PDF/A-3) document carries beside its pages or itself."""
    if "/AF" not in obj:
        return
    specs = obj.AF if isinstance(obj.AF, pikepdf.Array) else [obj.AF]
    for spec in list(specs)[:MAX_WALK]:
        removals.add("an embedded file", _file_spec_name(spec))
    del obj["/AF"]


def _file_spec_name(spec: pikepdf.Object) -> str:
    if not isinstance(spec, pikepdf.Dictionary):
        return ""
    return str(spec.get("/UF") or spec.get("/F") or "")


def _disarm_pdf_annotations(page: pikepdf.Dictionary, removals: _Removals) -> None:
    annotations = page.get("/Annots")
    if not isinstance(annotations, pikepdf.Array):
        return
    kept = pikepdf.Array()
    for annotation in annotations:
        if not isinstance(annotation, pikepdf.Dictionary):
            kept.append(annotation)
            continue
        subtype = str(annotation.get("/Subtype", ""))
        if subtype == "/FileAttachment":
            removals.add("an embedded file", _file_spec_name(annotation.get("/FS")))
            continue
        if subtype in _PDF_ACTIVE_ANNOTATIONS:
            removals.add("embedded media or 3D content, which can run scripts")
            continue
        _remove_additional_actions(annotation, removals)
        action = annotation.get("/A")
        if isinstance(action, pikepdf.Dictionary):
            what = _pdf_dangerous_action(action)
            if what:
                del annotation["/A"]
                removals.add(f"{what}, behind a link or button")
        kept.append(annotation)
    if len(kept) != len(annotations):
        page["/Annots"] = kept


def _disarm_pdf_fields(fields: pikepdf.Object | None, removals: _Removals) -> None:
    pending = list(fields) if isinstance(fields, pikepdf.Array) else []
    seen = 0
    while pending and seen < MAX_WALK:
        field_ = pending.pop()
        seen += 1
        if not isinstance(field_, pikepdf.Dictionary):
            continue
        _remove_additional_actions(field_, removals)
        action = field_.get("/A")
        if isinstance(action, pikepdf.Dictionary) and (what := _pdf_dangerous_action(action)):
            del field_["/A"]
            removals.add(f"{what}, behind a form field")
        kids = field_.get("/Kids")
        if isinstance(kids, pikepdf.Array):
            pending.extend(kids)


def _disarm_pdf_outlines(outlines: pikepdf.Object | None, removals: _Removals) -> None:
    """Bookmarks keep their titles and destinations; actions that run something are removed."""
    if not isinstance(outlines, pikepdf.Dictionary):
        return
    pending = [outlines.get("/First")]
    seen: set[tuple[int, int]] = set()
    while pending and len(seen) < MAX_WALK:
        item = pending.pop()
        if not isinstance(item, pikepdf.Dictionary):
            continue
        if item.is_indirect:
            if item.objgen in seen:
                continue
            seen.add(item.objgen)
        action = item.get("/A")
        if isinstance(action, pikepdf.Dictionary) and (what := _pdf_dangerous_action(action)):
            del item["/A"]
            removals.add(f"{what}, behind a bookmark")
        pending.extend([item.get("/Next"), item.get("/First")])


def _pdf_has_trailing_data(path: str) -> bool:
    """Whether anything but whitespace follows the last end-of-file marker."""
    with open(path, "rb") as file, mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as data:
        end = data.rfind(b"%%EOF")
        return end >= 0 and bool(data[end + len(b"%%EOF") :].strip(b" \t\r\n\x00\x0c"))


# Word and OpenDocument packages -------------------------------------------------------------

_RELATIONSHIPS = "http://schemas.openxmlformats.org/package/2006/relationships"
_REL_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
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


def _disarm_docx(path_in: str, path_out: str) -> list[str]:
    removals = _Removals()
    with zipfile.ZipFile(path_in) as archive:
        entries = _checked_entries(archive)
        by_name = {entry.filename: entry for entry in entries}
        content_types = parse_xml(_read(archive, by_name["[Content_Types].xml"]))
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
            rewritten["[Content_Types].xml"] = _serialize(content_types)
            _write_package(archive, entries, dropped, rewritten, path_out)
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
        not name.endswith((".xml", ".rels")) and _starts_with(archive, entry, _OLE_SIGNATURE)
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
    removals: _Removals,
) -> None:
    """Remove relationships that reach another server or point at code, and what points at them."""
    source = _source_part(entry.filename)
    relationships = parse_xml(_read(archive, entry))
    removed_ids = set()
    for relationship in list(relationships):
        kind = (relationship.get("Type") or "").rsplit("/", 1)[-1]
        target = relationship.get("Target") or ""
        if relationship.get("TargetMode") == "External":
            if kind == "hyperlink":
                if _SAFE_URI.match(target.encode()):
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
    rewritten[entry.filename] = _serialize(relationships)
    if source in by_name and source not in dropped:
        part = parse_xml(_read(archive, by_name[source]))
        _remove_pointers(part, removed_ids)
        rewritten[source] = _serialize(part)


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
            _remove_keeping_tail(element, parent)
            continue
        for name in pointing:
            del element.attrib[name]


def _remove_dde_fields(
    archive: zipfile.ZipFile,
    by_name: dict[str, zipfile.ZipInfo],
    dropped: set[str],
    rewritten: dict[str, bytes],
    removals: _Removals,
) -> None:
    """DDE fields start a program when the document opens; their instruction is emptied."""
    for name, entry in by_name.items():
        if not name.startswith("word/") or not name.endswith(".xml") or name in dropped:
            continue
        data = rewritten.get(name) or _read(archive, entry)
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
            rewritten[name] = _serialize(part)


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


_ODT_MANIFEST = "{urn:oasis:names:tc:opendocument:xmlns:manifest:1.0}"
_XLINK_HREF = "{http://www.w3.org/1999/xlink}href"
_DRAW = "{urn:oasis:names:tc:opendocument:xmlns:drawing:1.0}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
# Embedded objects; their pictures (ObjectReplacements/) are inert and stay in their place.
_ODT_OBJECT = re.compile(r"^Object \d+(/|$)")
# Elements that are objects, programs or content fetched from elsewhere, and what they are.
_ODT_ACTIVE = {
    f"{_DRAW}object": "an embedded object",
    f"{_DRAW}object-ole": "an embedded object",
    f"{_DRAW}applet": "an embedded program (applet)",
    f"{_DRAW}plugin": "an embedded plug-in",
    f"{_OFFICE}dde-source": "a link that starts a program (DDE)",
    f"{_TEXT}dde-connection-decls": "a link that starts a program (DDE)",
    f"{_TABLE}dde-links": "a link that starts a program (DDE)",
    f"{_TEXT}section-source": "a section loaded from another file",
}
# Elements that show something from their link: kept only when the link is inside the package.
_ODT_LINKED = {
    f"{_DRAW}image": "a picture loaded from another server",
    f"{_DRAW}floating-frame": "a frame loaded from another server",
}


def _disarm_odt(path_in: str, path_out: str) -> list[str]:
    removals = _Removals()
    with zipfile.ZipFile(path_in) as archive:
        entries = _checked_entries(archive)
        by_name = {entry.filename: entry for entry in entries}
        dropped = set()
        for entry in entries:
            name = entry.filename
            if name.lower().startswith(("basic/", "scripts/")):
                removals.add("macros, which can run programs")
                dropped.add(name)
            elif _ODT_OBJECT.match(name):
                removals.add("an embedded object")
                dropped.add(name)
        rewritten: dict[str, bytes] = {}
        for name in ("content.xml", "styles.xml"):
            if name in by_name:
                part = parse_xml(_read(archive, by_name[name]))
                if _disarm_odt_part(part, removals):
                    rewritten[name] = _serialize(part)
        if removals and "META-INF/manifest.xml" in by_name:
            manifest = parse_xml(_read(archive, by_name["META-INF/manifest.xml"]))
            for element in list(manifest):
                path = (element.get(f"{_ODT_MANIFEST}full-path") or "").rstrip("/")
                if any(name.rstrip("/") == path or name.startswith(path + "/") for name in dropped):
                    manifest.remove(element)
            rewritten["META-INF/manifest.xml"] = _serialize(manifest)
        if removals:
            _write_package(archive, entries, dropped, rewritten, path_out)
    return removals.lines()


def _disarm_odt_part(part: etree._Element, removals: _Removals) -> bool:
    changed = False
    for link in part.iter(f"{_TEXT}a"):
        href = link.get(_XLINK_HREF) or ""
        if href and not href.startswith("#") and not _SAFE_URI.match(href.encode()):
            # The words of the link stay; only where it leads goes.
            del link.attrib[_XLINK_HREF]
            removals.add("a link to a file or program")
            changed = True
    for element in list(part.iter(*_ODT_ACTIVE, *_ODT_LINKED)):
        parent = element.getparent()
        if parent is None:
            continue
        if element.tag in _ODT_LINKED:
            href = element.get(_XLINK_HREF) or ""
            inside = not re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:|^/|^\\\\|^\.\./", href)
            if inside:
                continue
            removals.add(_ODT_LINKED[element.tag])
        else:
            removals.add(_ODT_ACTIVE[element.tag])
            # The frame keeps the object's picture, if it has one; an empty frame goes.
            frame, holder = parent, parent.getparent()
            if (
                frame.tag == f"{_DRAW}frame"
                and frame.find(f"{_DRAW}image") is None
                and holder is not None
            ):
                element, parent = frame, holder
        _remove_keeping_tail(element, parent)
        changed = True
    return changed


def _remove_keeping_tail(element: etree._Element, parent: etree._Element) -> None:
    """Remove an element but not the text that follows it, which belongs to the paragraph."""
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _checked_entries(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The package's members, refused as a whole if the directory promises a zip bomb."""
    entries = archive.infolist()
    if sum(entry.file_size for entry in entries) > MAX_UNPACKED_BYTES:
        raise ValueError("The package unpacks to too much.")
    for entry in entries:
        ratio = entry.file_size / max(entry.compress_size, 1)
        if entry.file_size > COMPRESSION_RATIO_APPLIES_FROM_BYTES and ratio > MAX_COMPRESSION_RATIO:
            raise ValueError("A member of the package is compressed suspiciously well.")
    return entries


def _read(archive: zipfile.ZipFile, entry: zipfile.ZipInfo) -> bytes:
    """A whole XML part, never more than the cap however it is compressed."""
    if entry.file_size > MAX_XML_PART_BYTES:
        raise ValueError(f"{entry.filename} is too large to read.")
    with archive.open(entry) as part:
        data = part.read(MAX_XML_PART_BYTES + 1)
    if len(data) > MAX_XML_PART_BYTES:
        raise ValueError(f"{entry.filename} is too large to read.")
    return data


def _starts_with(archive: zipfile.ZipFile, entry: zipfile.ZipInfo, signature: bytes) -> bool:
    with archive.open(entry) as part:
        return part.read(len(signature)) == signature


def _write_package(
    archive: zipfile.ZipFile,
    entries: list[zipfile.ZipInfo],
    dropped: set[str],
    rewritten: dict[str, bytes],
    path_out: str,
) -> None:
    """Copy the kept members in their order, streaming each within its declared size."""
    total = 0
    with zipfile.ZipFile(path_out, "w") as out:
        for entry in entries:
            if entry.filename in dropped or entry.is_dir():
                continue
            info = zipfile.ZipInfo(entry.filename, date_time=entry.date_time)
            # An OpenDocument's mimetype is stored first and uncompressed, as the format requires.
            stored = entry.filename == "mimetype"
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            if entry.filename in rewritten:
                out.writestr(info, rewritten[entry.filename])
                continue
            with archive.open(entry) as source, out.open(info, "w") as target:
                copied = 0
                while chunk := source.read(1024 * 1024):
                    copied += len(chunk)
                    total += len(chunk)
                    if copied > entry.file_size or total > MAX_UNPACKED_BYTES:
                        raise ValueError("The package unpacks to more than it declares.")
                    target.write(chunk)


def _serialize(element: etree._Element) -> bytes:
    return etree.tostring(element, xml_declaration=True, encoding="UTF-8", standalone=True)


_DISARMERS: dict[str, Callable[[str, str], list[str]]] = {
    "pdf": _disarm_pdf,
    "docx": _disarm_docx,
    "odt": _disarm_odt,
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
