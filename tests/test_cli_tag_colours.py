"""`readinglist tags` lists each tag's colour (text and --json); `tags colour NAME
COLOUR` (or `color`) sets one, by palette name or #rrggbb, and `--clear` takes it away."""

from __future__ import annotations

import argparse
import io
import json

import pytest

from readinglist import Library
from readinglist.cli import build_parser
from readinglist.cli.commands_tags import add_colour_parser, cmd_tags
from readinglist.domain import ReadinglistError
from readinglist.domain.tag_colours import TAG_PALETTE

RED = TAG_PALETTE["red"]


@pytest.fixture
def tagged(tagged_library: Library) -> Library:
    return tagged_library


def parse(*argv: str) -> argparse.Namespace:
    return build_parser().parse_args(list(argv))


def cli(library: Library, *argv: str) -> str:
    out = io.StringIO()
    assert cmd_tags(library, parse("tags", *argv), out) == 0
    return out.getvalue()


def test_cli_colours_a_tag_lists_it_and_clears_it(tagged):
    lib = tagged
    assert cli(lib, "colour", "llm", "red") == f"'llm' is red ({RED})\n"
    assert cli(lib, "color", "NLP", "#123ABC") == "'NLP' is #123abc\n"  # US spelling
    listed = cli(lib, "--json")
    assert json.loads(listed) == [
        {"tag": "LLM", "papers": 2, "colour": RED},
        {"tag": "NLP", "papers": 2, "colour": "#123abc"},
        {"tag": "vision", "papers": 1, "colour": None}]
    text = cli(lib)
    assert f"     2  LLM  [red {RED}]\n" in text and "     1  vision\n" in text
    assert cli(lib, "colour", "llm", "--clear") == "'llm' has no colour\n"
    assert lib.tag_colours() == {"NLP": "#123abc"}


def test_cli_refuses_a_bad_colour_or_a_colour_with_clear(tagged):
    lib = tagged
    with pytest.raises(ReadinglistError, match="not a colour: 'rouge'"):
        cli(lib, "colour", "llm", "rouge")
    with pytest.raises(ReadinglistError, match="COLOUR or --clear"):
        cli(lib, "colour", "llm", "red", "--clear")
    with pytest.raises(ReadinglistError, match="COLOUR or --clear"):
        cli(lib, "colour", "llm")
    assert lib.tag_colours() == {}


def test_tags_colour_parses_and_every_argument_has_help():
    args = parse("tags", "color", "x", "--clear")
    assert (args.tags_command, args.name, args.colour, args.clear) == ("color", "x", None,
                                                                       True)
    sub = argparse.ArgumentParser().add_subparsers()
    add_colour_parser(sub)
    for action in sub.choices["colour"]._actions:
        assert action.help, action.dest


def test_the_command_line_colours_a_tag(tagged, capsys):
    from readinglist.cli import main

    folder = str(tagged.folder)
    assert main(["--library", folder, "tags", "colour", "llm", "red"]) == 0
    assert main(["--library", folder, "tags", "--json"]) == 0
    out = capsys.readouterr().out
    listed = json.loads(out[out.index("["):])
    assert {t["tag"].casefold(): t["colour"] for t in listed}["llm"] == "#e5534b"
