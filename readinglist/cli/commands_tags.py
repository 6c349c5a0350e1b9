"""Tags across the library: list them with their counts, rename, merge and delete."""

from __future__ import annotations

import argparse
from typing import TextIO

from ..library.service import Library
from .output import _dump


def cmd_tags(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    action = getattr(args, "tags_command", None)
    if action == "rename":
        changes = library.rename_tag(args.old, args.new)
        print(f"renamed {args.old!r} to {args.new!r} on {len(changes.changed)} paper(s)",
              file=out)
    elif action == "merge":
        changes = library.merge_tags(args.sources, args.into)
        names = ", ".join(repr(s) for s in args.sources)
        print(f"merged {names} into {args.into!r} on {len(changes.changed)} paper(s)",
              file=out)
    elif action == "delete":
        changes = library.delete_tag(args.name)
        print(f"removed {args.name!r} from {len(changes.changed)} paper(s)", file=out)
    else:
        counts = library.tag_counts()
        if args.json:
            _dump([{"tag": tag, "papers": n} for tag, n in counts.items()], out)
        else:
            for tag, n in counts.items():
                print(f"{n:6}  {tag}", file=out)
            print(f"{len(counts)} tag(s)", file=out)
    return 0
