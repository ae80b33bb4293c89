"""Rendering never reaches outside the document: a real HTTP server counts what it is asked."""

import base64
import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pypdf import PdfReader
from weasyprint.urls import FatalURLFetchingError

from titles.pdf import html_to_pdf

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)


@pytest.fixture
def server():
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.end_headers()
            self.wfile.write(PNG)

        def log_message(self, *args):
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.server_port}", hits
    httpd.shutdown()


@pytest.mark.parametrize(
    "markup",
    [
        '<img src="{base}/image.png">',
        '<link rel="stylesheet" href="{base}/style.css">',
        '<p style="background: url({base}/background.png)">x</p>',
        '<img src="file:///etc/hostname">',
    ],
)
def test_rendering_refuses_every_url_but_data(server, markup):
    base, hits = server
    with pytest.raises(FatalURLFetchingError, match="Error fetching"):
        html_to_pdf(f"<html><body><p>证书</p>{markup.format(base=base)}</body></html>")
    assert hits == []


def test_rendering_embeds_data_urls(server):
    encoded = base64.b64encode(PNG).decode()
    pdf = html_to_pdf(
        f'<html><body><p>证书</p><img src="data:image/png;base64,{encoded}"></body></html>'
    )
    assert pdf.startswith(b"%PDF")
    assert "证书" in PdfReader(io.BytesIO(pdf)).pages[0].extract_text()
