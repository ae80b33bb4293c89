"""HTML to PDF for every document the system renders (certificates, minutes): one path, one
URL policy.

The documents are built from our own templates and embed everything they show (inline SVG,
``data:`` URLs, the system's fonts), so the renderer never needs the network or the disk. The
fetcher below refuses every other URL and stops the rendering: a template that reached out (or
text that somehow became markup) fails loudly instead of making the server fetch an address of
someone's choosing, and a document is never issued with a part missing.
"""

from urllib.parse import urlsplit


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
