"""The PDF half of the upload gate, run in a child process (``applications.uploads`` starts it
with limits on time and memory and reads one refusal code, or "ok", from its output).

In order, the first failure refusing the file:

1. **Parse** (pypdf, lenient), after a ``%PDF-x.y`` header at byte 0: not encrypted; the page
   tree walked from the catalogue, once per node (a node met twice is a loop or a page counted
   twice: damaged), its pages counted up to ``max_pages`` and the count the tree declares equal
   to the pages found; every object the cross-reference table names loads.
2. **Framing**: nothing after the last ``%%EOF`` but whitespace; no ZIP end record in the
   file's last 64 KB (a file that is also a ZIP archive) and no HTML markup outside the stream
   bodies (a file that is also a web page).
3. **Inflation**: every stream is decoded through its filters, counting the bytes without
   keeping them; all streams together may not exceed ``inflation_limit(len(data))``.
4. **Names**: a forbidden name anywhere (``FORBIDDEN_NAMES``), in every object the table names,
   every ``N G obj`` in the raw bytes, every member of every object stream, and, as a backstop,
   the raw syntax with stream bodies cut out.
5. **Actions**: links (``/URI``) must be plain web or e-mail addresses; a ``/Named`` action one
   of the four page moves; a ``/Thread`` action may not name another file; what runs by itself
   (``/OpenAction``, every ``/AA`` trigger) may only move within the document.
"""

import io
import logging
import re
import resource
import sys
import zlib

from pypdf import PdfReader, apply_configuration
from pypdf.errors import LimitReachedError
from pypdf.filters import ASCII85Decode, ASCIIHexDecode, LZWDecode, RunLengthDecode
from pypdf.generic import (
    ArrayObject,
    ByteStringObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    StreamObject,
    TextStringObject,
    read_object,
)

from applications.uploads import UploadRefused

MAX_PDF_OBJECTS = 100_000  # indirect objects scanned, all sources together
MAX_PDF_NODES = 10_000_000  # keys, values and array items visited, all objects together
PDF_CHECK_MEMORY = 1024 * 1024 * 1024  # address space of the child that parses a PDF
# Inflation: all streams of a file together may decode to at most INFLATION_RATIO times the
# file's size, never less than INFLATION_FREE (a small file with one large blank image) and never
# more than INFLATION_MAX. A stage in the middle of a filter chain, or a filter other than the
# last Flate, is decoded in memory and may hold at most INFLATION_STAGE_MAX.
INFLATION_RATIO = 100
INFLATION_FREE = 64 * 1024 * 1024
INFLATION_MAX = 1024 * 1024 * 1024
INFLATION_STAGE_MAX = 128 * 1024 * 1024
INFLATION_CHUNK = 1024 * 1024
MAX_FILTERS = 16

PDF_WHITESPACE = rb"[\x00\t\n\f\r ]"
OBJECT_HEADER = re.compile(rb"(?<![0-9])\d{1,10}%s+\d{1,5}%s+obj\b%s*" % ((PDF_WHITESPACE,) * 3))
LEADING_WHITESPACE = re.compile(PDF_WHITESPACE + rb"*")
STREAM_BODY = re.compile(rb"(?<![A-Za-z])stream\r?\n.*?endstream", re.DOTALL)
NAME_TOKEN = re.compile(rb"/([^\x00\t\n\f\r ()<>\[\]{}/%]+)")
HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
END_OF_FILE = re.compile(rb"%%EOF" + PDF_WHITESPACE + rb"*\Z")
ZIP_END_RECORD = b"PK\x05\x06"
ZIP_END_SEARCH = 65_535 + 22  # a ZIP end record with the longest comment
# An HTML element's start: "<" right before the tag's name ("<<" starts a dictionary, "<" and
# hexadecimal digits a string, "</" nothing in PDF syntax).
HTML_MARKUP = re.compile(
    rb"(?<!<)<(?:!doctype|html|head|body|script|iframe|frame|object|embed|svg|meta|style|link|"
    rb"form|img)[\s>/]",
    re.IGNORECASE,
)

# Names (keys, action types, subtypes) that only ever appear in what we refuse: found anywhere,
# in a parsed object or in the raw syntax, they refuse the file.
FORBIDDEN_NAMES = {
    **dict.fromkeys(("JS", "JavaScript"), "pdf_javascript"),
    "Launch": "pdf_launch",
    **dict.fromkeys(
        ("EmbeddedFiles", "EmbeddedFile", "EF", "FileAttachment", "GoToE"), "pdf_embedded"
    ),
    **dict.fromkeys(
        ("XFA", "RichMedia", "RichMediaExecute", "3D", "Sound", "Movie", "Rendition", "Screen"),
        "pdf_active",
    ),
    # Actions that open another file or send or fetch data: to a reader on Windows a UNC path
    # (\\host\share) means a connection that hands over the user's credentials.
    **dict.fromkeys(("GoToR", "SubmitForm", "ImportData"), "pdf_outside_action"),
    "Encrypt": "pdf_encrypted",
}
# A link may open a web page or write an e-mail (without the query part, which some mail
# programs read as "attach this file"); nothing else: no javascript:, file:, UNC or relative
# address (relative ones resolve against a base the file chooses).
ALLOWED_LINK = re.compile(r"(?:https?://[^\s\\]+|mailto:[^\s\\?]+)\Z", re.IGNORECASE)
# Named actions beyond these run a command of the reader's menus (print, save, close...).
PAGE_MOVES = {"/NextPage", "/PrevPage", "/FirstPage", "/LastPage"}
# What may run by itself (on opening, on a page or a field event): moves within the document.
AUTOMATIC_ACTIONS = {"/GoTo", "/GoToDp", "/Named", "/Hide", "/ResetForm", "/SetOCGState", "/Trans"}
ACTION_KEYS = ("/URI", "/S", "/OpenAction", "/AA")


def pdf_child(cpu_seconds: int, max_pages: int) -> None:
    """The child's side: the PDF on stdin, "ok" or the refusal code on stdout."""
    resource.setrlimit(resource.RLIMIT_AS, (PDF_CHECK_MEMORY, PDF_CHECK_MEMORY))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    logging.disable(logging.CRITICAL)  # pypdf's warnings about the file: the parent decides
    try:
        pdf_check(sys.stdin.buffer.read(), max_pages=max_pages)
    except UploadRefused as refused:
        sys.stdout.write(refused.code)
    except MemoryError:
        sys.stdout.write("pdf_too_complex")
    else:
        sys.stdout.write("ok")


def inflation_limit(size: int) -> int:
    """How many bytes all streams of a ``size``-byte PDF may decode to."""
    return min(INFLATION_MAX, max(INFLATION_FREE, INFLATION_RATIO * size))


def pdf_check(data: bytes, *, max_pages: int) -> None:
    """Refuse ``data`` with ``UploadRefused`` unless it is a PDF we may store (module docstring)."""
    if not re.match(rb"%PDF-[12]\.\d", data) or b"%%EOF" not in data[-1024:]:
        raise UploadRefused("pdf_damaged")
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise UploadRefused("pdf_encrypted")
        if _count_pages(reader, max_pages) == 0:
            raise UploadRefused("pdf_no_pages")
        objects = _xref_objects(reader)
        raw = _raw_objects(reader, data)
    except UploadRefused:
        raise
    except Exception as error:  # pypdf raises many kinds, RecursionError included
        raise UploadRefused("pdf_damaged") from error
    _check_framing(data)
    _check_inflation(reader, objects, raw, limit=inflation_limit(len(data)))
    scan = _Scan(reader)
    for obj in objects:
        scan.check(obj)
    _check_syntax(STREAM_BODY.sub(b" ", data))
    for _offset, obj in raw:
        scan.check(obj)
        if isinstance(obj, StreamObject) and obj.get("/Type") == "/ObjStm":
            for inner in _object_stream_members(reader, obj):
                scan.check(inner)
    scan.check_actions()


# --- framing -------------------------------------------------------------------------------


def _check_framing(data: bytes) -> None:
    """Nothing may ride along with the document: a viewer reads a PDF from its end, a ZIP reader
    from its end record, a browser sniffs markup, so bytes a PDF reader skips can be another
    file's whole content."""
    if not END_OF_FILE.search(data):
        raise UploadRefused("pdf_extra_data")
    if ZIP_END_RECORD in data[-ZIP_END_SEARCH:]:
        raise UploadRefused("pdf_extra_data")
    if HTML_MARKUP.search(STREAM_BODY.sub(b" ", data)):
        raise UploadRefused("pdf_extra_data")


# --- pages ---------------------------------------------------------------------------------


def _resolve(reader: PdfReader, obj, *, hops: int = 8):
    """The object a reference points to (references to references followed a few times)."""
    while isinstance(obj, IndirectObject) and hops:
        obj = reader.get_object(obj)
        hops -= 1
    return obj


def _count_pages(reader: PdfReader, max_pages: int) -> int:
    """The pages actually in the tree, walked once per node; refused past ``max_pages``, when a
    node is met twice, or when the count the tree declares is not the count found (readers trust
    the declared count to find a page, and allocate by it)."""
    root = _resolve(reader, reader.trailer.raw_get("/Root"))
    if not isinstance(root, DictionaryObject) or "/Pages" not in root:
        raise UploadRefused("pdf_damaged")
    top = root.raw_get("/Pages")
    stack, seen, pages = [top], set(), 0
    while stack:
        node = stack.pop()
        key = (node.idnum, node.generation) if isinstance(node, IndirectObject) else id(node)
        if key in seen:
            raise UploadRefused("pdf_damaged")
        seen.add(key)
        if len(seen) > MAX_PDF_OBJECTS:
            raise UploadRefused("pdf_too_complex")
        node = _resolve(reader, node)
        if not isinstance(node, DictionaryObject):
            raise UploadRefused("pdf_damaged")
        kids = _resolve(reader, node.raw_get("/Kids")) if "/Kids" in node else None
        kind = _resolve(reader, node.raw_get("/Type")) if "/Type" in node else None
        if kind == "/Pages" or (kids is not None and kind != "/Page"):
            if not isinstance(kids, ArrayObject):
                raise UploadRefused("pdf_damaged")
            stack.extend(kids)
        else:
            pages += 1
            if pages > max_pages:
                raise UploadRefused("pdf_too_many_pages", limit=f"{max_pages:,}")
    declared = _resolve(reader, _resolve(reader, top).get("/Count"))
    if not isinstance(declared, NumberObject) or int(declared) != pages:
        raise UploadRefused("pdf_damaged")
    return pages


# --- objects -------------------------------------------------------------------------------


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


def _raw_objects(reader: PdfReader, data: bytes) -> list[tuple[int, object]]:
    """Every ``N G obj`` in the raw bytes, parsed in place, with its offset; a match that is not
    an object (bytes inside a binary stream) is skipped."""
    stream = io.BytesIO(data)
    found = []
    for count, match in enumerate(OBJECT_HEADER.finditer(data)):
        if count >= MAX_PDF_OBJECTS:
            raise UploadRefused("pdf_too_complex")
        stream.seek(match.end())
        try:
            found.append((match.start(), read_object(stream, reader)))
        except Exception:  # noqa: S112 - not an object; the cross-reference scan covers the real ones
            continue
    return found


def _object_stream_members(reader: PdfReader, obj_stream: StreamObject):
    try:
        content = obj_stream.get_data()
        first, count = int(obj_stream["/First"]), int(obj_stream["/N"])
        numbers = [int(n) for n in content[:first].split()][: 2 * count]
    except Exception as error:
        raise UploadRefused("pdf_damaged") from error
    if count > MAX_PDF_OBJECTS:
        raise UploadRefused("pdf_too_complex")
    _check_syntax(content)
    stream = io.BytesIO(content)
    for offset in numbers[1::2]:
        stream.seek(LEADING_WHITESPACE.match(content, first + offset).end())
        try:
            yield read_object(stream, reader)
        except Exception as error:
            raise UploadRefused("pdf_damaged") from error


# --- inflation -----------------------------------------------------------------------------


class _TooLarge(Exception):
    pass


def _check_inflation(reader: PdfReader, objects: list, raw: list, *, limit: int) -> None:
    """Decode every stream once (those at a raw ``N G obj`` and those only the cross-reference
    table finds), counting the bytes: all together at most ``limit``."""
    raw_offsets = {offset for offset, _obj in raw}
    streams = [obj for _offset, obj in raw if isinstance(obj, StreamObject)]
    for obj in objects:
        reference = getattr(obj, "indirect_reference", None)
        if isinstance(obj, StreamObject) and reference is not None:
            offset = reader.xref.get(reference.generation, {}).get(reference.idnum)
            if offset not in raw_offsets:
                streams.append(obj)
    total = 0
    for stream in streams:
        total += _inflated_size(reader, stream, budget=limit - total)
        if total > limit:
            raise UploadRefused("pdf_inflation")


def _filter_names(reader: PdfReader, stream: StreamObject) -> list[str]:
    if "/Filter" not in stream:
        return []
    filters = _resolve(reader, stream.raw_get("/Filter"))
    if isinstance(filters, NameObject):
        return [str(filters)]
    if not isinstance(filters, ArrayObject):
        raise UploadRefused("pdf_damaged")
    if len(filters) > MAX_FILTERS:
        raise UploadRefused("pdf_too_complex")
    return [str(_resolve(reader, name)) for name in filters]


def _inflated_size(reader: PdfReader, stream: StreamObject, *, budget: int) -> int:
    """The stream's decoded size, or some number above ``budget`` once it passes it.

    A last Flate stage is counted chunk by chunk, never held; earlier stages and the other
    general filters are decoded in memory up to ``INFLATION_STAGE_MAX``. Image codecs (DCT, JPX,
    JBIG2, CCITT) and filters a reader may not know end the count: their input is counted.
    """
    data = stream._data  # the encoded bytes: get_data() would decode them whole
    names = _filter_names(reader, stream)
    cap = min(budget, INFLATION_STAGE_MAX)
    for position, name in enumerate(names):
        last = position == len(names) - 1
        try:
            if name in ("/FlateDecode", "/Fl"):
                if last:
                    return _flate(data, budget, keep=False)
                data = _flate(data, cap, keep=True)
            elif name in ("/ASCIIHexDecode", "/AHx"):
                data = ASCIIHexDecode.decode(data)
            elif name in ("/ASCII85Decode", "/A85"):
                data = ASCII85Decode.decode(data)  # at most 4 bytes for each byte read
            elif name in ("/RunLengthDecode", "/RL", "/LZWDecode", "/LZW"):
                decoder = RunLengthDecode if "Run" in name or name == "/RL" else LZWDecode
                with apply_configuration(
                    run_length_maximum_output_length=cap + 1, lzw_maximum_output_length=cap + 1
                ):
                    data = decoder.decode(data)
            else:
                return len(data)
        except _TooLarge:
            return budget + 1
        except LimitReachedError:
            return budget + 1
        except Exception:  # a reader fails on it as we do: what was decoded is all it gets
            return len(data)
        if len(data) > cap:
            return budget + 1
    return len(data)


def _flate(data: bytes, limit: int, *, keep: bool):
    """Inflate ``data`` a chunk at a time: its size (``keep=False``) or its bytes; ``_TooLarge``
    past ``limit``. A damaged stream ends where the damage starts, as in a reader; one without
    the zlib header is inflated as raw deflate data, as readers (and pypdf) do."""
    result = _inflate(data, limit, keep=keep, window=zlib.MAX_WBITS)
    if result is None:
        result = _inflate(data, limit, keep=keep, window=-zlib.MAX_WBITS)
    return result if result is not None else (b"" if keep else 0)


def _inflate(data: bytes, limit: int, *, keep: bool, window: int):
    """``_flate`` with one kind of header; None when the very first bytes do not inflate."""
    inflater = zlib.decompressobj(window)
    kept, size, pending = [], 0, data
    try:
        while pending:
            chunk = inflater.decompress(pending, INFLATION_CHUNK)
            pending = inflater.unconsumed_tail
            size += len(chunk)
            if size > limit:
                raise _TooLarge
            if keep:
                kept.append(chunk)
            if not chunk and not pending:
                break
            if inflater.eof:
                break
    except zlib.error:
        if size == 0:
            return None
    return b"".join(kept) if keep else size


# --- names ---------------------------------------------------------------------------------


def _check_syntax(syntax: bytes) -> None:
    """The backstop: a forbidden name, or a link's address, anywhere in PDF syntax (stream
    bodies cut out beforehand, object streams decoded), whatever a parser made of the objects
    around it."""
    stream = None
    for match in NAME_TOKEN.finditer(syntax):
        name = match.group(1)
        if b"#" in name:
            name = HEX_ESCAPE.sub(lambda escape: bytes([int(escape.group(1), 16)]), name)
        _refuse_forbidden(name.decode("latin-1"))
        if name == b"URI":
            stream = stream or io.BytesIO(syntax)
            stream.seek(LEADING_WHITESPACE.match(syntax, match.end()).end())
            if syntax[stream.tell() : stream.tell() + 1] not in (b"(", b"<"):
                continue
            try:
                value = read_object(stream, None)
            except Exception:  # noqa: S112 - not a string (a dictionary: the catalogue's base)
                continue
            if isinstance(value, ByteStringObject | TextStringObject):
                _check_link(value)


def _refuse_forbidden(name: str) -> None:
    if code := FORBIDDEN_NAMES.get(name):
        raise UploadRefused(code)


def _check_link(value) -> None:
    if isinstance(value, ByteStringObject):
        text = bytes(value).decode("latin-1")
    elif isinstance(value, TextStringObject):
        text = str(value)
    else:
        raise UploadRefused("pdf_link")
    if not ALLOWED_LINK.match(text.strip()):
        raise UploadRefused("pdf_link")


class _Scan:
    """Walks objects through their direct sub-objects only. References are never followed (each
    indirect object is scanned on its own), so a cycle cannot loop; the total walk is bounded.
    Dictionaries that may be or hold actions are kept for ``check_actions``, which runs once
    every name is known to be allowed."""

    def __init__(self, reader: PdfReader):
        self.reader = reader
        self.nodes = 0
        self.actions: list[DictionaryObject] = []

    def check(self, obj) -> None:
        stack = [obj]
        while stack:
            node = stack.pop()
            self.nodes += 1
            if self.nodes > MAX_PDF_NODES:
                raise UploadRefused("pdf_too_complex")
            if isinstance(node, DictionaryObject):
                if any(key in node for key in ACTION_KEYS):
                    self.actions.append(node)
                stack.extend(node.keys())
                stack.extend(node.values())
            elif isinstance(node, ArrayObject):
                stack.extend(node)
            elif isinstance(node, NameObject):
                _refuse_forbidden(node[1:])

    def check_actions(self) -> None:
        try:
            for node in self.actions:
                self._check_action_dictionary(node)
        except UploadRefused:
            raise
        except Exception as error:
            raise UploadRefused("pdf_damaged") from error

    def _resolved(self, node: DictionaryObject, key: str):
        return _resolve(self.reader, node.raw_get(key)) if key in node else None

    def _check_action_dictionary(self, node: DictionaryObject) -> None:
        if "/URI" in node:
            value = self._resolved(node, "/URI")
            if not isinstance(value, DictionaryObject):  # the catalogue's /URI << /Base >>
                _check_link(value)
        kind = self._resolved(node, "/S")
        if kind == "/Named" and self._resolved(node, "/N") not in PAGE_MOVES:
            raise UploadRefused("pdf_outside_action")
        if kind == "/Thread" and "/F" in node:
            raise UploadRefused("pdf_outside_action")
        if "/OpenAction" in node:
            self._check_automatic([self._resolved(node, "/OpenAction")])
        if "/AA" in node:
            triggers = self._resolved(node, "/AA")
            if isinstance(triggers, DictionaryObject):
                self._check_automatic([_resolve(self.reader, t) for t in triggers.values()])

    def _check_automatic(self, actions: list) -> None:
        """What runs without a click may only move within the document (its /Next included)."""
        seen: set[int] = set()
        while actions:
            action = actions.pop()
            if not isinstance(action, DictionaryObject) or id(action) in seen:
                continue  # a destination array (a move within the document), or met already
            seen.add(id(action))
            kind = self._resolved(action, "/S")
            if kind is not None and kind not in AUTOMATIC_ACTIONS:
                raise UploadRefused("pdf_automatic_action")
            following = self._resolved(action, "/Next")
            if isinstance(following, DictionaryObject):
                actions.append(following)
            elif isinstance(following, ArrayObject):
                actions.extend(_resolve(self.reader, item) for item in following)
