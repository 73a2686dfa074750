"""The one document reader: PDF, DOCX and ODT read into blocks with their kind, page and heading."""

from pathlib import Path

import pytest

from demo.documents import make_pdf as make_pdf_of_pages
from documents.blocks import Kind
from documents.inspection import inspect_file
from documents.reader import extract_text, read
from tests.samples import make_docx_from, make_odt_from, make_pdf

from .pdfs import GLYPH_NAME_FONT, placed_pdf

CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"

POLICY = """# Social media policy

## Staff conduct

Staff must not befriend pupils or accept friend requests from them on personal accounts.

- Only use school cameras and tablets to take photos of pupils.
- Photos are deleted from the device once saved to the secure drive.

## Searching

Staff must never guess passwords or create fake profiles to see what a pupil has posted.
"""


def saved(tmp_path: Path, content: bytes, name: str = "upload") -> str:
    path = tmp_path / name
    path.write_bytes(content)
    return str(path)


def kinds_and_texts(path: str) -> list[tuple[str, str]]:
    return [(block.kind, block.text) for block in read(path).blocks]


def test_numbered_clauses_and_bullets_in_a_pdf_are_blocks_of_their_own(tmp_path):
    lines = [
        "Staff must follow these rules when they use social media:",
        "1.1 Never befriend a pupil on a personal account or reply to one.",
        "1.2 Report any contact from a pupil to the safeguarding lead, who",
        "records it on the same day.",
        "\u2022 Use school devices for every photo of a pupil at school.",
        "- Delete photos once they are saved to the secure school drive.",
        "a) Parents give their consent in writing before any photo.",
    ]
    # Every line at the same spacing: only their beginnings tell the items apart.
    pdf = placed_pdf([[(72, 700 - 14 * n, line) for n, line in enumerate(lines)]])

    assert kinds_and_texts(saved(tmp_path, pdf)) == [
        (Kind.PARAGRAPH, lines[0]),
        (Kind.LIST_ITEM, lines[1]),
        (Kind.LIST_ITEM, f"{lines[2]} {lines[3]}"),
        (Kind.LIST_ITEM, "Use school devices for every photo of a pupil at school."),
        (Kind.LIST_ITEM, "Delete photos once they are saved to the secure school drive."),
        (Kind.LIST_ITEM, lines[6]),
    ]


def test_the_same_policy_as_pdf_docx_and_odt_gives_the_same_blocks(tmp_path):
    read_as = {
        "pdf": kinds_and_texts(saved(tmp_path, make_pdf(POLICY), "policy.pdf")),
        "docx": kinds_and_texts(saved(tmp_path, make_docx_from(POLICY), "policy.docx")),
        "odt": kinds_and_texts(saved(tmp_path, make_odt_from(POLICY), "policy.odt")),
    }

    assert read_as["pdf"] == read_as["docx"] == read_as["odt"]
    assert [kind for kind, _ in read_as["pdf"]] == [
        Kind.HEADING,
        Kind.HEADING,
        Kind.PARAGRAPH,
        Kind.LIST_ITEM,
        Kind.LIST_ITEM,
        Kind.HEADING,
        Kind.PARAGRAPH,
    ]


def test_blocks_carry_the_headings_they_sit_under(tmp_path):
    blocks = read(saved(tmp_path, make_docx_from(POLICY), "policy.docx")).blocks

    searching = next(block for block in blocks if block.text.startswith("Staff must never"))
    assert searching.heading_path == ("Social media policy", "Searching")


def test_front_page_table_cells_stay_apart(tmp_path):
    rows = [("Policy owner", "Head of HR"), ("Version", "2.1"), ("Next review", "March 2027")]
    front = [(72, 700 - 20 * n, label) for n, (label, _) in enumerate(rows)]
    front += [(300, 700 - 20 * n, value) for n, (_, value) in enumerate(rows)]
    # Drawn label by label, then value by value, as table cells often are.
    front.sort(key=lambda item: -item[1])
    front.append((72, 600, "Staff must not befriend pupils on personal accounts."))

    blocks = read(saved(tmp_path, placed_pdf([front]))).blocks

    cells = [block.text for block in blocks if block.kind == Kind.TABLE_CELL]
    assert cells == ["Policy owner", "Head of HR", "Version", "2.1", "Next review", "March 2027"]
    assert blocks[-1].kind == Kind.PARAGRAPH


def test_running_headers_footers_and_page_numbers_are_dropped_but_a_repeated_body_line_kept(
    tmp_path,
):
    pages = []
    for number in range(1, 4):
        body = [
            (72, 760 - 14 * n, f"Rule {number}.{n}: staff keep a record of decision {n}.")
            for n in range(number * 3)
        ]
        # The same sentence ends each page's body, at a different place each time.
        last_y = body[-1][1] - 20
        body.append((72, last_y, "Report every concern to the designated safeguarding lead."))
        header = (72, 800, "Riverbank Primary | Social Media Policy")
        pages.append([header, *body, (280, 40, f"Page {number} of 3")])

    document = read(saved(tmp_path, placed_pdf(pages)))

    texts = [block.text for block in document.blocks]
    assert not any("Riverbank Primary" in text or text.startswith("Page ") for text in texts)
    repeated = [b for b in document.blocks if b.text.startswith("Report every concern")]
    assert [block.page for block in repeated] == [1, 2, 3]


def test_text_of_glyph_names_is_unreadable_and_its_page_counted_as_a_scan(tmp_path):
    pdf = placed_pdf(
        [[(72, 700, "STAFF MUST NOT BEFRIEND PUPILS"), (72, 680, "REPORT CONCERNS")]],
        font=GLYPH_NAME_FONT,
    )

    document = read(saved(tmp_path, pdf))

    assert document.blocks == []
    assert document.scanned_pages == [1]


def test_a_blank_page_is_not_taken_for_a_scan(tmp_path):
    result = extract_text(saved(tmp_path, make_pdf_of_pages([["Only page with text."], []])))

    assert result["scanned_pages"] == []
    assert result["pages"][1] == {"number": 2, "paragraphs": []}


def test_a_pdf_header_after_junk_in_the_first_kilobyte_is_accepted_as_viewers_do(tmp_path):
    pdf = make_pdf_of_pages([["Staff must not befriend pupils."]])

    within = inspect_file(saved(tmp_path, b"X-Mailer junk\r\n" * 60 + pdf, "within"))
    beyond = inspect_file(saved(tmp_path, b"X-Mailer junk\r\n" * 80 + pdf, "beyond"))

    assert within["ok"] and within["kind"] == "pdf"
    assert not beyond["ok"]


@pytest.mark.parametrize(
    ("name", "accepted"),
    [
        ("qpdf_qtest_qpdf_enc-XI-R6,V5,U=attachment,encrypted-attachments.pdf", True),
        ("qpdf_qtest_qpdf_enc-XI-R6,V5,U=view,O=master.pdf", False),
    ],
)
def test_a_pdf_whose_attachments_alone_are_encrypted_is_accepted(name, accepted):
    path = CORPUS / "qpdf" / name
    if not path.is_file():
        pytest.skip("../shared/corpus is not present")

    result = inspect_file(str(path))

    assert result["ok"] is accepted
    if not accepted:
        assert "protected with a password" in result["reason"]


def test_a_long_body_line_repeated_at_the_same_place_on_every_page_is_kept(tmp_path):
    rule = (
        "Staff must keep personal and professional social media accounts apart at all times, "
        "and must never befriend a pupil."
    )
    pages = [[f"{rule} Rule {number} covers decision {number}."] for number in range(1, 5)]

    document = read(saved(tmp_path, make_pdf_of_pages(pages)))

    assert [block.text for block in document.blocks] == [page[0] for page in pages]


def test_a_page_count_the_pdf_declares_is_not_believed(tmp_path):
    pdf = placed_pdf([[(72, 700, "Staff must not befriend pupils.")]])
    lying = pdf.replace(b"/Count 1", b"/Count 99999999")

    assert inspect_file(saved(tmp_path, lying))["page_count"] == 1
