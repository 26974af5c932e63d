"""Structured logs: one JSON object per line, for Django, the worker and gunicorn alike.

Log collectors (journald, Docker, a hosted service) then read fields instead of
parsing free text. gunicorn's access log passes its request atoms as the record's
arguments; they become method/path/status/duration fields here, so a request
line has the same shape whichever process wrote it.
"""

import json
import logging
from collections.abc import Mapping
from datetime import UTC, datetime


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "pid": record.process,
        }
        if record.name == "gunicorn.access" and isinstance(record.args, Mapping):
            entry.update(self._access_fields(record.args))
        else:
            entry["message"] = record.getMessage()
        request = getattr(record, "request", None)
        if request is not None and hasattr(request, "method"):
            # django.request and django.security records carry the request.
            entry.update(method=request.method, path=request.path)
        if hasattr(record, "status_code"):
            entry["status"] = record.status_code
        if record.exc_info:
            entry["error"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)

    @staticmethod
    def _access_fields(atoms):
        def text(key):
            # gunicorn escapes double quotes for its quoted text format; JSON escapes its own.
            return str(atoms[key]).replace('\\"', '"')

        return {
            "message": "request",
            "method": atoms["m"],
            "path": text("U"),
            "query": text("q"),
            "status": int(atoms["s"]),
            "duration_ms": round(atoms["D"] / 1000, 1),
            "bytes": atoms["B"],
            "remote_addr": atoms["h"],
            "user_agent": text("a"),
        }
