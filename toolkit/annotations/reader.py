"""Reading a Label Studio JSON export as a stream of tasks, whatever shape the file is in.

Three parsers, tried in order (:data:`PARSERS`): the C JSON decoder on 4 MB chunks of plain, valid
JSON (about twice as fast as ijson); ijson with a cheap estimate of the nesting depth; ijson event
by event with a hard depth limit. Anything the first cannot read exactly raises :class:`Reparse`
and the import starts again with the next, whose messages say what is wrong with the file.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

import ijson

from toolkit.errors import ToolkitError

HOW_TO_EXPORT = (
    "export the project as JSON (Label Studio: Export > JSON, or `toolkit ls pull`), the full format with "
    "annotations, not JSON_MIN, CSV, TSV or CONLL2003"
)

_CONLL_LINE = re.compile(rb"^(-DOCSTART-(\s.*)?|\S+ -X- \S+ \S+)\r?$")
# (name, test on the first 4 KB) of files that are not a full JSON export; declared, tried in order.
_OTHER_FORMATS: tuple[tuple[str, Callable[[bytes], bool]], ...] = (
    ("gzip-compressed", lambda h: h.startswith(b"\x1f\x8b")),
    ("zip archive", lambda h: h.startswith(b"PK\x03\x04")),
    ("UTF-32 text", lambda h: h.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff"))),
    ("UTF-16 text", lambda h: h.startswith((b"\xff\xfe", b"\xfe\xff"))),
    # Text formats, by their structure (a JSON list is recognised first: an article may hold any of these strings).
    ("a CONLL2003 export", lambda h: bool(_CONLL_LINE.match(h.lstrip().split(b"\n", 1)[0]))),
    ("a TSV export", lambda h: b"\t" in h.split(b"\n", 1)[0] and not h.lstrip().startswith(b"{")),
    ("a CSV export", lambda h: b"," in h.split(b"\n", 1)[0] and not h.lstrip().startswith(b"{")),
)
_BINARY = 4  # the first four formats are recognised by their leading bytes, before anything else
_FIXES = {
    "gzip-compressed": "decompress it first (gunzip)",
    "zip archive": "unpack it first",
    "UTF-32 text": "convert it to UTF-8 (iconv -f UTF-32 -t UTF-8) or",
    "UTF-16 text": "convert it to UTF-8 (iconv -f UTF-16 -t UTF-8) or",
}


def packed_format(head: bytes) -> str | None:
    """What a file is when its first bytes say it is compressed or not UTF-8 text, with how to fix it
    ("gzip-compressed: decompress it first (gunzip)"); None otherwise."""
    for name, test in _OTHER_FORMATS[:_BINARY]:
        if test(head):
            return f"{name}: {_FIXES[name].removesuffix(' or')}"
    return None


def sniff_format(head: bytes) -> str | None:
    """The name of the format of a file that is not a full JSON export (None if it may be one)."""
    body = head[3:] if head.startswith(b"\xef\xbb\xbf") else head
    first = body.lstrip()[:1]
    for k, (name, test) in enumerate(_OTHER_FORMATS):
        if k == _BINARY and first == b"[":
            return None
        if test(body):
            return name
    return None if first == b"[" else "a JSON object" if first == b"{" else "not JSON"


def open_stream(path: Path) -> IO[bytes]:
    try:
        fh = path.open("rb")
    except OSError as exc:
        raise ToolkitError(f"{path}: cannot read the export ({exc.strerror})") from exc
    head = fh.read(4096)
    if not head.strip():
        fh.close()
        raise ToolkitError(f"{path}: the file is empty; export the project again (toolkit ls pull)")
    other = sniff_format(head)
    if other is not None:
        fh.close()
        fix = _FIXES.get(other, "")
        raise ToolkitError(
            f"{path}: {other}, not a Label Studio JSON export (a list of tasks starting with '['); "
            + (f"{fix} " if fix else "")
            + HOW_TO_EXPORT
        )
    fh.seek(3 if head.startswith(b"\xef\xbb\xbf") else 0)
    return fh


def json_min_task(task: object) -> bool:
    """A task of a JSON_MIN export: a flat record (data fields, label values) without ``data``/``annotations``."""
    return isinstance(task, dict) and "data" not in task and "annotations" not in task and "predictions" not in task


MAX_DEPTH = 64  # a Label Studio export nests about 6 levels deep
_SUSPICIOUS = 1000  # net open brackets seen in the raw bytes before the exact parser takes over
_CHUNK = 8192


class Reparse(Exception):
    """The current parser cannot read this file exactly: read it again with the next, more careful one."""


class _DeepNesting(Reparse):
    """The byte-level estimate of the nesting depth is suspiciously high: re-read with the exact parser."""


class _NotPlain(Reparse):
    """The file is not plain, well-formed JSON: let ijson read it (and report what is wrong)."""


_PLAIN_CHUNK = 1 << 22
_NON_WS = re.compile(r"[^ \t\r\n]")


def _no_constants(name: str) -> object:
    raise ValueError(f"{name} is not JSON")


def _may_be_cut(exc: json.JSONDecodeError, buf: str) -> bool:
    """Could this error come from the buffer ending mid-value (rather than from bad JSON)?"""
    return exc.msg.startswith("Unterminated string") or exc.pos >= len(buf) - 12


def _plain_items(fh: IO[bytes]) -> Iterator[object]:
    """Top-level items of a well-formed JSON list, read in 4 MB chunks with the C JSON decoder.

    About twice as fast as ijson. It only reads plain, valid JSON: anything else (a syntax error,
    invalid UTF-8, NaN, very deep nesting, junk after the list) raises :class:`_NotPlain`, and the
    import starts again with ijson, whose messages say what is wrong.
    """
    try:
        yield from _plain_items_unchecked(fh)
    except (ValueError, RecursionError) as exc:  # JSONDecodeError and UnicodeDecodeError are ValueErrors
        raise _NotPlain from exc


def _plain_items_unchecked(fh: IO[bytes]) -> Iterator[object]:
    decode = codecs.getincrementaldecoder("utf-8")().decode
    scan = json.JSONDecoder(parse_constant=_no_constants).raw_decode
    buf, pos = "", 0
    state = "start"  # start | first | after_value | after_comma | done
    while True:
        found = _NON_WS.search(buf, pos)
        while found is None:
            data = fh.read(_PLAIN_CHUNK)
            if not data:
                decode(b"", final=True)
                if state == "done":
                    return
                raise _NotPlain  # the list never ends: truncated
            buf, pos = decode(data), 0
            found = _NON_WS.search(buf)
        pos = found.start()
        char = buf[pos]
        if state == "done":
            raise _NotPlain  # something after the list
        if state == "start":
            if char != "[":
                raise _NotPlain
            state, pos = "first", pos + 1
            continue
        if char == "]" and state != "after_comma":
            state, pos = "done", pos + 1
            continue
        if state == "after_value":
            if char != ",":
                raise _NotPlain
            state, pos = "after_comma", pos + 1
            continue
        size = _PLAIN_CHUNK
        while True:
            try:
                item, pos = scan(buf, pos)
                break
            except json.JSONDecodeError as exc:
                data = fh.read(size) if _may_be_cut(exc, buf) else b""
                if not data:
                    raise _NotPlain from exc
                buf, pos, size = buf[pos:] + decode(data), 0, size * 2
        state = "after_value"
        yield item


class _DepthEstimate:
    """A file wrapper that counts brackets in the raw bytes it hands to the parser.

    ijson keeps a prefix string per nesting level, so an absurdly nested file costs memory quadratic in
    its depth. Brackets inside strings make this only an estimate, so exceeding it does not fail the
    import: the caller re-reads the file with :func:`_exact_items`, which tracks the real depth.
    """

    def __init__(self, fh: IO[bytes]) -> None:
        self.fh = fh
        self.depth = 0

    def read(self, size: int = -1) -> bytes:
        if size == 0:  # ijson probes the stream type with read(0)
            return b""
        data = self.fh.read(min(size, _CHUNK) if size > 0 else _CHUNK)
        self.depth += data.count(b"[") + data.count(b"{") - data.count(b"]") - data.count(b"}")
        if self.depth > _SUSPICIOUS:
            raise _DeepNesting
        return data


def _exact_items(fh: IO[bytes], path: Path, what: str = "a Label Studio export") -> Iterator[object]:
    """Top-level items, built event by event with a hard limit on the nesting depth (slower, exact)."""
    from ijson.common import ObjectBuilder

    depth = 0
    builder: ObjectBuilder | None = None
    for event, value in ijson.basic_parse(fh, use_float=True):
        if event in ("start_map", "start_array"):
            depth += 1
            if depth > MAX_DEPTH:
                raise ToolkitError(f"{path}: JSON nested more than {MAX_DEPTH} levels deep; not {what}")
            if depth == 2:
                builder = ObjectBuilder()
        elif event in ("end_map", "end_array"):
            depth -= 1
            if depth == 1 and builder is not None:
                builder.event(event, value)
                yield builder.value
                builder = None
                continue
        if builder is not None:
            builder.event(event, value)
        elif depth == 1 and event != "start_array":
            yield value


def tasks(path: Path, fh: IO[bytes], parser: str) -> Iterator[object]:
    try:
        if parser == "plain":
            yield from _plain_items(fh)
        elif parser == "exact":
            yield from _exact_items(fh, path)
        else:
            yield from ijson.items(_DepthEstimate(fh), "item", use_float=True, buf_size=_CHUNK)
    except ijson.JSONError as exc:
        detail = (str(exc).splitlines() or ["parse error"])[0].strip()
        raise ToolkitError(
            f"{path}: not valid JSON ({detail}); the export is truncated or corrupted, pull it again"
        ) from None
    except UnicodeDecodeError as exc:
        raise ToolkitError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start}); pull the export again") from None


PARSERS = ("plain", "stream", "exact")
"""Tried in order: the C decoder on plain JSON, then ijson with a depth estimate, then ijson event by event."""


def json_list_items(path: Path, what: str) -> Iterator[object]:
    """The items of a file holding one JSON list, streamed (memory of one item): the fast parser, and from the
    item where it cannot go on, the exact one (its errors say what is wrong; nesting deeper than
    :data:`MAX_DEPTH` is refused). ``what`` names the kind of file in messages ("a span-JSON corpus")."""
    read = 0
    try:
        with _opened(path) as fh:
            for item in _plain_items(fh):
                read += 1
                yield item
        return
    except Reparse:
        pass
    try:
        with _opened(path) as fh:
            for k, item in enumerate(_exact_items(fh, path, what), 1):
                if k > read:
                    yield item
    except ijson.JSONError as exc:
        detail = (str(exc).splitlines() or ["parse error"])[0].strip()
        if "premature EOF" in detail or "Incomplete" in detail:
            raise ToolkitError(
                f"{path}: the JSON ends inside item {read + 1}, before the list closes: the file is truncated or "
                f"cut off; not {what}"
            ) from None
        raise ToolkitError(f"{path}: not valid JSON after item {read} ({detail}); not {what}") from None
    except UnicodeDecodeError as exc:
        raise ToolkitError(f"{path}: not UTF-8 ({exc.reason} at byte {exc.start}); save it as UTF-8") from None


def _opened(path: Path) -> IO[bytes]:
    try:
        fh = Path(path).open("rb")  # noqa: SIM115 - returned open; the caller closes it (with-block)
    except OSError as exc:
        raise ToolkitError(f"{path}: cannot read ({exc.strerror})") from exc
    fh.seek(3 if fh.read(3) == b"\xef\xbb\xbf" else 0)
    return fh
