"""HTML to PDF for every document the system renders (certificates, minutes): one path, one
URL policy.

The documents are built from our own templates and embed everything they show (inline SVG,
``data:`` URLs, the system's fonts), so the renderer never needs the network or the disk. The
fetcher below refuses every other URL and stops the rendering: a template that reached out (or
text that somehow became markup) fails loudly instead of making the server fetch an address of
someone's choosing, and a document is never issued with a part missing.
"""

from urllib.parse import urlsplit

from django.utils.safestring import SafeString, mark_safe


class PdfResourceRefused(ValueError):
    """A document asked for a resource outside itself."""


def local_url_fetcher():
    """A WeasyPrint URL fetcher that serves ``data:`` URLs only (WeasyPrint imported here: it
    is heavy, and the web process loads it only when it renders)."""
    from weasyprint.urls import URLFetcher  # noqa: PLC0415 — slow import

    class LocalOnlyURLFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            if urlsplit(url).scheme.lower() != "data":
                raise PdfResourceRefused(f"a document may embed data: URLs only, not {url[:100]!r}")
            return super().fetch(url, headers)

    return LocalOnlyURLFetcher(
        allowed_protocols={"data"}, allow_redirects=False, fail_on_errors=True
    )


def html_to_pdf(html: str, **options) -> bytes:
    """Render ``html`` (from our own templates) to PDF bytes; ``options`` go to ``write_pdf``."""
    from weasyprint import HTML  # noqa: PLC0415 — slow import

    return HTML(string=html, base_url=None, url_fetcher=local_url_fetcher()).write_pdf(**options)


def qr_svg(url: str, *, size_mm: float = 27) -> SafeString:
    """The QR code of ``url`` as inline SVG (one path of dark modules, quiet zone included)."""
    import qrcode  # noqa: PLC0415 — slow import
    from qrcode.constants import ERROR_CORRECT_M  # noqa: PLC0415 — slow import

    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=2)
    code.add_data(url)
    code.make(fit=True)
    matrix = code.get_matrix()
    modules = len(matrix)
    path = "".join(
        f"M{x} {y}h1v1h-1z" for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark
    )
    return mark_safe(  # noqa: S308 - built from numbers only
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {modules} {modules}" '
        f'width="{size_mm}mm" height="{size_mm}mm" shape-rendering="crispEdges">'
        f'<rect width="{modules}" height="{modules}" fill="#fff"/>'
        f'<path d="{path}" fill="#000"/></svg>'
    )
