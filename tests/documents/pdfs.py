"""PDFs with text placed exactly, for the reader's layout tests: tables, clauses, unmapped fonts."""

# A page's text: (x, y, text) in points from the bottom left, 11 pt Helvetica unless sized.
Placed = tuple[float, float, str] | tuple[float, float, str, float]

# A font whose letters map to glyph names no reader knows, as some PDF producers write them.
GLYPH_NAME_FONT = (
    b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding << /Type /Encoding "
    b"/Differences [ 65 " + b" ".join(f"/g{n}".encode() for n in range(18, 44)) + b" ] >> >>"
)
HELVETICA = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>"


def placed_pdf(pages: list[list[Placed]], *, font: bytes = HELVETICA) -> bytes:
    """A PDF whose pages carry each piece of text exactly where it is placed."""
    objects: list[bytes] = [b"", b"", font]  # catalog, page tree, font; pages follow
    page_numbers = []
    for texts in pages:
        content = b"".join(
            b"BT /F1 %d Tf %.1f %.1f Td (%s) Tj ET\n"
            % (int(item[3]) if len(item) > 3 else 11, item[0], item[1], _escape(item[2]))
            for item in texts
        )
        objects.append(b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content))
        content_number = len(objects)
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents %d 0 R >>" % content_number
        )
        page_numbers.append(len(objects))
    objects[0] = b"<< /Type /Catalog /Pages 2 0 R >>"
    kids = b" ".join(b"%d 0 R" % number for number in page_numbers)
    objects[1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_numbers))
    output = bytearray(b"%PDF-1.7\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(output))
        output += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(output)
    output += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    output += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    output += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(output)


def _escape(text: str) -> bytes:
    data = text.encode("cp1252", errors="replace")
    return data.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def scanned_pdf(pages: list[list[str]]) -> bytes:
    """A scan: each page's lines drawn into a 200 dpi greyscale image, wrapped in a PDF."""
    import io

    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype("DejaVuSans.ttf", 36)
    images = []
    for lines in pages:
        image = Image.new("L", (1654, 2339), 255)  # A4 at 200 dpi
        drawing = ImageDraw.Draw(image)
        for number, line in enumerate(lines):
            drawing.text((150, 200 + 70 * number), line, font=font, fill=0)
        images.append(image)
    output = io.BytesIO()
    images[0].save(output, "PDF", resolution=200, save_all=True, append_images=images[1:])
    return output.getvalue()
