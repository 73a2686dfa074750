"""Active content taken out of a PDF: scripts, actions, embedded files and data after its end.

Runs in the disarming child (documents.disarm). No Django here.
"""

import itertools
import mmap

import pikepdf

from .removals import MAX_WALK, SAFE_URI, Removals

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


def disarm_pdf(path_in: str, path_out: str) -> list[str]:
    removals = Removals()
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
        if kind == "/URI" and not SAFE_URI.match(bytes(current.get("/URI", b""))):
            return "a link to a file or program"
        if "/Next" in current:
            pending.append(current.Next)
    return "an action" if pending else ""


def _remove_additional_actions(obj: pikepdf.Dictionary, removals: Removals) -> None:
    if "/AA" in obj:
        del obj["/AA"]
        removals.add("actions that run when the file is opened, closed, printed or a page is shown")


def _remove_associated_files(obj: pikepdf.Dictionary, removals: Removals) -> None:
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


def _disarm_pdf_annotations(page: pikepdf.Dictionary, removals: Removals) -> None:
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


def _disarm_pdf_fields(fields: pikepdf.Object | None, removals: Removals) -> None:
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


def _disarm_pdf_outlines(outlines: pikepdf.Object | None, removals: Removals) -> None:
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
