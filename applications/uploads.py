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
   *PDF* (pypdf, in a child process limited in time and memory, since pypdf has quadratic paths
   on crafted files; running out is ``pdf_too_complex``): a ``%PDF-x.y`` header at byte 0 and an
   ``%%EOF`` marker in the last 1 KB; not encrypted in any way; at least one page; every object
   the cross-reference table names loads.
   Then every indirect object is scanned: those the table names (object streams included) *and*
   every ``N G obj`` in the raw bytes (older revisions, orphans, the members of every object
   stream). Each is walked through its direct sub-objects only: references are never followed,
   so cycles cannot loop, and the walk is bounded. A name in ``FORBIDDEN_NAMES`` anywhere (as a
   key, an action type or a subtype) refuses the file: JavaScript (``/JS``, ``/JavaScript``),
   ``/Launch``, embedded files (``/EmbeddedFiles``, ``/EF``, ``/FileAttachment``, ``/GoToE``),
   active content (``/XFA``, ``/RichMedia``, ``/3D``). As a backstop against parser tricks the
   same names are also looked for in the raw syntax (stream bodies cut out, ``#xx`` decoded).
   *JPEG, PNG* (Pillow, only its JPEG or PNG decoder): the declared width x height must be at most
   ``MAX_IMAGE_PIXELS`` before anything is decoded (Pillow's own bomb guard is an error too); then
   ``verify()`` and, on a fresh open, a full ``load()``, which refuses truncated images.
"""

import hashlib
import io
import logging
import re
import resource
import subprocess
import sys
import unicodedata
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from PIL import Image
from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    StreamObject,
    read_object,
)

KINDS = {"pdf", "jpeg", "png"}
MAX_NAME_LENGTH = 200
MAX_IMAGE_PIXELS = 50_000_000
MAX_PDF_OBJECTS = 100_000  # indirect objects scanned, all sources together
MAX_PDF_NODES = 10_000_000  # keys, values and array items visited, all objects together
PDF_CHECK_MEMORY = 1024 * 1024 * 1024  # address space of the child that parses a PDF

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
PDF_WHITESPACE = rb"[\x00\t\n\f\r ]"
OBJECT_HEADER = re.compile(rb"(?<![0-9])\d{1,10}%s+\d{1,5}%s+obj\b%s*" % ((PDF_WHITESPACE,) * 3))
LEADING_WHITESPACE = re.compile(PDF_WHITESPACE + rb"*")
STREAM_BODY = re.compile(rb"(?<![A-Za-z])stream\r?\n.*?endstream", re.DOTALL)
NAME_TOKEN = re.compile(rb"/([^\x00\t\n\f\r ()<>\[\]{}/%]+)")
HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
# Names (keys, action types, subtypes) that only ever appear in what we refuse: found anywhere,
# in a parsed object or in the raw syntax, they refuse the file.
FORBIDDEN_NAMES = {
    **dict.fromkeys(("JS", "JavaScript"), "pdf_javascript"),
    "Launch": "pdf_launch",
    **dict.fromkeys(
        ("EmbeddedFiles", "EmbeddedFile", "EF", "FileAttachment", "GoToE"), "pdf_embedded"
    ),
    **dict.fromkeys(("XFA", "RichMedia", "3D"), "pdf_active"),
    "Encrypt": "pdf_encrypted",
}
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
    size: int
    sha256: str
    content_type: str  # the one to serve it with
    storage_name: str  # random, never derived from the user's name


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
    else:
        _check_image(data, found)
    return CheckedUpload(
        kind=found,
        display_name=display_name,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content_type=CONTENT_TYPES[found][0],
        storage_name=store_name(found),
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
    code = f"from applications.uploads import _pdf_child; _pdf_child({int(seconds) + 1})"
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
    if outcome != "ok":
        raise UploadRefused(outcome)


def _pdf_child(cpu_seconds: int) -> None:
    """The child's side: the PDF on stdin, "ok" or the refusal code on stdout."""
    resource.setrlimit(resource.RLIMIT_AS, (PDF_CHECK_MEMORY, PDF_CHECK_MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    logging.disable(logging.CRITICAL)  # pypdf's warnings about the file: the parent decides
    try:
        _check_pdf(sys.stdin.buffer.read())
    except UploadRefused as refused:
        sys.stdout.write(refused.code)
    except MemoryError:
        sys.stdout.write("pdf_too_complex")
    else:
        sys.stdout.write("ok")


def _check_pdf(data: bytes) -> None:
    if not re.match(rb"%PDF-[12]\.\d", data) or b"%%EOF" not in data[-1024:]:
        raise UploadRefused("pdf_damaged")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise UploadRefused("pdf_encrypted")
        if len(reader.pages) == 0:
            raise UploadRefused("pdf_no_pages")
        objects = _xref_objects(reader)
    except UploadRefused:
        raise
    except Exception as error:  # pypdf raises many kinds, RecursionError included
        raise UploadRefused("pdf_damaged") from error
    scan = _Scan()
    for obj in objects:
        scan.check(obj)
    _check_names(STREAM_BODY.sub(b" ", data))
    for obj in _raw_objects(reader, data):
        scan.check(obj)
        if isinstance(obj, StreamObject) and obj.get("/Type") == "/ObjStm":
            for inner in _object_stream_members(reader, obj):
                scan.check(inner)


def _check_names(syntax: bytes) -> None:
    """The backstop: a forbidden name anywhere in PDF syntax (stream bodies cut out beforehand,
    object streams decoded), whatever a parser made of the objects around it."""
    for match in NAME_TOKEN.finditer(syntax):
        name = match.group(1)
        if b"#" in name:
            name = HEX_ESCAPE.sub(lambda escape: bytes([int(escape.group(1), 16)]), name)
        _refuse_forbidden(name.decode("latin-1"))


def _xref_objects(reader: PdfReader) -> list:
    """Every object the cross-reference table names, loaded (a failure is a damaged file)."""
    refs = [
        IndirectObject(number, generation, reader)
        for generation, entries in reader.xref.items()
        for number in entries
        if not reader.xref_free_entry.get(generation, {}).get(number)
    ]
    refs += [IndirectObject(number, 0, reader) for number in reader.xref_objStm]
    if len(refs) > MAX_PDF_OBJECTS:
        raise UploadRefused("pdf_too_complex")
    return [reader.trailer, *(reader.get_object(ref) for ref in refs)]


def _raw_objects(reader: PdfReader, data: bytes):
    """Every ``N G obj`` in the raw bytes, parsed in place; a match that is not an object (bytes
    inside a binary stream) is skipped."""
    stream = io.BytesIO(data)
    for count, match in enumerate(OBJECT_HEADER.finditer(data)):
        if count >= MAX_PDF_OBJECTS:
            raise UploadRefused("pdf_too_complex")
        stream.seek(match.end())
        try:
            yield read_object(stream, reader)
        except Exception:  # noqa: S112 - not an object; the cross-reference scan covers the real ones
            continue


def _object_stream_members(reader: PdfReader, obj_stream: StreamObject):
    try:
        content = obj_stream.get_data()
        first, count = int(obj_stream["/First"]), int(obj_stream["/N"])
        numbers = [int(n) for n in content[:first].split()][: 2 * count]
    except Exception as error:
        raise UploadRefused("pdf_damaged") from error
    if count > MAX_PDF_OBJECTS:
        raise UploadRefused("pdf_too_complex")
    _check_names(content)
    stream = io.BytesIO(content)
    for offset in numbers[1::2]:
        stream.seek(LEADING_WHITESPACE.match(content, first + offset).end())
        try:
            yield read_object(stream, reader)
        except Exception as error:
            raise UploadRefused("pdf_damaged") from error


class _Scan:
    """Walks objects through their direct sub-objects only. References are never followed (each
    indirect object is scanned on its own), so a cycle cannot loop; the total walk is bounded."""

    def __init__(self):
        self.nodes = 0

    def check(self, obj) -> None:
        stack = [obj]
        while stack:
            node = stack.pop()
            self.nodes += 1
            if self.nodes > MAX_PDF_NODES:
                raise UploadRefused("pdf_too_complex")
            if isinstance(node, DictionaryObject):
                stack.extend(node.keys())
                stack.extend(node.values())
            elif isinstance(node, ArrayObject):
                stack.extend(node)
            elif isinstance(node, NameObject):
                _refuse_forbidden(node[1:])


def _refuse_forbidden(name: str) -> None:
    if code := FORBIDDEN_NAMES.get(name):
        raise UploadRefused(code)


# --- images --------------------------------------------------------------------------------


def _check_image(data: bytes, kind: str) -> None:
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
    except UploadRefused:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise too_large from error
    except Exception as error:  # Pillow raises OSError, SyntaxError, ValueError, ...
        raise UploadRefused("image_damaged") from error
