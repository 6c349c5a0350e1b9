"""LaTeX in BibTeX values to plain Unicode text.

pylatexenc is thorough but takes about a millisecond per value, so plain values, and
values whose only LaTeX is accents (names, mostly), take a shortcut that gives the same
text (tests compare the two).

pylatexenc silently drops every macro it does not know, which loses words from titles
(``{\\LuaTeX}``, ``\\Dash``, a file's own ``@preamble`` macros). So before it runs, one
rewriting pass (`LatexDecoder`) expands the file's ``@preamble`` macros, turns the TeX
logos and typographic macros of the tables in latex_macros.py into text, drops sorting
tricks such as ``\\noopsort{1973b}``, and keeps the name of any macro nobody knows as a
word (counted in `LatexDecoder.unknown`). What is left is LaTeX pylatexenc knows.

The reading of a file's @preamble is in latex_preamble.py, pylatexenc's setup in
latex_pylatexenc.py, the TeX syntax both this pass and the preamble reader parse in
latex_syntax.py.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Mapping

from .latex_macros import _BUILT_IN as _BUILT_IN  # re-exported: the tests check the tables
from .latex_macros import (
    _CHARACTERS,
    _CONTROL_SYMBOLS,
    _DIMENSION,
    _DROPPED_WITH_ARGUMENT,
    _LOGOS,
    _NO_TEXT,
    _TEMPLATES,
    _VERBATIM,
    _WITH_DIMENSION,
)
from .latex_preamble import _call, _Macro, _read_preamble
from .latex_pylatexenc import _pylatexenc_macros, _simple_latex, decode_latex
from .latex_syntax import _CONTROL, _argument, _group, _skip_spaces, _substitute

# Accent commands and letters for latex_to_text's shortcut: {\"o}, \"{o}, \'e, \c{c},
# \v C, \'{\i}; then \ss, \o, \& and friends.
_COMBINING = {
    '"': "\u0308", "'": "\u0301", "`": "\u0300", "^": "\u0302", "~": "\u0303",
    "=": "\u0304", ".": "\u0307", "u": "\u0306", "v": "\u030c", "H": "\u030b",
    "c": "\u0327", "k": "\u0328", "r": "\u030a", "d": "\u0323", "b": "\u0331",
}  # fmt: skip
_ACCENT_BASE = r"\\[ij](?![A-Za-z])|[A-Za-z]"
_ACCENTED = re.compile(
    r"\\(?:([\"'`^~=.])|([uvHckrdb])(?=[\s{])\s*)"
    rf"(?:\{{\s*({_ACCENT_BASE})\s*\}}|({_ACCENT_BASE}))"
)
_SYMBOLS = {
    "ss": "ß", "o": "ø", "O": "Ø", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ", "aa": "å",
    "AA": "Å", "l": "ł", "L": "Ł", "i": "ı", "j": "ȷ", "&": "&", "%": "%", "_": "_", "#": "#",
}  # fmt: skip
_SYMBOL = re.compile(r"\\(ss|ae|AE|oe|OE|aa|AA|[oOlLij])(?![A-Za-z])(?:\{\}|[ \t]*)|\\([&%_#])")


# --- bounds on a file's own macros ---------------------------------------------------
# A @preamble macro may call itself (\newcommand{\a}{\a\a}); TeX would loop or run out
# of memory. Expansions per value are capped (which caps their nesting depth too), and
# so is the length they may grow a value to; past either the value is decoded with the
# file's macros unexpanded, their names kept as words.
_MAX_EXPANSIONS = 200
_MAX_EXPANDED_LENGTH = 20_000

# Text this module puts into a value (a logo, a verbatim argument) must reach the end
# unchanged, so LaTeX's special characters in it travel as private-use stand-ins.
_SPECIAL_CHARACTERS = "\\{}$%&#_^~-'`\""
_PROTECT = str.maketrans({c: chr(0xF0000 + i) for i, c in enumerate(_SPECIAL_CHARACTERS)})
_UNPROTECT = str.maketrans({chr(0xF0000 + i): c for i, c in enumerate(_SPECIAL_CHARACTERS)})

_ENDS_PHRASE = frozenset(".,;:!?)]}")


class LatexDecoder:
    """Decodes the LaTeX in one file's values, with the macros of its ``@preamble``.

    ``unknown`` counts, by name without the backslash, each macro it met and could not
    read (kept in the text as its name), so a caller can warn once per name.
    """

    def __init__(self, preamble: str = "") -> None:
        self.unknown: dict[str, int] = {}
        self._macros = _read_preamble(preamble)
        # Results depend on this file's macros, so they are cached here, not module-wide.
        self._cache: dict[tuple[str, bool], tuple[str, tuple[str, ...]]] = {}

    def text(self, value: str) -> str:
        """A one-line field as plain Unicode text."""
        return " ".join(self.latex_to_text(value).split())

    def paragraphs(self, value: str) -> str:
        """Like `text`, but blank lines between paragraphs are kept."""
        parts = re.split(r"\n[ \t]*\n", value.strip())
        return "\n\n".join(text for text in map(self.text, parts) if text)

    def latex_to_text(self, value: str) -> str:
        """Plain text of a LaTeX value, its whitespace as decoded."""
        if "\\" not in value:  # by far the most values: nothing to expand or count
            return decode_latex(value) if "$" in value else _simple_latex(value)
        return self._convert(value, year=False)

    def year_text(self, value: str) -> str:
        """A year field's text, its dashes left as written ("1968--90" stays so)."""
        return " ".join(self._convert(value, year=True).split())

    def _convert(self, value: str, *, year: bool) -> str:
        if self._macros:
            key = (value, year)
            result = self._cache.get(key)
            if result is None:
                if len(self._cache) >= 4096:  # names and venues repeat; keep it bounded
                    del self._cache[next(iter(self._cache))]
                result = self._cache[key] = _convert(value, self._macros, year)
        else:
            result = _convert_plain(value, year)
        text, unknown = result
        for name in unknown:
            self.unknown[name] = self.unknown.get(name, 0) + 1
        return text


def to_text(value: str) -> str:
    """A one-line field as plain Unicode text."""
    return " ".join(latex_to_text(value).split())


def paragraphs(value: str) -> str:
    """Like to_text, but blank lines between paragraphs are kept."""
    parts = re.split(r"\n[ \t]*\n", value.strip())
    return "\n\n".join(text for text in map(to_text, parts) if text)


def latex_to_text(value: str) -> str:
    """Plain text of a LaTeX value, without any file's @preamble macros."""
    if "\\" not in value:
        return decode_latex(value) if "$" in value else _simple_latex(value)
    return _convert_plain(value, False)[0]


def year_text(value: str, decoder: LatexDecoder | None = None) -> str:
    """The text of a year field, with `decoder`'s macros: sorting tricks dropped
    ("{\\noopsort{1973b}}1973" -> "1973"), dashes kept as written for parsing."""
    if decoder is not None:
        return decoder.year_text(value)
    return " ".join(_convert_plain(value, True)[0].split())


@functools.lru_cache(maxsize=4096)  # names and venues repeat across a file
def _convert_plain(value: str, year: bool) -> tuple[str, tuple[str, ...]]:
    return _convert(value, {}, year)


def _convert(value: str, macros: Mapping[str, _Macro], year: bool) -> tuple[str, tuple[str, ...]]:
    """Text of `value` and the unknown macro names met, in order."""
    unknown: list[str] = []
    rewritten = _rewrite(value, macros, unknown)
    if rewritten is None:  # the file's macros would not stop growing: leave them be
        unknown.clear()
        plain = _rewrite(value, {}, unknown)
        rewritten = value if plain is None else plain  # None comes from a file's macros only
    if not year:
        text = _known_latex_to_text(rewritten)
    elif "\\" in rewritten or "$" in rewritten:
        text = decode_latex(rewritten).replace("\u2014", "---").replace("\u2013", "--")
    else:
        text = rewritten.replace("{", "").replace("}", "").replace("~", " ")
    return text.translate(_UNPROTECT), tuple(unknown)


def _known_latex_to_text(value: str) -> str:
    """Text of LaTeX whose macros are all pylatexenc's: the shortcut when it applies."""
    if "\\" in value:
        value_without_accents = _ACCENTED.sub(_accented, value)
        value_without_accents = _SYMBOL.sub(_symbol, value_without_accents)
        if "\\" in value_without_accents or "$" in value:
            return decode_latex(value)
        return _simple_latex(value_without_accents)
    if "$" in value:
        return decode_latex(value)
    return _simple_latex(value)


def _accented(match: re.Match[str]) -> str:
    mark = _COMBINING[match.group(1) or match.group(2)]
    base = match.group(3) or match.group(4)
    base = base[1] if base.startswith("\\") else base  # \"{\i}: the accent replaces the dot
    return unicodedata.normalize("NFC", base + mark)


def _symbol(match: re.Match[str]) -> str:
    return _SYMBOLS[match.group(1) or match.group(2)]


# --- the rewriting pass ----------------------------------------------------------------


def _rewrite(value: str, macros: Mapping[str, _Macro], unknown: list[str]) -> str | None:
    """`value` with the file's macros expanded and every macro pylatexenc does not know
    replaced by text; None when the file's macros exceed the expansion bounds."""
    known = _pylatexenc_macros()
    out: list[str] = []
    rest, pos = value, 0
    expansions = 0
    after_macro = False  # the last thing put out is a macro pylatexenc will read
    while True:
        match = _CONTROL.search(rest, pos)
        between = rest[pos : match.start() if match else len(rest)]
        if after_macro and between[:1].isalpha():
            out.append("{}")  # "\ss\relax e" -> "\ss{}e", not the macro "\sse"
        out.append(between)
        if match is None:
            break
        if between.strip():
            after_macro = False
        name, end = match.group(1), match.end()
        if name is None:  # a control symbol: \&, \", \\ ...
            symbol = match.group(2)
            out.append(_CONTROL_SYMBOLS.get(symbol, match.group(0)))
            after_macro = False
            pos = end
            continue

        replacement: str | None = None
        if name in macros:
            replacement, end = _call(macros[name], rest, end)
            if replacement is not None:
                # Only a file's macros can recurse; the built-in ones never call themselves.
                expansions += 1
                size = sum(map(len, out)) + len(replacement) + len(rest) - end
                if expansions > _MAX_EXPANSIONS or size > _MAX_EXPANDED_LENGTH + len(value):
                    return None
        elif name in _TEMPLATES and (
            name not in _LOGOS or rest.startswith("{", _skip_spaces(rest, end))
        ):
            replacement, end = _fill(_TEMPLATES[name], rest, end)
        elif name == "accent":
            replacement, end = _accent(rest, end)
        if replacement is not None:
            rest, pos = replacement + rest[end:], 0
            continue

        if name in _DROPPED_WITH_ARGUMENT:
            pos = _argument(rest, end)[1]
            continue
        if name in _LOGOS:
            pos, space = _after_logo(rest, end)
            text = _LOGOS[name] + space
        elif name in _CHARACTERS:
            text = _CHARACTERS[name]
            pos = _after_word(rest, end)
        elif name in _VERBATIM:
            text, pos = _verbatim(rest, end)
        elif name == "char":
            text, pos = _char(rest, end)
        elif name in _WITH_DIMENSION:
            dimension = _DIMENSION.match(rest, end)
            pos = dimension.end() if dimension else end
            continue
        elif name in _NO_TEXT:
            pos = _skip_spaces(rest, end)
            continue
        elif name in known:
            out.append(match.group(0))
            after_macro = True
            pos = end
            if name == "url":  # its "~" is a character, not a tie
                group, group_end = _group(rest, _skip_spaces(rest, end))
                if group is not None:
                    out.append("{" + group.replace("~", "~".translate(_PROTECT)) + "}")
                    after_macro = False
                    pos = group_end
            continue
        else:
            unknown.append(name)
            text, pos = _unknown(name, rest, end)
        text = text.translate(_PROTECT)
        # Right after a macro pylatexenc reads ("\emph\TeX"), the text is its argument.
        out.append("{" + text + "}" if after_macro and text else text)
        after_macro = False
    return "".join(out)


def _unknown(name: str, rest: str, end: int) -> tuple[str, int]:
    r"""An unknown macro reads as its name, a word of its own: "\Foo bar" and
    "\Foo{bar}" -> "Foo bar"; "{\Foo}bar" and "\Foo{}bar" -> "Foobar"."""
    if rest.startswith("{}", end):
        return name, end + 2
    after = _skip_spaces(rest, end)
    if after > end or rest.startswith("{", after):
        return name + " ", after
    return name, end


def _after_logo(rest: str, end: int) -> tuple[int, str]:
    """Where the text after a logo starts (past "{}" or the spaces after it), and the
    space to keep (see _LOGOS)."""
    if rest.startswith("{}", end):
        return end + 2, ""
    after = _skip_spaces(rest, end)
    if after == end:
        return end, ""
    if after == len(rest) or rest[after].islower() or rest[after] in _ENDS_PHRASE:
        return after, ""
    return after, " "


def _after_word(rest: str, end: int) -> int:
    """Past the spaces TeX eats after a control word, and an empty group."""
    end = _skip_spaces(rest, end)
    return end + 2 if rest.startswith("{}", end) else end


_Template = tuple[int, str | Callable[[list[str]], str]]


def _fill(template: _Template, rest: str, end: int) -> tuple[str, int]:
    """The text of a _TEMPLATES macro called at `end` (after its name)."""
    count, body = template
    args: list[str] = []
    for _ in range(count):
        arg, end = _argument(rest, end)
        args.append(arg)
    if callable(body):
        return body(args), end
    return _substitute(body, args), end


def _verbatim(rest: str, end: int) -> tuple[str, int]:
    r"""\path|...|, \verb*+...+, \path{...}: the argument exactly as written."""
    if rest.startswith("*", end):
        end += 1
    group, group_end = _group(rest, end)
    if group is not None:
        return group, group_end
    if end >= len(rest):
        return "", end
    close = rest.find(rest[end], end + 1)
    if close < 0:
        return rest[end + 1 :], len(rest)
    return rest[end + 1 : close], close + 1


_CHAR_CODE = re.compile(r"\s*(?:(\d+)|\"([0-9A-Fa-f]+)|'([0-7]+)|`\\?(.)) ?", re.DOTALL)


def _char(rest: str, end: int) -> tuple[str, int]:
    r"""\char92, \char"5C, \char'134, \char`\\: the character."""
    code, end = _char_code(rest, end)
    return (chr(code) if code is not None and 32 <= code < 0x110000 else ""), end


def _char_code(rest: str, end: int) -> tuple[int | None, int]:
    """A TeX character code (decimal, "hex, 'octal or `character) and where it ends."""
    match = _CHAR_CODE.match(rest, end)
    if match is None:
        return None, end
    decimal, hexadecimal, octal, literal = match.groups()
    if literal is not None:
        return ord(literal), match.end()
    code = int(decimal) if decimal else int(hexadecimal, 16) if hexadecimal else int(octal, 8)
    return code, match.end()


# The accents of TeX's OT1 fonts by character code, as the LaTeX accent macros.
_ACCENT_CODES = {
    18: "`", 19: "'", 20: "v", 21: "u", 22: "=", 23: "r", 24: "c", 94: "^", 95: ".",
    125: "H", 126: "~", 127: '"',
}  # fmt: skip


def _accent(rest: str, end: int) -> tuple[str, int]:
    r"""The primitive \accent'27u as the LaTeX accent it draws (\r{u})."""
    code, end = _char_code(rest, end)
    letter, end = _argument(rest, end)
    accent = _ACCENT_CODES.get(code) if code is not None else None
    return (f"\\{accent}{{{letter}}}" if accent else f"{{{letter}}}"), end
