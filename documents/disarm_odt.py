"""Active content taken out of an OpenDocument (.odt) package: macros, embedded objects and
programs, DDE links and what is fetched from another server.

Runs in the disarming child (documents.disarm). No Django here.
"""

import re
import zipfile

from lxml import etree

from .inspection import parse_xml
from .packages import checked_entries, read_part, remove_keeping_tail, serialize, write_package
from .removals import SAFE_URI, Removals

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


def disarm_odt(path_in: str, path_out: str) -> list[str]:
    removals = Removals()
    with zipfile.ZipFile(path_in) as archive:
        entries = checked_entries(archive)
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
                part = parse_xml(read_part(archive, by_name[name]))
                if _disarm_odt_part(part, removals):
                    rewritten[name] = serialize(part)
        if removals and "META-INF/manifest.xml" in by_name:
            manifest = parse_xml(read_part(archive, by_name["META-INF/manifest.xml"]))
            for element in list(manifest):
                path = (element.get(f"{_ODT_MANIFEST}full-path") or "").rstrip("/")
                if any(name.rstrip("/") == path or name.startswith(path + "/") for name in dropped):
                    manifest.remove(element)
            rewritten["META-INF/manifest.xml"] = serialize(manifest)
        if removals:
            write_package(archive, entries, dropped, rewritten, path_out)
    return removals.lines()


def _disarm_odt_part(part: etree._Element, removals: Removals) -> bool:
    changed = False
    for link in part.iter(f"{_TEXT}a"):
        href = link.get(_XLINK_HREF) or ""
        if href and not href.startswith("#") and not SAFE_URI.match(href.encode()):
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
        remove_keeping_tail(element, parent)
        changed = True
    return changed
