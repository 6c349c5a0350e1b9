"""Tags across the library: list them with their counts and colours, rename, merge,
delete and colour them."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any, TextIO

from ..domain import ReadinglistError
from ..domain.tag_colours import TAG_PALETTE, colour_name
from .output import _dump

if TYPE_CHECKING:  # the service is imported by main(), once a library opens
    from ..library.service import Library

COLOUR_ACTIONS = ("colour", "color")  # the second: the same action, spelt the US way


def add_colour_parser(tags: Any) -> None:
    """`tags colour NAME COLOUR` and `tags colour NAME --clear` (alias `color`), added
    to the `tags` command's subparsers (`tags`: its add_subparsers() action)."""
    names = ", ".join(TAG_PALETTE)
    t = tags.add_parser("colour", aliases=["color"],
                        help="give a tag a colour (shown in the app), or --clear it")
    t.add_argument("name", help="the tag (compared without case)")
    t.add_argument("colour", nargs="?", metavar="COLOUR",
                   help=f"#rrggbb or one of {names}")
    t.add_argument("--clear", action="store_true", help="take the tag's colour away")


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
    elif action in COLOUR_ACTIONS:
        return _colour(library, args, out)
    else:
        tags = library.tags()
        if args.json:
            _dump([{"tag": t.name, "papers": t.papers, "colour": t.colour} for t in tags],
                  out)
        else:
            for t in tags:
                print(f"{t.papers:6}  {t.name}{_colour_text(t.colour)}", file=out)
            print(f"{len(tags)} tag(s)", file=out)
    return 0


def _colour(library: Library, args: argparse.Namespace, out: TextIO) -> int:
    if args.clear == (args.colour is not None):
        raise ReadinglistError("give the tag a COLOUR or --clear its colour (one of them)")
    library.set_tag_colour(args.name, None if args.clear else args.colour)
    colour = library.tag_colours_of([args.name])[args.name]
    if colour is None:
        print(f"{args.name!r} has no colour", file=out)
    else:
        name = colour_name(colour)
        print(f"{args.name!r} is {name} ({colour})" if name else
              f"{args.name!r} is {colour}", file=out)
    return 0


def _colour_text(colour: str | None) -> str:
    """What follows a tag's name: '  [red #e5534b]' (nothing for no colour)."""
    if colour is None:
        return ""
    name = colour_name(colour)
    return f"  [{name} {colour}]" if name else f"  [{colour}]"
