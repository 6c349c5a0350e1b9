"""LaTeX in BibTeX values to plain Unicode text.

pylatexenc is thorough but takes about a millisecond per value, so plain values, and
values whose only LaTeX is accents (names, mostly), take a shortcut that gives the same
text (tests compare the two).
"""

from __future__ import annotations

import functools
import re
import unicodedata

from pylatexenc import latexwalker, macrospec
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

# In a .bib value "%" and "&" are plain characters, but LaTeX reads them as a comment
# start (dropping the rest of the line) and an alignment tab.
_LATEX_SPECIAL = re.compile(r"(?<!\\)([%&])")
_LATEX_MACRO = re.compile(r"\\([A-Za-z]+|.)\s*")
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


def to_text(value: str) -> str:
    """A one-line field as plain Unicode text."""
    return " ".join(latex_to_text(value).split())


def paragraphs(value: str) -> str:
    """Like _text, but blank lines between paragraphs are kept."""
    parts = re.split(r"\n[ \t]*\n", value.strip())
    return "\n\n".join(text for text in map(to_text, parts) if text)


def latex_to_text(value: str) -> str:
    """Plain text of a LaTeX value. pylatexenc is thorough but takes about a millisecond
    per value, so plain values, and values whose only LaTeX is accents (names, mostly),
    take a shortcut that gives the same text (tests compare the two)."""
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


def _simple_latex(value: str) -> str:
    return (
        value.replace("{", "").replace("}", "").replace("~", " ")
        .replace("---", "\u2014").replace("--", "\u2013")
        .replace("``", "\u201c").replace("''", "\u201d")
    )


@functools.lru_cache(maxsize=4096)  # names and venues repeat across a file
def decode_latex(value: str) -> str:
    try:
        text = _decoder().latex_to_text(
            _LATEX_SPECIAL.sub(r"\\\1", value),
            latex_context=_walker_context(),
            tolerant_parsing=True,
        )
    except Exception:  # pylatexenc gives up on some malformed input: degrade, never fail
        text = _simple_latex(_LATEX_MACRO.sub(_escaped_symbol, value))
    return text.replace("\u00a0", " ")


def _escaped_symbol(match: re.Match[str]) -> str:
    r"""``\&`` -> ``&``; a macro name (``\emph``) -> nothing."""
    name = match.group(1)
    return name if len(name) == 1 and not name.isalpha() else ""


@functools.cache
def _decoder() -> LatexNodes2Text:
    context = get_default_latex_context_db()
    context.add_context_category(
        "readinglist-bibtex",
        prepend=True,
        macros=[
            MacroTextSpec("url", simplify_repl="%s"),  # not "<url>"
            MacroTextSpec("href", simplify_repl="%(2)s"),
            *(MacroTextSpec(name, simplify_repl=name) for name in ("TeX", "LaTeX", "BibTeX")),
            # Argument-taking macros pylatexenc would otherwise drop with their text.
            *(MacroTextSpec(name, discard=False) for name in (
                "mbox", "hbox", "texttt", "textsf", "textup", "textmd", "textnormal",
                "textsuperscript", "textsubscript", "ensuremath", "NoCaseChange", "nocase",
                "MakeUppercase", "MakeLowercase", "uppercase", "lowercase",
            )),
        ],
    )
    # Spaces after macros are eaten as LaTeX does ("Stra\\ss e"), but not in math, which
    # would turn "$O(n \\log n)$" into "O(n logn)".
    return LatexNodes2Text(
        latex_context=context, math_mode="text", strict_latex_spaces="except-in-equations"
    )


@functools.cache
def _walker_context() -> macrospec.LatexContextDb:
    context = latexwalker.get_default_latex_context_db()
    context.add_context_category(
        "readinglist-bibtex",
        prepend=True,
        macros=[
            macrospec.MacroSpec("href", "{{"),
            *(macrospec.MacroSpec(name, "{") for name in (
                "textsuperscript", "textsubscript", "NoCaseChange", "nocase",
                "MakeUppercase", "MakeLowercase", "uppercase", "lowercase",
            )),
        ],
    )
    return context
