"""Readinglist's own JSON: every paper whole (status history, tags, notes, annotations,
attachments, full text), so that importing the file into an empty library gives back the
same library. Read back by importers/readinglist_json.py."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from ..importers.readinglist_json import MAGIC, VERSION


def dump(snapshots: Iterable[dict[str, Any]], exported: datetime) -> str:
    document = {
        "format": MAGIC,
        "version": VERSION,
        "exported": exported.isoformat(),
        "papers": list(snapshots),
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
