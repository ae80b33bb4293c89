"""The material upload checker: each refusal with its exact code and Chinese message, each
acceptance with its exact kind, display name, size and digest.

The files are made in memory by ``upload_files``; one test also runs over the shared fixture
folder when it exists.
"""

import hashlib
import io
import os
import re
import time
import zipfile
import zlib
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from PIL import Image

from applications.uploads import CheckedUpload, UploadRefused, store_name, upload_check
from tests.applications import upload_files as files

MB = 1024 * 1024
ALL_KINDS = {"pdf", "jpeg", "png"}
BROWSER_TYPES = {  # what a browser declares for each extension
    ".pdf": "application/pdf",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
}
FIXTURES = Path("/work/shared/fixtures/uploads")

ZH = {
    "name_missing": "文件没有名称，请重命名后重新上传。",
    "name_path": "文件名不得包含文件夹路径或“/”“\\”字符，请重命名文件后重新上传。",
    "name_control": "文件名含有不可见的控制字符，请重命名文件后重新上传。",
    "name_too_long": "文件名超过 200 个字符，请缩短文件名后重新上传。",
    "name_extension": "只能上传扩展名为 .pdf、.jpg、.jpeg 或 .png 的文件。",
    "empty": "文件为空（0 字节），请检查后重新上传。",
    "executable": "该文件是程序或脚本，不是文档，不予接受。",
    "unknown_type": "文件不是 PDF、JPEG 或 PNG 格式（系统检查的是文件内容，而非文件名）。",
    "pdf_damaged": "该 PDF 文件已损坏、不完整或并非真正的 PDF 文档，无法读取。",
    "pdf_encrypted": "该 PDF 文件已加密或设有密码保护，无法审阅，请解除保护后重新上传。",
    "pdf_no_pages": "该 PDF 文件没有任何页面。",
    "pdf_javascript": (
        "该 PDF 文件含有 JavaScript 脚本，不予接受。请将其打印为新的 PDF 文件后上传。"
    ),
    "pdf_launch": "该 PDF 文件含有启动其他程序的操作，不予接受。请将其打印为新的 PDF 文件后上传。",
    "pdf_embedded": "该 PDF 文件内嵌了文件或附件，不予接受。请将各份文件分别上传。",
    "pdf_active": (
        "该 PDF 文件含有交互式内容（XFA 表单或嵌入式媒体），不予接受。"
        "请将其打印为新的 PDF 文件后上传。"
    ),
    "pdf_too_complex": "该 PDF 文件结构过于复杂，无法完成检查。请将其打印为新的 PDF 文件后上传。",
    "pdf_extra_data": (
        "该 PDF 文件除文档本身外还夹带了其他数据（可能同时是网页或压缩包），不予接受。"
        "请将其打印为新的 PDF 文件后上传。"
    ),
    "pdf_too_many_pages": (
        "该 PDF 文件超过 2,000 页，超出单个文件的上限。请只上传评审所需的页面，"
        "或将文档拆分为多个文件。"
    ),
    "pdf_inflation": (
        "该 PDF 文件含有打开时会膨胀到异常大小的压缩内容。请将其打印为新的 PDF 文件后上传。"
    ),
    "pdf_link": (
        "该 PDF 文件含有不是网址的链接：只允许以 http:// 或 https:// 开头的链接和普通电子邮件"
        "链接。请删除该链接，或将文档打印为新的 PDF 文件后重新上传。"
    ),
    "pdf_outside_action": (
        "该 PDF 文件含有打开其他文件、发送或获取数据、或执行 PDF 阅读器命令的操作，不予接受。"
        "请将其打印为新的 PDF 文件后上传。"
    ),
    "pdf_automatic_action": (
        "该 PDF 文件会自行打开网址或其他文档（在文件打开或页面显示时），不予接受。"
        "请将其打印为新的 PDF 文件后上传。"
    ),
    "image_too_large": "图片像素总数超过 50,000,000，请降低分辨率后重新上传。",
    "image_damaged": "该图片已损坏或不完整，无法读取。",
}


def check(data, name, content_type=None, *, kinds=ALL_KINDS, max_bytes=20 * MB):
    if content_type is None:
        suffix = Path(name.strip()).suffix.lower()
        content_type = BROWSER_TYPES.get(suffix, "application/octet-stream")
    return upload_check(
        file=io.BytesIO(data),
        declared_name=name,
        declared_content_type=content_type,
        allowed_kinds=kinds,
        max_bytes=max_bytes,
    )


def refusal(data, name, content_type=None, **kwargs) -> tuple[str, str]:
    """The code and the Chinese message of the refusal."""
    with pytest.raises(UploadRefused) as caught:
        check(data, name, content_type, **kwargs)
    with translation.override("zh-hans"):
        return caught.value.code, str(caught.value.message)


# --- the ten kinds the issue names, and more of each -----------------------------------------

REFUSED = [
    # renamed executables
    ("elf-renamed", files.ELF, "简历.pdf", None, "executable"),
    ("windows-exe-renamed", files.WINDOWS_EXE, "photo.jpg", None, "executable"),
    ("script-renamed", b"#!/bin/sh\nrm -rf /\n", "scan.png", None, "executable"),
    # HTML (or anything) behind a %PDF- header
    ("html-pdf-header", files.HTML_WITH_PDF_HEADER, "degree.pdf", None, "pdf_damaged"),
    (
        "html-pdf-header-and-eof",
        files.HTML_WITH_PDF_HEADER + b"%%EOF\n",
        "degree.pdf",
        None,
        "pdf_damaged",
    ),
    ("pdf-header-only", b"%PDF-1.7\n%%EOF\n", "a.pdf", None, "pdf_damaged"),
    ("truncated-pdf", files.pdf_truncated(), "a.pdf", None, "pdf_damaged"),
    ("pdf-without-pages", files.pdf_no_pages(), "a.pdf", None, "pdf_no_pages"),
    (
        "page-tree-cycle",
        files.hand_pdf(pages=b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"),
        "a.pdf",
        None,
        "pdf_damaged",
    ),
    # encrypted PDFs
    ("encrypted-aes256", files.pdf_encrypted(), "a.pdf", None, "pdf_encrypted"),
    ("encrypted-empty-password", files.pdf_encrypted(""), "a.pdf", None, "pdf_encrypted"),
    # JavaScript, wherever it hides
    ("js-open-action", files.pdf_javascript_open_action(), "a.pdf", None, "pdf_javascript"),
    ("js-names-tree", files.pdf_javascript_names_tree(), "a.pdf", None, "pdf_javascript"),
    ("js-page-aa", files.pdf_javascript_page_additional_action(), "a.pdf", None, "pdf_javascript"),
    (
        "js-link-indirect-type",
        files.pdf_javascript_link_annotation(),
        "a.pdf",
        None,
        "pdf_javascript",
    ),
    ("js-form-field", files.pdf_javascript_form_field(), "a.pdf", None, "pdf_javascript"),
    ("js-hex-escaped-name", files.pdf_javascript_hex_escaped(), "a.pdf", None, "pdf_javascript"),
    (
        "js-in-object-stream",
        files.pdf_javascript_in_object_stream(),
        "a.pdf",
        None,
        "pdf_javascript",
    ),
    ("js-orphan-object", files.pdf_javascript_orphan_object(), "a.pdf", None, "pdf_javascript"),
    (
        "js-orphan-object-stream",
        files.pdf_javascript_orphan_object_stream(),
        "a.pdf",
        None,
        "pdf_javascript",
    ),
    (
        "js-behind-deep-nesting",
        files.hand_pdf(
            catalog=b"/X "
            + b"<< /A " * 3000
            + b"1"
            + b" >>" * 3000
            + b" /OpenAction << /S /JavaScript /JS (x) >> "
        ),
        "a.pdf",
        None,
        "pdf_javascript",
    ),
    # launch actions, embedded files, active content
    ("launch-action", files.pdf_launch_action(), "a.pdf", None, "pdf_launch"),
    ("embedded-file", files.pdf_embedded_file(), "a.pdf", None, "pdf_embedded"),
    ("file-attachment", files.pdf_file_attachment_annotation(), "a.pdf", None, "pdf_embedded"),
    ("xfa-form", files.pdf_xfa_form(), "a.pdf", None, "pdf_active"),
    # actions that leave the document or run something (issue #27)
    (
        "link-javascript-uri",
        files.pdf_link(b"(javascript:app.alert(1))"),
        "a.pdf",
        None,
        "pdf_link",
    ),
    ("link-javascript-uri-case", files.pdf_link(b"( JavaScript:x)"), "a.pdf", None, "pdf_link"),
    (
        "link-javascript-uri-hex",
        files.pdf_link(b"<" + b"javascript:app.alert(1)".hex().encode() + b">"),
        "a.pdf",
        None,
        "pdf_link",
    ),
    (
        "link-javascript-uri-indirect",
        files.pdf_link_indirect(b"(javascript:app.alert(1))"),
        "a.pdf",
        None,
        "pdf_link",
    ),
    (
        "link-javascript-behind-deep-nesting",
        files.pdf_link_behind_deep_nesting(b"(javascript:app.alert(1))"),
        "a.pdf",
        None,
        "pdf_link",
    ),
    ("link-file-uri", files.pdf_link(b"(file:///C:/Windows/win.ini)"), "a.pdf", None, "pdf_link"),
    ("link-unc-path", files.pdf_link(b"(\\\\203.0.113.9\\s\\a.pdf)"), "a.pdf", None, "pdf_link"),
    ("link-relative", files.pdf_link(b"(../../etc/passwd)"), "a.pdf", None, "pdf_link"),
    (
        "link-mailto-attach",
        files.pdf_link(b"(mailto:a@b.cn?attach=/etc/passwd)"),
        "a.pdf",
        None,
        "pdf_link",
    ),
    ("link-not-a-string", files.pdf_link(b"42"), "a.pdf", None, "pdf_link"),
    ("page-aa-opens-uri", files.pdf_page_opens_uri(), "a.pdf", None, "pdf_automatic_action"),
    (
        "open-action-gotor-unc",
        files.pdf_open_action_gotor_unc(),
        "a.pdf",
        None,
        "pdf_outside_action",
    ),
    ("submit-form", files.pdf_submit_form(), "a.pdf", None, "pdf_outside_action"),
    ("import-data-unc", files.pdf_import_data_unc(), "a.pdf", None, "pdf_outside_action"),
    ("named-menu-command", files.pdf_named_menu_command(), "a.pdf", None, "pdf_outside_action"),
    (
        "thread-in-another-file",
        files.pdf_link_action(b"<< /S /Thread /F (other.pdf) /D 0 >>"),
        "a.pdf",
        None,
        "pdf_outside_action",
    ),
    (
        "open-action-uri",
        files.hand_pdf(catalog=b"/OpenAction << /S /URI /URI (https://a.example/) >> "),
        "a.pdf",
        None,
        "pdf_automatic_action",
    ),
    (
        "open-action-goto-then-uri",
        files.hand_pdf(
            catalog=b"/OpenAction << /S /GoTo /D [3 0 R /Fit] "
            b"/Next << /S /URI /URI (https://a.example/) >> >> "
        ),
        "a.pdf",
        None,
        "pdf_automatic_action",
    ),
    (
        "sound-action",
        files.pdf_link_action(b"<< /S /Sound /Sound 9 0 R >>"),
        "a.pdf",
        None,
        "pdf_active",
    ),
    # polyglots: bytes before the header or after the last %%EOF (issue #27)
    ("html-before-header", b"<html></html>\n" + files.pdf_minimal(), "a.pdf", None, "unknown_type"),
    ("pdf-and-html", files.pdf_with_html_after_end(), "a.pdf", None, "pdf_extra_data"),
    ("pdf-and-html-in-comment", files.pdf_with_html_comment(), "a.pdf", None, "pdf_extra_data"),
    ("pdf-and-zip", files.pdf_with_zip_after_end(), "a.pdf", None, "pdf_extra_data"),
    ("pdf-and-zip-before-eof", files.pdf_with_zip_before_end(), "a.pdf", None, "pdf_extra_data"),
    (
        "bytes-after-eof",
        files.pdf_minimal() + b"%%EOF trailing",
        "a.pdf",
        None,
        "pdf_extra_data",
    ),
    # page trees that lie (issue #27)
    ("page-count-claim", files.pdf_page_count_claim(), "a.pdf", None, "pdf_damaged"),
    ("page-count-claim-zero", files.pdf_page_count_claim(0), "a.pdf", None, "pdf_damaged"),
    ("page-named-twice", files.pdf_pages_twice(), "a.pdf", None, "pdf_damaged"),
    # empty
    ("empty-pdf", b"", "a.pdf", None, "empty"),
    ("empty-png", b"", "a.png", None, "empty"),
    # image bombs: refused from the header, never decoded
    ("png-bomb-30000", files.png_declaring(30000, 30000), "scan.png", None, "image_too_large"),
    ("png-bomb-8000", files.png_declaring(8000, 8000), "scan.png", None, "image_too_large"),
    ("jpeg-bomb-30000", files.jpeg_declaring(30000, 30000), "photo.jpg", None, "image_too_large"),
    # damaged images, and what is not an image
    ("truncated-png", files.png_truncated(), "scan.png", None, "image_damaged"),
    ("truncated-jpeg", files.jpeg_truncated(), "photo.jpg", None, "image_damaged"),
    ("svg-named-png", files.SVG_WITH_SCRIPT, "scan.png", None, "unknown_type"),
    ("gif-named-png", files.GIF, "scan.png", None, "unknown_type"),
    ("text-named-pdf", "个人简历".encode(), "简历.pdf", None, "unknown_type"),
    # path traversal, control characters, lengths, missing names
    ("traversal", files.pdf_minimal(), "../../etc/passwd.pdf", None, "name_path"),
    ("traversal-backslash", files.pdf_minimal(), "..\\..\\boot.ini.pdf", None, "name_path"),
    ("absolute-path", files.pdf_minimal(), "/etc/report.pdf", None, "name_path"),
    ("windows-path", files.pdf_minimal(), "C:\\Users\\张三\\证书.pdf", None, "name_path"),
    ("nul-in-name", files.pdf_minimal(), "a\x00.pdf", None, "name_control"),
    ("newline-in-name", files.pdf_minimal(), "a\r\nSet-Cookie: x.pdf", None, "name_control"),
    ("rtl-override", files.pdf_minimal(), "证书\u202efdp.exe.pdf", None, "name_control"),
    ("name-201-chars", files.pdf_minimal(), "长" * 197 + ".pdf", None, "name_too_long"),
    ("no-name", files.pdf_minimal(), "", None, "name_missing"),
    ("extension-only", files.pdf_minimal(), ".pdf", None, "name_missing"),
    ("no-extension", files.pdf_minimal(), "report", None, "name_extension"),
    ("executable-extension", files.pdf_minimal(), "report.pdf.exe", None, "name_extension"),
    ("trailing-dot", files.pdf_minimal(), "report.pdf.", None, "name_extension"),
    ("svg-extension", files.SVG_WITH_SCRIPT, "logo.svg", None, "name_extension"),
]


@pytest.mark.parametrize(
    ("data", "name", "content_type", "code"),
    [case[1:] for case in REFUSED],
    ids=[case[0] for case in REFUSED],
)
def test_upload_check_refuses(data, name, content_type, code):
    assert refusal(data, name, content_type) == (code, ZH[code])


@pytest.mark.parametrize(
    ("name", "extension"),
    [
        ("scan.php.png", "php"),
        ("证书.exe.pdf", "exe"),
        ("photo.JS.jpg", "js"),
        ("a.html .pdf", "html"),
    ],
)
def test_upload_check_refuses_a_hidden_program_extension(name, extension):
    data = files.png_scan() if name.endswith(".png") else files.pdf_minimal()
    if name.endswith(".jpg"):
        data = files.jpeg_photo()
    assert refusal(data, name) == (
        "name_double_extension",
        f"文件名中隐藏了程序或脚本的扩展名（“.{extension}”），请重命名文件后重新上传。",
    )


@pytest.mark.parametrize(
    ("data", "name", "named", "found"),
    [
        (files.jpeg_photo(), "学位证书.pdf", "PDF", "JPEG"),
        (files.pdf_minimal(), "照片.jpg", "JPEG", "PDF"),
        (files.png_scan(), "scan.jpeg", "JPEG", "PNG"),
        (files.jpeg_photo(), "scan.png", "PNG", "JPEG"),
    ],
)
def test_upload_check_refuses_a_name_that_disagrees_with_the_content(data, name, named, found):
    assert refusal(data, name) == (
        "content_mismatch",
        f"文件名显示为 {named} 文件，但其实际内容为 {found} 格式，请按真实格式上传。",
    )


@pytest.mark.parametrize(
    ("data", "name", "declared", "found"),
    [
        (files.pdf_minimal(), "a.pdf", "image/png", "PDF"),
        (files.pdf_minimal(), "a.pdf", "text/html", "PDF"),
        (files.pdf_minimal(), "a.pdf", "application/octet-stream", "PDF"),
        (files.pdf_minimal(), "a.pdf", "", "PDF"),
        (files.jpeg_photo(), "a.jpg", "application/pdf", "JPEG"),
        (files.png_scan(), "a.png", "image/svg+xml", "PNG"),
    ],
)
def test_upload_check_refuses_a_wrong_declared_type(data, name, declared, found):
    assert refusal(data, name, declared) == (
        "declared_type_mismatch",
        f"浏览器报告的文件类型与文件的实际内容（{found}）不符，请重新上传原始文件。",
    )


def test_upload_check_refuses_a_kind_the_slot_does_not_take():
    assert refusal(files.jpeg_photo(), "photo.jpg", kinds={"pdf"}) == (
        "kind_not_allowed",
        "此类材料只接受 PDF 格式的文件。",
    )
    assert refusal(files.pdf_minimal(), "a.pdf", kinds={"png", "jpeg"}) == (
        "kind_not_allowed",
        "此类材料只接受 JPEG / PNG 格式的文件。",
    )


def test_upload_check_refuses_an_unknown_kind_list():
    with pytest.raises(ValueError, match="allowed_kinds"):
        check(files.pdf_minimal(), "a.pdf", kinds={"pdf", "docx"})


def test_upload_check_message_is_english_for_an_english_reader():
    with pytest.raises(UploadRefused) as caught:
        check(files.pdf_minimal(), "a.pdf", "image/png")
    with translation.override("en"):
        assert str(caught.value.message) == (
            "The file type reported by your browser does not match the file's PDF content. "
            "Upload the original file again."
        )


def test_upload_check_refuses_a_pdf_whose_check_runs_out_of_time(settings):
    """The PDF is parsed in a child process with a time limit, and a file whose check runs out
    of it is refused instead of holding the worker. This file's 60,000 objects take well over a
    second to parse on a quiet machine (more on a busy one); the limit here is 0.3 s, so the
    outcome does not depend on the machine's speed (with 2 s it passed only on a busy one)."""
    settings.MATERIAL_CHECK_SECONDS = 0.3
    data = files.pdf_object_stream_renumbered(60_000)
    assert refusal(data, "a.pdf") == ("pdf_too_complex", ZH["pdf_too_complex"])
    settings.MATERIAL_CHECK_SECONDS = 0.001  # not even time to start the child
    assert refusal(files.pdf_minimal(), "a.pdf") == ("pdf_too_complex", ZH["pdf_too_complex"])


def test_the_polyglots_are_what_they_claim_to_be():
    """The hostile files above are real: each opens as a PDF and as the other kind."""
    from pypdf import PdfReader

    for data in (files.pdf_with_zip_after_end(), files.pdf_with_zip_before_end()):
        assert len(PdfReader(io.BytesIO(data)).pages) == 1
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            assert archive.read("run.html") == b"<script>alert(document.domain)</script>"
    for data in (files.pdf_with_html_after_end(), files.pdf_with_html_comment()):
        assert len(PdfReader(io.BytesIO(data), strict=True).pages) == 1
        assert b"<script>alert(document.domain)</script>" in data


# --- pages and inflation (issue #27) ----------------------------------------------------------


def test_upload_check_counts_the_pages_against_the_setting(settings):
    settings.MATERIAL_MAX_PAGES = 3
    assert check(files.pdf_minimal(3), "a.pdf").kind == "pdf"
    code, message = refusal(files.pdf_minimal(4), "a.pdf")
    assert (code, message) == (
        "pdf_too_many_pages",
        "该 PDF 文件超过 3 页，超出单个文件的上限。"
        "请只上传评审所需的页面，或将文档拆分为多个文件。",
    )


def test_material_max_pages_defaults_to_2000():
    if "MATERIAL_MAX_PAGES" in os.environ:
        pytest.skip("MATERIAL_MAX_PAGES is set in the environment")
    assert settings.MATERIAL_MAX_PAGES == 2000
    assert check(files.pdf_many_pages(2000), "a.pdf").kind == "pdf"
    assert refusal(files.pdf_many_pages(2001), "a.pdf")[0] == "pdf_too_many_pages"


def test_upload_check_refuses_a_real_60000_page_pdf_quickly():
    data = files.pdf_many_pages(60_000)
    assert len(data) < 20 * MB
    started = time.monotonic()
    assert refusal(data, "a.pdf") == ("pdf_too_many_pages", ZH["pdf_too_many_pages"])
    assert time.monotonic() - started < 10


@pytest.mark.parametrize(
    "make",
    [files.pdf_inflating_to, files.pdf_inflating_raw_to, files.pdf_inflating_twice_to],
    ids=["once", "raw-deflate", "twice"],
)
def test_upload_check_refuses_a_stream_inflating_to_1_gib(make):
    """About 1 MB (or a few KB, deflated twice) that a reader would inflate to 1 GiB: refused
    from the count, in the child process, without holding the inflated bytes."""
    data = make(1024 * MB)
    assert len(data) < 1.1 * MB
    assert refusal(data, "a.pdf") == ("pdf_inflation", ZH["pdf_inflation"])


def test_inflation_limit_is_a_ratio_between_a_floor_and_a_ceiling():
    from applications.uploads_pdf import inflation_limit

    assert inflation_limit(10_000) == 64 * MB
    assert inflation_limit(1 * MB) == 100 * MB
    assert inflation_limit(20 * MB) == 1024 * MB


def test_upload_check_counts_every_stream_of_the_file_together():
    """Two streams of 40 MB each from a 100 KB file: each alone is under the 64 MB floor, the
    two together are not."""
    stream = zlib.compress(bytes(40 * MB), 9)
    one = files.pdf_with_stream(stream)
    assert check(one, "a.pdf").kind == "pdf"
    two = files.hand_pdf(
        page=b"/Contents [4 0 R 5 0 R] ",
        more=(
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
        )
        * 2,
    )
    assert refusal(two, "a.pdf") == ("pdf_inflation", ZH["pdf_inflation"])


# --- images are encoded again (issue #27) ------------------------------------------------------


def _pixels(data: bytes) -> tuple:
    with Image.open(io.BytesIO(data)) as image:
        return image.mode, image.size, image.tobytes()


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (files.png_with_trailing_script(), "scan.png"),
        (files.png_with_text_chunk(), "scan.png"),
    ],
    ids=["png-script-after-end", "png-script-in-text-chunk"],
)
def test_upload_check_stores_a_png_without_what_rode_along(data, name):
    assert files.SCRIPT in data
    checked = check(data, name)
    assert files.SCRIPT not in checked.content
    assert b"tEXt" not in checked.content
    assert checked.content.endswith(b"IEND\xaeB`\x82")  # the end chunk is the end
    assert _pixels(checked.content) == _pixels(data)  # PNG: the very same pixels
    assert (checked.size, checked.sha256) == (
        len(checked.content),
        hashlib.sha256(checked.content).hexdigest(),
    )


def test_upload_check_stores_a_jpeg_without_comments_trailing_data_or_exif():
    data = files.jpeg_with_trailing_script_and_comment()
    checked = check(data, "photo.jpg")
    assert files.SCRIPT not in checked.content
    assert checked.content.endswith(b"\xff\xd9")
    with Image.open(io.BytesIO(checked.content)) as image:
        assert (image.format, image.size, image.mode) == ("JPEG", (64, 48), "RGB")
        assert "comment" not in image.info
        original = Image.open(io.BytesIO(files.jpeg_photo())).convert("RGB")
        # Encoded again with the original's tables: every pixel within a few levels.
        difference = max(
            abs(a - b)
            for a, b in zip(image.convert("RGB").tobytes(), original.tobytes(), strict=True)
        )
        assert difference <= 8


def test_upload_check_turns_a_photo_upright_and_drops_its_exif():
    data = files.jpeg_turned(6)
    assert b"Beijing" in data
    checked = check(data, "photo.jpg")
    assert b"Beijing" not in checked.content
    with Image.open(io.BytesIO(checked.content)) as image:
        assert image.size == (48, 64)  # shown turned: now stored turned
        assert dict(image.getexif()) == {}


# --- size ------------------------------------------------------------------------------------


def test_upload_check_refuses_one_byte_over_the_limit_and_takes_the_limit():
    data = files.pdf_minimal()
    assert check(data, "a.pdf", max_bytes=len(data)).size == len(data)
    assert refusal(data, "a.pdf", max_bytes=len(data) - 1) == (
        "too_large",
        "文件超过 1 KB 的大小上限，请压缩或拆分后重新上传。",
    )


class UnreadableUpload:
    """An upload that knows its size (as Django's do) and fails the test if it is read."""

    size = MB + 1

    def read(self, size=-1):
        raise AssertionError("the file was read")

    seek = read


def test_upload_check_refuses_oversize_by_its_size_without_reading():
    with pytest.raises(UploadRefused) as caught:
        upload_check(
            file=UnreadableUpload(),
            declared_name="大文件.pdf",
            declared_content_type="application/pdf",
            allowed_kinds=ALL_KINDS,
            max_bytes=MB,
        )
    with translation.override("zh-hans"):
        assert (caught.value.code, str(caught.value.message)) == (
            "too_large",
            "文件超过 1 MB 的大小上限，请压缩或拆分后重新上传。",
        )


class CountingFile(io.BytesIO):
    """A file without a size, counting what is read from it."""

    bytes_read = 0

    def read(self, size=-1):
        chunk = super().read(size)
        self.bytes_read += len(chunk)
        return chunk


def test_upload_check_reads_no_further_than_one_byte_past_the_limit():
    stream = CountingFile(b"%PDF-1.7\n" + bytes(5 * MB))
    with pytest.raises(UploadRefused) as caught:
        upload_check(
            file=stream,
            declared_name="a.pdf",
            declared_content_type="application/pdf",
            allowed_kinds=ALL_KINDS,
            max_bytes=2 * MB,
        )
    assert caught.value.code == "too_large"
    assert stream.bytes_read == 2 * MB + 1


def test_material_max_bytes_defaults_to_20_mb():
    if "MATERIAL_MAX_BYTES" in os.environ:
        pytest.skip("MATERIAL_MAX_BYTES is set in the environment")
    assert settings.MATERIAL_MAX_BYTES == 20 * MB
    upload = SimpleUploadedFile("a.pdf", b"%PDF-1.7\n" + bytes(20 * MB), "application/pdf")
    with pytest.raises(UploadRefused) as caught:
        upload_check(
            file=upload,
            declared_name=upload.name,
            declared_content_type=upload.content_type,
            allowed_kinds=ALL_KINDS,
            max_bytes=settings.MATERIAL_MAX_BYTES,
        )
    with translation.override("zh-hans"):
        assert str(caught.value.message) == "文件超过 20 MB 的大小上限，请压缩或拆分后重新上传。"


# --- accepted --------------------------------------------------------------------------------

ACCEPTED = [
    (
        "chinese-name",
        files.pdf_minimal(),
        "学位证书（扫描件）.pdf",
        None,
        "pdf",
        "学位证书（扫描件）.pdf",
    ),
    ("three-pages", files.pdf_minimal(3), "论文.pdf", None, "pdf", "论文.pdf"),
    ("object-streams", files.pdf_pydyf_plain(), "v1.2.final.pdf", None, "pdf", "v1.2.final.pdf"),
    (
        "web-link",
        files.pdf_with_link(),
        "张三.2023.扫描件.pdf",
        None,
        "pdf",
        "张三.2023.扫描件.pdf",
    ),
    ("cyclic-references", files.pdf_cyclic_references(), "cyclic.pdf", None, "pdf", "cyclic.pdf"),
    ("http-link", files.pdf_link(b"(http://www.bjrbj.gov.cn/)"), "a.pdf", None, "pdf", "a.pdf"),
    (
        "link-in-a-string-object",
        files.pdf_link_indirect(b"(https://doi.org/10.1000/182)"),
        "a.pdf",
        None,
        "pdf",
        "a.pdf",
    ),
    ("mailto-link", files.pdf_link(b"(mailto:zhang@example.cn)"), "a.pdf", None, "pdf", "a.pdf"),
    ("internal-link", files.pdf_internal_link(), "a.pdf", None, "pdf", "a.pdf"),
    ("open-action-goto", files.pdf_open_action_goto(), "a.pdf", None, "pdf", "a.pdf"),
    (
        "named-next-page",
        files.pdf_link_action(b"<< /S /Named /N /NextPage >>"),
        "a.pdf",
        None,
        "pdf",
        "a.pdf",
    ),
    ("whitespace-after-eof", files.pdf_minimal() + b"\r\n \n", "a.pdf", None, "pdf", "a.pdf"),
    (
        "stream-inflating-to-60-mb",
        files.pdf_with_stream(zlib.compress(bytes(60 * MB), 9)),
        "a.pdf",
        None,
        "pdf",
        "a.pdf",
    ),
    ("jpeg", files.jpeg_photo(), "照片.JPG", None, "jpeg", "照片.JPG"),
    ("jpeg-long-extension", files.jpeg_photo(), "photo.jpeg", None, "jpeg", "photo.jpeg"),
    ("legacy-jpeg-type", files.jpeg_photo(), "photo.jpg", "image/pjpeg", "jpeg", "photo.jpg"),
    ("png", files.png_scan(), "身份证 正面.png", None, "png", "身份证 正面.png"),
    (
        "type-parameters",
        files.pdf_minimal(),
        "a.pdf",
        "Application/PDF; charset=binary",
        "pdf",
        "a.pdf",
    ),
    ("spaces-trimmed", files.pdf_minimal(), "  证书.pdf  ", None, "pdf", "证书.pdf"),
    ("nfc-normalised", files.pdf_minimal(), "Rene\u0301.pdf", None, "pdf", "René.pdf"),
    ("name-200-chars", files.pdf_minimal(), "长" * 196 + ".pdf", None, "pdf", "长" * 196 + ".pdf"),
]


@pytest.mark.parametrize(
    ("data", "name", "content_type", "kind", "display_name"),
    [case[1:] for case in ACCEPTED],
    ids=[case[0] for case in ACCEPTED],
)
def test_upload_check_accepts(data, name, content_type, kind, display_name):
    checked = check(data, name, content_type)
    extension = {"pdf": ".pdf", "jpeg": ".jpg", "png": ".png"}[kind]
    # A PDF is stored as uploaded; an image as encoded again (tested below).
    content = data if kind == "pdf" else checked.content
    assert checked == CheckedUpload(
        kind=kind,
        display_name=display_name,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content_type={"pdf": "application/pdf", "jpeg": "image/jpeg", "png": "image/png"}[kind],
        storage_name=checked.storage_name,
        content=content,
    )
    assert re.fullmatch(r"[0-9a-f]{32}" + re.escape(extension), checked.storage_name)
    assert checked.file().read() == content


def test_upload_check_takes_a_django_upload_and_leaves_it_rewound():
    data = files.pdf_minimal()
    upload = SimpleUploadedFile("学位证书（扫描件）.pdf", data, "application/pdf")
    upload.read(10)
    checked = upload_check(
        file=upload,
        declared_name=upload.name,
        declared_content_type=upload.content_type,
        allowed_kinds={"pdf"},
        max_bytes=20 * MB,
    )
    assert (checked.kind, checked.display_name, checked.size) == (
        "pdf",
        "学位证书（扫描件）.pdf",
        len(data),
    )
    assert upload.tell() == 0
    assert upload.read() == data


def test_store_name_is_random_and_never_the_users_name():
    names = {store_name("pdf") for _ in range(50)}
    assert len(names) == 50
    assert all(re.fullmatch(r"[0-9a-f]{32}\.pdf", name) for name in names)
    assert re.fullmatch(r"[0-9a-f]{32}\.jpg", store_name("jpeg"))
    assert re.fullmatch(r"[0-9a-f]{32}", store_name())
    first = check(files.pdf_minimal(), "学位证书.pdf")
    second = check(files.pdf_minimal(), "学位证书.pdf")
    assert first.storage_name != second.storage_name
    assert "学位" not in first.storage_name


# --- the shared fixture folder ---------------------------------------------------------------

FIXTURE_CODES = {
    "bad-html-with-pdf-header.pdf": "pdf_damaged",
    "bad-encrypted.pdf": "pdf_encrypted",
    "bad-javascript.pdf": "pdf_javascript",
    "bad-launch-action.pdf": "pdf_launch",
    "bad-embedded-file.pdf": "pdf_embedded",
    "bad-empty.pdf": "empty",
    "bad-elf-renamed.pdf": "executable",
    "bad-truncated.pdf": "pdf_damaged",
    "bad-jpeg-named.pdf": "content_mismatch",
    "bad-pdf-named.jpg": "content_mismatch",
    "bad-svg-script-named.png": "unknown_type",
    "bad-png-bomb.png": "image_too_large",
}


@pytest.mark.skipif(not FIXTURES.is_dir(), reason="no shared upload fixtures on this machine")
def test_upload_check_meets_every_shared_fixture():
    readme = (FIXTURES / "README.md").read_text()
    expected = dict(re.findall(r"^\| (\S+) \| .+ \| (accepted|refused)\b", readme, re.MULTILINE))
    on_disk = {path.name for path in FIXTURES.iterdir() if path.name != "README.md"}
    assert set(expected) == on_disk
    outcomes = {}
    for name in sorted(on_disk):
        data = (FIXTURES / name).read_bytes()
        try:
            checked = check(data, name)
        except UploadRefused as refused:
            outcomes[name] = ("refused", refused.code)
        else:
            outcomes[name] = ("accepted", checked.kind)
    wanted = {
        name: (
            ("refused", FIXTURE_CODES.get(name, outcomes[name][1]))
            if verdict == "refused"
            else ("accepted", {".pdf": "pdf", ".jpg": "jpeg", ".png": "png"}[Path(name).suffix])
        )
        for name, verdict in expected.items()
    }
    assert outcomes == wanted
