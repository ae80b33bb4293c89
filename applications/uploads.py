"""The material upload checker: decides whether an uploaded file may be stored.

Nothing the client says is trusted. ``upload_check`` runs, in this order, and refuses with
``UploadRefused(code, message)`` at the first failure:

1. **The name.** Kept only for display: no folder path (``/``, ``\\``), no control or invisible
   formatting characters, at most ``MAX_NAME_LENGTH`` characters, a stem before the extension, a
   last extension of ``.pdf``, ``.jpg``, ``.jpeg`` or ``.png``, and no inner extension of a program
   or script (``scan.php.png``). The file itself is stored under ``store_name()``, a random name.
2. **The size.** Empty files are refused; so is anything over ``max_bytes``, read no further than
   one byte past the limit.
3. **The content type**, from the first bytes (magic numbers) only. Programs are named as such.
   The extension and the content type the browser declared must both agree with what was found,
   and the kind must be one the slot takes.
4. **A full parse.**
   *PDF*: in a child process limited in time and memory (pypdf has quadratic paths on crafted
   files; running out is ``pdf_too_complex``), by ``applications.uploads_pdf``: nothing before
   the header or after the last ``%%EOF``, not encrypted, at most ``MATERIAL_MAX_PAGES`` pages
   as found in the page tree, a bounded inflation of its streams, no active content (JavaScript,
   launch actions, embedded files, media) and no action that leaves the document by itself or
   opens anything but a web or e-mail link.
   *JPEG, PNG* (Pillow, only its JPEG or PNG decoder): the declared width x height must be at most
   ``MAX_IMAGE_PIXELS`` before anything is decoded (Pillow's own bomb guard is an error too); then
   ``verify()`` and, on a fresh open, a full ``load()``, which refuses truncated images. An
   accepted image is encoded again from its pixels: ``CheckedUpload.content`` is what is stored.
"""

import hashlib
import io
import re
import subprocess
import sys
import unicodedata
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageOps, JpegImagePlugin

KINDS = {"pdf", "jpeg", "png"}
MAX_NAME_LENGTH = 200
MAX_IMAGE_PIXELS = 50_000_000
EXTENSION_KINDS = {"pdf": "pdf", "jpg": "jpeg", "jpeg": "jpeg", "png": "png"}
STORED_EXTENSIONS = {"pdf": ".pdf", "jpeg": ".jpg", "png": ".png"}
CONTENT_TYPES = {  # what browsers send; the first is the one we serve
    "pdf": ("application/pdf", "application/x-pdf"),
    "jpeg": ("image/jpeg", "image/pjpeg", "image/jpg"),
    "png": ("image/png", "image/x-png"),
}
# Inner extensions that make a name like "report.exe.pdf" or "scan.php.png" a disguise.
EXECUTABLE_EXTENSIONS = (
    "exe com bat cmd scr pif msi msp dll cpl sys drv ocx jar class apk app deb rpm bin run elf so "
    "dylib js jse mjs vbs vbe wsf wsh hta ps1 psm1 sh bash zsh csh ksh py pyc pyw pl rb php php3 "
    "php4 php5 php7 phtml phar asp aspx ashx jsp jspx cgi htm html xhtml shtml svg svgz xml lnk "
    "reg inf swf"
)
# First bytes of programs (ELF, Windows, scripts, Mach-O): named in the refusal as such.
EXECUTABLE_MAGIC = re.compile(
    rb"\x7fELF|MZ|#!|\xfe\xed\xfa[\xce\xcf]|[\xce\xcf]\xfa\xed\xfe|\xca\xfe\xba\xbe"
)
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
INVISIBLE_CATEGORIES = {"Cc", "Cf", "Cs", "Co", "Zl", "Zp"}

MESSAGES = {
    "name_missing": _("The file has no name. Rename it and upload it again."),
    "name_path": _(
        "The file name must not contain a folder path or the characters “/” and “\\”. "
        "Rename the file and upload it again."
    ),
    "name_control": _(
        "The file name contains invisible control characters. Rename the file and upload it again."
    ),
    "name_too_long": _(
        "The file name is longer than %(limit)s characters. Shorten it and upload the file again."
    ),
    "name_extension": _("Only files ending in .pdf, .jpg, .jpeg or .png can be uploaded."),
    "name_double_extension": _(
        "The file name hides the extension of a program or script (“.%(extension)s”). "
        "Rename the file and upload it again."
    ),
    "empty": _("The file is empty (0 bytes). Check it and upload it again."),
    "too_large": _(
        "The file is larger than the limit of %(limit)s. Reduce or split it and upload it again."
    ),
    "executable": _("The file is a program or script, not a document, and cannot be accepted."),
    "unknown_type": _(
        "The file is not a PDF, JPEG or PNG file (its content was checked, not its name)."
    ),
    "content_mismatch": _(
        "The file is named as a %(named)s file but its content is %(found)s. "
        "Upload it under its true type."
    ),
    "kind_not_allowed": _("This kind of material takes only %(kinds)s files."),
    "declared_type_mismatch": _(
        "The file type reported by your browser does not match the file's %(found)s content. "
        "Upload the original file again."
    ),
    "pdf_damaged": _(
        "The PDF is damaged, incomplete or not a real PDF document, and cannot be read."
    ),
    "pdf_encrypted": _(
        "The PDF is encrypted or password-protected and cannot be reviewed. "
        "Remove the protection and upload it again."
    ),
    "pdf_no_pages": _("The PDF has no pages."),
    "pdf_javascript": _(
        "The PDF contains JavaScript, which is not allowed. "
        "Print it to a new PDF and upload that instead."
    ),
    "pdf_launch": _(
        "The PDF contains an action that starts another program, which is not allowed. "
        "Print it to a new PDF and upload that instead."
    ),
    "pdf_embedded": _(
        "The PDF carries embedded files or attachments, which is not allowed. "
        "Upload each document on its own."
    ),
    "pdf_active": _(
        "The PDF contains interactive content (an XFA form or embedded media), which is not "
        "allowed. Print it to a new PDF and upload that instead."
    ),
    "pdf_too_complex": _(
        "The PDF is too complex to be checked. Print it to a new PDF and upload that instead."
    ),
    "pdf_extra_data": _(
        "The PDF carries other data besides the document (it may also be a web page or an "
        "archive), which is not allowed. Print it to a new PDF and upload that instead."
    ),
    "pdf_too_many_pages": _(
        "The PDF has more than %(limit)s pages, the limit for one file. Upload only the pages "
        "the review needs, or split the document into several files."
    ),
    "pdf_inflation": _(
        "The PDF contains compressed content that would expand to an excessive size when it is "
        "opened. Print it to a new PDF and upload that instead."
    ),
    "pdf_link": _(
        "The PDF contains a link that is not a web address: only links starting with http:// "
        "or https:// and plain e-mail links are allowed. Remove the link, or print the document "
        "to a new PDF, and upload it again."
    ),
    "pdf_outside_action": _(
        "The PDF contains an action that opens another file, sends or fetches data, or runs a "
        "command of the PDF reader, which is not allowed. Print it to a new PDF and upload that "
        "instead."
    ),
    "pdf_automatic_action": _(
        "The PDF opens a web address or another document by itself (when it is opened or a page "
        "is shown), which is not allowed. Print it to a new PDF and upload that instead."
    ),
    "image_too_large": _(
        "The image has more than %(limit)s pixels in total. "
        "Reduce its resolution and upload it again."
    ),
    "image_damaged": _("The image is damaged or incomplete and cannot be read."),
}


# A message with its values, translated only when shown (in the reader's language).
_lazy_interpolate = lazy(lambda template, params: str(template) % params, str)


class UploadRefused(Exception):
    """The file may not be stored. ``code`` says why (for tests and logs); ``message`` tells the
    user, translated when it is shown."""

    def __init__(self, code: str, **params):
        self.code = code
        template = MESSAGES[code]
        self.message = _lazy_interpolate(template, params) if params else template
        super().__init__(code)


@dataclass(frozen=True)
class CheckedUpload:
    kind: str  # "pdf", "jpeg" or "png", as found in the content
    display_name: str  # the user's file name, for display and download only
    size: int  # of ``content``
    sha256: str  # of ``content``
    content_type: str  # the one to serve it with
    storage_name: str  # random, never derived from the user's name
    # What to store: a PDF as uploaded, an image as we encoded it again (nothing else kept).
    content: bytes = field(default=b"", repr=False)

    def file(self) -> ContentFile:
        """``content`` as a file to save under ``storage_name`` (never the upload itself)."""
        return ContentFile(self.content, name=self.storage_name)


def store_name(kind: str = "") -> str:
    """A random file name for storage: 32 hex digits, plus the extension of the verified kind."""
    return uuid.uuid4().hex + STORED_EXTENSIONS.get(kind, "")


def upload_check(
    *,
    file,
    declared_name: str,
    declared_content_type: str,
    allowed_kinds: set[str],
    max_bytes: int,
) -> CheckedUpload:
    """Check an uploaded file (see the module docstring) and describe it, or raise UploadRefused.

    ``file`` is any binary file object (a Django ``UploadedFile`` included); it is read from the
    start, at most ``max_bytes + 1`` bytes, and left rewound. Nothing is written anywhere.
    """
    if not allowed_kinds or not allowed_kinds <= KINDS:
        raise ValueError(f"allowed_kinds must be a non-empty subset of {sorted(KINDS)}")
    display_name, named_kind = _check_name(declared_name)
    data = _read_bounded(file, max_bytes)
    found = _sniff(data)
    if found != named_kind:
        raise UploadRefused("content_mismatch", named=named_kind.upper(), found=found.upper())
    if found not in allowed_kinds:
        kinds = " / ".join(kind.upper() for kind in sorted(allowed_kinds))
        raise UploadRefused("kind_not_allowed", kinds=kinds)
    declared = (declared_content_type or "").split(";")[0].strip().lower()
    if declared not in CONTENT_TYPES[found]:
        raise UploadRefused("declared_type_mismatch", found=found.upper())
    if found == "pdf":
        _check_pdf_isolated(data)
        content = data
    else:
        content = _check_image(data, found)
    return CheckedUpload(
        kind=found,
        display_name=display_name,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        content_type=CONTENT_TYPES[found][0],
        storage_name=store_name(found),
        content=content,
    )


# --- name, size, type ----------------------------------------------------------------------


def _check_name(declared_name: str) -> tuple[str, str]:
    """The name to display, and the kind its extension claims."""
    name = unicodedata.normalize("NFC", declared_name or "").strip()
    if "/" in name or "\\" in name:
        raise UploadRefused("name_path")
    if any(unicodedata.category(char) in INVISIBLE_CATEGORIES for char in name):
        raise UploadRefused("name_control")
    if len(name) > MAX_NAME_LENGTH:
        raise UploadRefused("name_too_long", limit=MAX_NAME_LENGTH)
    stem, dot, extension = name.rpartition(".")
    if not dot or extension.lower() not in EXTENSION_KINDS:
        raise UploadRefused("name_extension" if name else "name_missing")
    if not stem.strip(". "):
        raise UploadRefused("name_missing")
    for inner in stem.lower().split(".")[1:]:
        if inner.strip() in EXECUTABLE_EXTENSIONS.split():
            raise UploadRefused("name_double_extension", extension=inner.strip())
    return name, EXTENSION_KINDS[extension.lower()]


def _read_bounded(file, max_bytes: int) -> bytes:
    if getattr(file, "size", None) is not None and file.size > max_bytes:
        raise UploadRefused("too_large", limit=_size_label(max_bytes))
    file.seek(0)
    data = file.read(max_bytes + 1)
    file.seek(0)
    if not data:
        raise UploadRefused("empty")
    if len(data) > max_bytes:
        raise UploadRefused("too_large", limit=_size_label(max_bytes))
    return data


def _size_label(size: int) -> str:
    megabytes = size / (1024 * 1024)
    if megabytes >= 1:
        return f"{megabytes:.1f}".removesuffix(".0") + " MB"
    return f"{max(1, round(size / 1024))} KB"


def _sniff(data: bytes) -> str:
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(PNG_SIGNATURE):
        return "png"
    if EXECUTABLE_MAGIC.match(data):
        raise UploadRefused("executable")
    raise UploadRefused("unknown_type")


# --- PDF -----------------------------------------------------------------------------------


def _check_pdf_isolated(data: bytes) -> None:
    """``_check_pdf`` in a child Python, bounded in time and memory: pypdf has quadratic paths
    on crafted files (a 20 KB file can take seconds, a larger one hours), and a web worker must
    not be held by one. A child that runs out of either is refused as too complex."""
    seconds = settings.MATERIAL_CHECK_SECONDS
    pages = int(settings.MATERIAL_MAX_PAGES)
    code = f"from applications.uploads_pdf import pdf_child; pdf_child({int(seconds) + 1}, {pages})"
    try:
        child = subprocess.run(  # noqa: S603 - our own interpreter and code, no user input
            [sys.executable, "-c", code],
            input=data,
            capture_output=True,
            timeout=seconds,
            cwd=Path(__file__).resolve().parent.parent,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise UploadRefused("pdf_too_complex") from None
    outcome = child.stdout.decode("ascii", "replace").strip()
    if child.returncode < 0:  # killed: the CPU or memory limit
        raise UploadRefused("pdf_too_complex")
    if child.returncode != 0 or (outcome != "ok" and outcome not in MESSAGES):
        raise RuntimeError(f"The PDF check failed: {child.stderr.decode(errors='replace')}")
    if outcome == "pdf_too_many_pages":
        raise UploadRefused(outcome, limit=f"{pages:,}")
    if outcome != "ok":
        raise UploadRefused(outcome)


# --- images --------------------------------------------------------------------------------


def _check_image(data: bytes, kind: str) -> bytes:
    """Check the image and encode it again: only its pixels are kept (turned upright by its
    orientation tag), so whatever rode along (data after the end, text or metadata chunks,
    EXIF with its location, a second picture) is gone."""
    formats = {"jpeg": ("JPEG", "MPO"), "png": ("PNG",)}[kind]
    too_large = UploadRefused("image_too_large", limit=f"{MAX_IMAGE_PIXELS:,}")
    try:
        # Opening reads the header only. Pillow's own guard (a warning above 89 million pixels,
        # an error above twice that) lies beyond our limit: it only ever meets files we refuse.
        with Image.open(io.BytesIO(data), formats=formats) as image:
            width, height = image.size
            if image.format not in formats:
                raise UploadRefused("image_damaged")
            if width * height > MAX_IMAGE_PIXELS:
                raise too_large
            image.verify()
        with Image.open(io.BytesIO(data), formats=formats) as image:
            image.load()
            return _encoded_again(image, kind)
    except UploadRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise too_large from error
    except Exception as error:  # Pillow raises OSError, SyntaxError, ValueError, ...
        raise UploadRefused("image_damaged") from error


def _encoded_again(image: Image.Image, kind: str) -> bytes:
    upright = ImageOps.exif_transpose(image)  # a new image: its pixels, turned upright
    upright.info = {}  # Pillow would write a kept comment, colour profile or EXIF again
    options = {"dpi": image.info["dpi"]} if "dpi" in image.info else {}
    if kind == "jpeg":
        # The original's quantisation tables and subsampling: as close to it as a new encoding
        # gets (Pillow's quality="keep", which needs the opened file itself).
        quantization = getattr(image, "quantization", None)
        if quantization:
            options.update(qtables=quantization, subsampling=JpegImagePlugin.get_sampling(image))
        else:
            options["quality"] = 95
        fmt = "JPEG"
    else:
        if isinstance(image.info.get("transparency"), int | bytes | tuple):
            options["transparency"] = image.info["transparency"]
        fmt = "PNG"
    out = io.BytesIO()
    upright.save(out, fmt, **options)
    return out.getvalue()
