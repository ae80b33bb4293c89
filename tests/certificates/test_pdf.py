import io
import re

import pytest
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext
from pypdf import PdfReader

from certificates import keys, pdf
from tests.certificates.factories import issued

pytestmark = pytest.mark.django_db


@pytest.fixture
def certificate():
    return issued(real_name="李清照")


def test_pdf_is_one_a4_page_with_holder_number_and_title_in_chinese(certificate):
    reader = PdfReader(io.BytesIO(bytes(certificate.pdf)))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)
    text = reader.pages[0].extract_text()
    assert "李清照" in text
    assert certificate.number in text
    assert "工程技术系列正高级专业技术资格" in text
    assert "北京市人力资源和社会保障局" in text
    assert "专业技术资格证书" in re.sub(r"\s", "", text)  # letter-spaced heading
    assert certificate.id_number_masked in text


def test_pdf_declares_pdfa_3u_in_its_xmp_metadata(certificate):
    reader = PdfReader(io.BytesIO(bytes(certificate.pdf)))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    part = re.search(r"pdfaid:part(?:=\"|>)(\d)", xmp)
    conformance = re.search(r"pdfaid:conformance(?:=\"|>)(\w)", xmp)
    assert (part.group(1), conformance.group(1)) == ("3", "U")


def test_pdf_embeds_only_subset_fonts(certificate):
    reader = PdfReader(io.BytesIO(bytes(certificate.pdf)))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = [str(font.get_object()["/BaseFont"]) for font in fonts.values()]
    assert names
    assert all(re.match(r"^/[A-Z]{6}\+", name) for name in names), names
    assert any("Noto-Serif-CJK-SC" in name for name in names)


def test_pdf_pades_signature_validates_against_the_development_root(certificate):
    reader = PdfFileReader(io.BytesIO(bytes(certificate.pdf)))
    (signature,) = reader.embedded_signatures
    context = ValidationContext(trust_roots=list(keys.trust_roots()))
    status = validate_pdf_signature(signature, context)
    assert (status.intact, status.valid, status.trusted) == (True, True, True)
    assert status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    assert signature.sig_object["/SubFilter"] == "/ETSI.CAdES.detached"
    assert signature.field_name == pdf.SIGNATURE_FIELD


def test_pdf_carries_its_signed_data(certificate):
    import json

    payload = json.loads(pdf.pdf_embedded_data(bytes(certificate.pdf)))
    assert payload["signature"] == certificate.signature
    assert payload["data"]["number"] == certificate.number
    assert payload["data"]["holder"] == "李清照"


def test_pdf_signature_fails_when_one_byte_is_flipped(certificate):
    document = bytearray(certificate.pdf)
    document[len(document) // 3] ^= 0x01
    assert pdf.pdf_signature_intact(bytes(document)) is False
    assert pdf.pdf_signature_intact(bytes(certificate.pdf)) is True


def test_qr_code_encodes_the_verification_address(certificate):
    svg = pdf.qr_svg("https://example.cn/verify/BJGZ-2026-000001/?s=abc")
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert 'fill="#000"' in svg


def test_seal_has_the_bureau_name_around_a_star():
    svg = pdf.seal_svg(text="北京市人力资源和社会保障局", bottom="职称评审专用章")
    assert svg.count("<text") == len("北京市人力资源和社会保障局") + 1
    assert "<polygon" in svg and 'stroke="#d7000f"' in svg


def test_pdf_statement_names_the_title_once_and_the_footer_the_site(certificate, settings):
    """Issue #22: the statement read "…专业技术资格资格，特发此证" on every certificate."""
    text = re.sub(r"\s", "", PdfReader(io.BytesIO(bytes(certificate.pdf))).pages[0].extract_text())
    assert "具备工程技术系列正高级专业技术资格，特发此证。" in text
    assert "资格资格" not in text
    assert "zc.rsj.beijing.example.cn/verify" in text  # SITE_URL of tests/certificates/conftest.py
