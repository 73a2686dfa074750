"""Framework files: YAML and CSV exported and imported back, and bad files refused with the line
the problem is on, nothing written."""

import tomllib

import pytest
import yaml
from django.core.files.uploadedfile import SimpleUploadedFile

from audit.models import AuditEvent
from reviews.framework_files import (
    FrameworkFileError,
    framework_read_csv,
    framework_read_yaml,
    framework_write_csv,
)
from reviews.models import Framework
from reviews.selectors_frameworks import framework_content
from reviews.services import framework_load
from reviews.services.frameworks import FRAMEWORKS_DIR

from ..factories import lscb_framework

pytestmark = pytest.mark.django_db

LSCB_FILE = FRAMEWORKS_DIR / "lscb-social-media-2015.toml"


def export(client, framework, kind: str) -> bytes:
    response = client.get(f"/frameworks/{framework.code}/{framework.version}/export/{kind}/")
    assert response.status_code == 200
    assert f"{framework.code}-version-{framework.version}.{kind}" in response["Content-Disposition"]
    return response.content


def upload(client, name: str, content: bytes, *, framework_name: str = ""):
    return client.post(
        "/frameworks/import/",
        {"file": SimpleUploadedFile(name, content), "name": framework_name},
    )


def sections_of(framework) -> list:
    return framework_content(framework)["sections"]


def test_a_version_exported_as_yaml_imports_back_as_the_same_draft(charlie_client):
    published = lscb_framework()
    exported = export(charlie_client, published, "yaml")

    response = upload(charlie_client, "lscb.yaml", exported)

    draft = Framework.objects.get(status=Framework.Status.DRAFT)
    assert response.status_code == 302
    assert response.url == f"/frameworks/{published.code}/2/edit/"
    assert (draft.code, draft.version, draft.name) == (published.code, 2, published.name)
    assert sections_of(draft) == sections_of(published)
    assert (
        draft.expectations.get(code="1.1").concepts
        == published.expectations.get(code="1.1").concepts
    )
    event = AuditEvent.objects.get(action=AuditEvent.Action.FRAMEWORK_DRAFT_CREATED)
    assert event.detail["file"] == "lscb.yaml"
    assert AuditEvent.objects.filter(action=AuditEvent.Action.FRAMEWORK_EXPORTED).count() == 1


def test_a_version_exported_as_csv_imports_back_as_the_same_draft(charlie_client):
    published = lscb_framework()
    exported = export(charlie_client, published, "csv")
    assert exported.decode().splitlines()[0] == (
        "section_number,section_title,code,text,what_good_looks_like,concepts"
    )

    response = upload(charlie_client, "lscb.csv", exported, framework_name=published.name)

    assert response.status_code == 302
    draft = Framework.objects.get(status=Framework.Status.DRAFT)
    assert draft.version == 2
    assert sections_of(draft) == sections_of(published)


def test_a_yaml_file_with_the_structure_of_the_toml_file_loads(tmp_path):
    data = tomllib.loads(LSCB_FILE.read_text(encoding="utf-8"))
    as_yaml = tmp_path / "lscb.yaml"
    as_yaml.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))

    from_yaml = framework_load(path=as_yaml)

    assert from_yaml.created
    assert from_yaml.framework.expectations.count() == 15
    # The same content as the TOML file: loading that afterwards changes nothing.
    assert not framework_load(path=LSCB_FILE).created


def test_a_new_framework_can_be_imported_from_a_spreadsheet(charlie_client):
    csv_text = (
        "section_number,section_title,code,text,what_good_looks_like,concepts\n"
        "1,Filtering,F1,Filtering is in place.,,web filter; blocked sites\n"
        "1,,F2,Filtering is checked termly.,A named person checks it.,\n"
        "2,Generative AI,G1,Staff know the rules on AI tools.,,AI tools | chatbots\n"
    )
    response = upload(
        charlie_client, "online.csv", csv_text.encode(), framework_name="Online safety audit"
    )

    assert response.status_code == 302
    draft = Framework.objects.get(code="online-safety-audit")
    assert draft.version == 1
    assert [(s.number, s.title) for s in draft.sections.order_by("number")] == [
        (1, "Filtering"),
        (2, "Generative AI"),
    ]
    assert draft.expectations.get(code="F1").concepts == ["web filter", "blocked sites"]
    assert draft.expectations.get(code="G1").concepts == ["AI tools", "chatbots"]
    assert draft.expectations.get(code="F2").what_good_looks_like == "A named person checks it."


def test_csv_export_neutralises_formulas_and_reads_them_back_as_written():
    data = {
        "sections": [
            {
                "number": 1,
                "title": '=HYPERLINK("http://x")',
                "expectations": [
                    {
                        "code": "1.1",
                        "text": "+44 is the code for the UK",
                        "what_good_looks_like": "@someone",
                        "concepts": ["-minus"],
                    }
                ],
            }
        ]
    }
    exported = framework_write_csv(data)
    assert "'=HYPERLINK" in exported
    assert "'+44 is the code" in exported
    assert "'@someone" in exported

    read = framework_read_csv(exported, code="x", name="X")

    assert read["sections"][0]["title"] == '=HYPERLINK("http://x")'
    assert read["sections"][0]["expectations"][0]["text"] == "+44 is the code for the UK"


@pytest.mark.parametrize(
    ("content", "line", "problem"),
    [
        ("code: x\nname: X\nsections:\n  - number: 1\n    title: [unclosed\n", 6, ""),
        (
            "code: x\nname: X\nsections:\n  - number: 1\n    title: S\n    expectations:\n"
            "      - code: '1.1'\n        text: A\n      - code: '1.1'\n        text: B\n",
            9,
            "expectation code 1.1 is used twice",
        ),
        (
            "code: x\nname: X\nsections:\n  - number: one\n    title: S\n",
            4,
            "a section's number must be a whole number",
        ),
        (
            "code: x\nname: X\nsections:\n  - number: 1\n    title: S\n    expectations:\n"
            "      - code: '1.1'\n        text: ''\n",
            8,
            "1.1's text is missing",
        ),
        (
            "code: x\nname: X\nsections:\n  - number: 1\n    title: S\n    expectations:\n"
            "      - code: '1.1'\n        text: A\n        concepts: just one string\n",
            9,
            "concepts must be a list",
        ),
    ],
)
def test_a_bad_yaml_file_is_refused_with_its_line(content, line, problem):
    with pytest.raises(FrameworkFileError) as refusal:
        framework_read_yaml(content)
    assert refusal.value.line == line
    assert problem in refusal.value.problem


@pytest.mark.parametrize(
    ("content", "line", "problem"),
    [
        ("number,title\n1,S\n", 1, "the first row needs the columns section_number"),
        (
            "section_number,section_title,code,text\n1,S,1.1,A\n1,S,1.1,B\n",
            3,
            "expectation code 1.1 is used twice",
        ),
        ("section_number,section_title,code,text\n1,S,1.1,A\nx,S,1.2,B\n", 3, "whole number"),
        ("section_number,section_title,code,text\n1,S,1.1,A\n\n1,S,1.2,\n", 4, "1.2's text"),
        ("section_number,section_title,code,text\n1,S,1.1,A\n1,T,1.2,B\n", 3, "different title"),
        (
            'section_number,section_title,code,text\n1,S,1.1,"A\nstill A"\n2,,2.1,B\n',
            4,
            "section 2's title is missing",
        ),
    ],
)
def test_a_bad_csv_file_is_refused_with_its_line(content, line, problem):
    with pytest.raises(FrameworkFileError) as refusal:
        framework_read_csv(content, code="x", name="X")
    assert refusal.value.line == line
    assert problem in refusal.value.problem


def test_a_refused_upload_shows_the_line_and_writes_nothing(charlie_client):
    content = b"section_number,section_title,code,text\n1,Filtering,F1,A\n1,Filtering,F1,B\n"
    response = upload(charlie_client, "online.csv", content, framework_name="Online safety")

    assert response.status_code == 400
    page = response.content.decode()
    assert "There is a problem" in page
    assert "Line 3: expectation code F1 is used twice" in page
    assert not Framework.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.FRAMEWORK_DRAFT_CREATED).exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("framework.pdf", b"%PDF-1.7", "must be a YAML file (.yaml) or a CSV file (.csv)"),
        ("framework.csv", b"\x89PNG\r\n\x1a\n\x00\x00", "must be text saved as UTF-8"),
        ("framework.yaml", b"code: x\x00", "must be text saved as UTF-8"),
        ("framework.yaml", b"a" * (512 * 1024 + 1), "smaller than 512 KB"),
        ("framework.yaml", b"- just\n- a list\n", "the file must describe one framework"),
    ],
)
def test_an_upload_that_is_not_a_framework_file_is_refused(charlie_client, name, content, message):
    response = upload(charlie_client, name, content, framework_name="Online safety")

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Framework.objects.exists()


def test_a_csv_file_needs_the_framework_name(charlie_client):
    content = b"section_number,section_title,code,text\n1,Filtering,F1,A\n"
    response = upload(charlie_client, "online.csv", content)
    assert response.status_code == 400
    assert "Enter the framework name for a CSV file" in response.content.decode()


def test_an_import_for_a_framework_with_a_draft_already_is_refused(charlie_client):
    published = lscb_framework()
    exported = export(charlie_client, published, "yaml")
    assert upload(charlie_client, "lscb.yaml", exported).status_code == 302

    response = upload(charlie_client, "lscb.yaml", exported)

    assert response.status_code == 400
    assert "Version 2 of" in response.content.decode()
    assert "is already a draft" in response.content.decode()
    assert Framework.objects.filter(status=Framework.Status.DRAFT).count() == 1
