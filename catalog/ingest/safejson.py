"""Parse untrusted JSON files without letting them cost more than their size.

json.loads builds whatever a file describes: a flat array of millions of empty
objects turns into far more memory than its bytes (25 times as much), and
deep nesting makes a structure no code should have to walk. A large file is
therefore scanned first and refused with more than MAX_JSON_VALUES values or
more than MAX_JSON_DEPTH levels.

A file up to SCAN_ABOVE is parsed without the scan, which costs half a parse
and is paid by every file of a bulk import: it holds at most 25 MiB of values,
json.loads refuses nesting beyond its own limit (about 10,000 levels) with a
RecursionError instead of exhausting the stack, and nothing after the parse
recurses into the values (the raw copy is cut at six levels, see rawinfo).
"""

import json
import re

from .results import IngestError

MAX_INFOJSON_BYTES = 20 * 1024 * 1024  # a real info.json with every format is < 2 MB
MAX_JSON_DEPTH = 100  # real files nest about 6 levels deep
MAX_JSON_VALUES = 2_000_000
SCAN_ABOVE = 1024 * 1024  # bytes; smaller files cannot hold a harmful number of values
_ESCAPE_RE = re.compile(rb"\\.", re.DOTALL)
_BRACKETS = bytes.maketrans(b"[{]}", b"(())")
_NOT_STRUCTURE = bytes(sorted(set(range(256)) - set(b'[]{}",')))


def load_object(data, *, name=""):
    """The JSON object in `data` (bytes or str), or IngestError saying why there is none."""
    if len(data) > MAX_INFOJSON_BYTES:
        raise _too_big(len(data), name)
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise IngestError(
                f"the file is not UTF-8 (undecodable byte at position {error.start})", name=name
            ) from None
    else:
        text = data
    if not text.strip():
        raise IngestError("the file is empty", name=name)
    if len(data) > SCAN_ABOVE:
        if isinstance(data, str):
            data = data.encode("utf-8", "surrogatepass")  # the scan reads bytes
        _check_shape(data, name)
    try:
        info = json.loads(text, parse_constant=lambda _constant: None)
    except json.JSONDecodeError as error:
        raise IngestError(
            f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}", name=name
        ) from None
    except RecursionError:
        raise IngestError("the JSON is nested too deeply", name=name) from None
    if not isinstance(info, dict):
        raise IngestError(
            f"the file holds a JSON {json_type(info)}, not an object: not a yt-dlp .info.json",
            name=name,
        )
    return info


def _too_big(size, name):
    return IngestError(
        f"the file is {size:,} bytes; an .info.json has at most {MAX_INFOJSON_BYTES:,}", name=name
    )


def _check_shape(data, name):
    """Refuse JSON bombs before json.loads builds them: deep nesting or millions of values.

    Brackets and commas inside strings do not count. The scan runs at C speed
    (bytes.translate, split, replace) because it is paid by every file: a
    Python loop per character cost more than the parse it protects.
    """
    structure = _structure(data)
    if structure.count(b",") > MAX_JSON_VALUES:
        raise IngestError(f"the JSON has more than {MAX_JSON_VALUES:,} values", name=name)
    if _nested_deeper_than(structure.translate(None, b","), MAX_JSON_DEPTH):
        raise IngestError(f"the JSON is nested more than {MAX_JSON_DEPTH} levels deep", name=name)


def _structure(data):
    """The brackets (as "(" and ")") and commas of JSON text that are outside its strings."""
    if b"\\" in data:
        data = _ESCAPE_RE.sub(b"", data)  # so that an escaped quote does not end its string
    # Most strings hold no bracket or comma and shrink to "": dropping those first leaves
    # few parts to split. Quotes alternate open, close, so an adjacent pair encloses nothing.
    kept = data.translate(_BRACKETS, _NOT_STRUCTURE).replace(b'""', b"")
    return b"".join(kept.split(b'"')[::2])  # odd parts lie between a pair of quotes


def _nested_deeper_than(brackets, limit):
    # Each pass removes the innermost pairs, so n passes empty brackets nested n deep.
    for _level in range(limit):
        inner = brackets.replace(b"()", b"")
        if len(inner) == len(brackets):
            return False
        brackets = inner
    return b"()" in brackets


def json_type(value):
    names = {dict: "object", list: "array", str: "string", int: "number", float: "number"}
    return "boolean" if isinstance(value, bool) else names.get(type(value), "null")
