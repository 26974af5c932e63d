"""Parse untrusted JSON files without letting them cost more than their size.

json.loads builds whatever a file describes: a few megabytes of brackets nest
deep enough to exhaust the stack, and a flat array of millions of zeros turns
into far more memory than its bytes. Both are refused by a linear scan first.
"""

import json
import re

from .results import IngestError

MAX_INFOJSON_BYTES = 20 * 1024 * 1024  # a real info.json with every format is < 2 MB
MAX_JSON_DEPTH = 100  # real files nest about 6 levels deep
MAX_JSON_VALUES = 2_000_000
_STRING_RE = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)


def load_object(data, *, name=""):
    """The JSON object in `data` (bytes or str), or IngestError saying why there is none."""
    if isinstance(data, bytes):
        if len(data) > MAX_INFOJSON_BYTES:
            raise _too_big(len(data), name)
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise IngestError(
                f"the file is not UTF-8 (undecodable byte at position {error.start})", name=name
            ) from None
    elif len(data) > MAX_INFOJSON_BYTES:
        raise _too_big(len(data), name)
    if not data.strip():
        raise IngestError("the file is empty", name=name)
    _check_shape(data, name)
    try:
        info = json.loads(data, parse_constant=lambda _constant: None)
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


def _check_shape(text, name):
    """Refuse JSON bombs before json.loads builds them: deep nesting or millions of values.

    Strings are blanked first so that brackets and commas inside them do not count.
    """
    structure = _STRING_RE.sub('""', text)
    if structure.count(",") > MAX_JSON_VALUES:
        raise IngestError(f"the JSON has more than {MAX_JSON_VALUES:,} values", name=name)
    depth = 0
    for bracket in re.sub(r"[^\[\]{}]+", "", structure):
        depth += 1 if bracket in "[{" else -1
        if depth > MAX_JSON_DEPTH:
            raise IngestError(
                f"the JSON is nested more than {MAX_JSON_DEPTH} levels deep", name=name
            )


def json_type(value):
    names = {dict: "object", list: "array", str: "string", int: "number", float: "number"}
    return "boolean" if isinstance(value, bool) else names.get(type(value), "null")
