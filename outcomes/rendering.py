"""The one way a PDF is made here: an HTML template through WeasyPrint, nothing fetched."""

from django.template.loader import render_to_string


def html_to_pdf(html: str) -> bytes:
    """Tagged PDF/UA-1 from self-contained HTML. Signing is a separate step."""
    # Imported here: WeasyPrint is slow to load, and only the workers that render PDFs need it.
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    # No protocol is allowed, so no file, network or data resource is ever read.
    fetcher = URLFetcher(allowed_protocols=(), fail_on_errors=False)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(
        pdf_variant="pdf/ua-1", pdf_tags=True, custom_metadata=True
    )


def pdf_render(template_name: str, context: dict) -> bytes:
    return html_to_pdf(render_to_string(template_name, context))
