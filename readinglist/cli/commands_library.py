"""Commands on the library as a whole: rebuild the search index, say what it holds (and
whether it can be changed). Checks and backups are in commands_maintenance.py."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, TextIO

from .output import _dump, _progress

if TYPE_CHECKING:  # the service is imported by main(), once a library opens
    from ..library.service import Library


def cmd_reindex(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    library.reindex(_progress("indexing"))
    state = library.index_state()
    print(f"search index rebuilt: {state.documents} papers", file=out)
    return 0


def cmd_info(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    state = library.index_state()
    status, tags = library.status_counts(), library.tag_counts()
    data = {
        "library": str(library.folder),
        "read_only": library.read_only_reason,  # why, or null
        "papers": library.count(),
        "status": status,
        "tags": tags,
        "index": {
            "ready": state.ready,
            "documents": state.documents,
            "pending": state.pending,
            "message": state.message,
        },
    }
    if args.json:
        _dump(data, out)
    else:
        print(f"Library: {data['library']}", file=out)
        if library.read_only_reason is not None:
            print(f"Access:  read-only ({library.read_only_reason})", file=out)
        print(
            f"Papers:  {data['papers']} "
            f"({', '.join(f'{k} {v}' for k, v in status.items())})",
            file=out,
        )
        print(f"Tags:    {len(tags)}", file=out)
        print(f"Search:  {state.message}", file=out)
    return 0
