"""The certificate as a document: HTML -> PDF/A-3u (WeasyPrint) -> PAdES signature (pyHanko).

WeasyPrint and pyHanko are imported inside the functions that use them: the web process loads
them only when it renders or checks a PDF.
"""

import io
import math
from xml.sax.saxutils import escape

from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from pypdf import PdfReader

from certificates.keys import pades_signer, trust_roots
from titles.pdf import html_to_pdf, local_url_fetcher
from titles.pdf import qr_svg as qr_svg  # moved to the foundation (issue #23), kept here

DATA_ATTACHMENT_NAME = "certificate.json"
SIGNATURE_FIELD = "BureauSignature"


def _star(cx: float, cy: float, outer: float) -> str:
    inner = outer * 0.382
    points = []
    for index in range(10):
        radius = outer if index % 2 == 0 else inner
        angle = math.radians(-90 + index * 36)
        points.append(f"{cx + radius * math.cos(angle):.2f},{cy + radius * math.sin(angle):.2f}")
    return " ".join(points)


def seal_svg(*, text: str, bottom: str = "", size_mm: float = 42) -> SafeString:
    """A round official seal: red double ring, a five-pointed star, ``text`` on the upper arc
    (each character placed and turned by hand, so no renderer's textPath support is needed) and
    ``bottom`` straight below the star."""
    centre, radius = 100.0, 72.0
    characters = list(text)
    span = min(240.0, 22.0 * len(characters))  # degrees the text covers, centred at the top
    step = span / max(len(characters) - 1, 1)
    glyphs = []
    for index, character in enumerate(characters):
        angle = -90 - span / 2 + index * step  # degrees from the positive x axis
        x = centre + radius * math.cos(math.radians(angle))
        y = centre + radius * math.sin(math.radians(angle))
        glyphs.append(
            f'<text x="{x:.2f}" y="{y:.2f}" transform="rotate({angle + 90:.2f} {x:.2f} {y:.2f})"'
            f' text-anchor="middle" dominant-baseline="central" font-size="20"'
            f' font-family="Noto Serif CJK SC" font-weight="bold" fill="#d7000f">'
            f"{escape(character)}</text>"
        )
    bottom_text = (
        f'<text x="{centre}" y="{centre + 56}" text-anchor="middle" font-size="14" '
        f'font-family="Noto Serif CJK SC" font-weight="bold" fill="#d7000f">{escape(bottom)}</text>'
        if bottom
        else ""
    )
    return mark_safe(  # noqa: S308 - the text is escaped above
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200" width="{size_mm}mm" '
        f'height="{size_mm}mm" class="seal">'
        f'<circle cx="{centre}" cy="{centre}" r="96" fill="none" stroke="#d7000f" '
        f'stroke-width="5"/>'
        f'<circle cx="{centre}" cy="{centre}" r="89" fill="none" stroke="#d7000f" '
        f'stroke-width="1"/>'
        f'<polygon points="{_star(centre, centre, 30)}" fill="#d7000f"/>'
        f"{''.join(glyphs)}{bottom_text}</svg>"
    )


def certificate_html(*, data: dict, verify_url: str) -> str:
    """The certificate page's HTML (also used to preview it as an image); ``data`` holds the
    signed fields and their display forms (``certificates.services.certificate_display``)."""
    return render_to_string(
        "certificates/certificate_pdf.html",
        {
            "data": data,
            "verify_url": verify_url,
            "verify_base": verify_url.split("?")[0].rsplit("/", 2)[0] + "/",
            "qr": qr_svg(verify_url),
            "seal": seal_svg(text=data["bureau"], bottom="职称评审专用章"),
        },
    )


def certificate_pdf_render(*, data: dict, verify_url: str, signed_data: bytes) -> bytes:
    """One A4 page, PDF/A-3u, CJK fonts subset; ``signed_data`` is embedded as
    ``certificate.json`` (relationship Data) so an uploaded PDF carries its own data."""
    from weasyprint import Attachment  # noqa: PLC0415 — slow import

    html = certificate_html(data=data, verify_url=verify_url)
    attachment = Attachment(
        file_obj=io.BytesIO(signed_data),
        name=DATA_ATTACHMENT_NAME,
        description="Signed certificate data (canonical JSON and Ed25519 signature)",
        relationship="Data",
        url_fetcher=local_url_fetcher(),
    )
    return html_to_pdf(html, pdf_variant="pdf/a-3u", attachments=[attachment])


def pdf_pades_sign(pdf: bytes, *, reason: str, location: str) -> bytes:
    """Add the bureau's PAdES signature (an incremental update, so PDF/A stays intact)."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter  # noqa: PLC0415 — slow import
    from pyhanko.sign import fields, signers  # noqa: PLC0415 — slow import

    writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
    metadata = signers.PdfSignatureMetadata(
        field_name=SIGNATURE_FIELD,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
        reason=reason,
        location=location,
    )
    output = signers.sign_pdf(writer, metadata, signer=pades_signer())
    return output.getvalue()


def pdf_signature_intact(pdf: bytes) -> bool:
    """True when the PDF's one PAdES signature is intact, chains to a trusted root and covers
    the whole file (nothing was appended after signing)."""
    from pyhanko.pdf_utils.reader import PdfFileReader  # noqa: PLC0415 — slow import
    from pyhanko.sign.validation import validate_pdf_signature  # noqa: PLC0415 — slow import
    from pyhanko.sign.validation.status import SignatureCoverageLevel  # noqa: PLC0415 — slow import
    from pyhanko_certvalidator import ValidationContext  # noqa: PLC0415 — slow import

    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        signatures = reader.embedded_signatures
        if len(signatures) != 1:
            return False
        context = ValidationContext(trust_roots=list(trust_roots()), allow_fetching=False)
        status = validate_pdf_signature(signatures[0], context)
    except Exception:
        return False
    return bool(
        status.intact
        and status.valid
        and status.trusted
        and status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    )


def pdf_embedded_data(pdf: bytes) -> bytes | None:
    """The ``certificate.json`` attachment of the PDF, or None."""

    try:
        attachments = PdfReader(io.BytesIO(pdf)).attachments
        found = attachments.get(DATA_ATTACHMENT_NAME)
    except Exception:
        return None
    return found[0] if found else None
