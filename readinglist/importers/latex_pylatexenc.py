"""pylatexenc, set up for BibTeX values: `decode_latex`, and the names of the macros it
reads (the rest the rewriting pass of latex_text.py must turn into text first).
"""

from __future__ import annotations

import functools
import re

from pylatexenc import latexwalker, macrospec
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

# In a .bib value "%" and "&" are plain characters, but LaTeX reads them as a comment
# start (dropping the rest of the line) and an alignment tab.
_LATEX_SPECIAL = re.compile(r"(?<!\\)([%&])")
_LATEX_MACRO = re.compile(r"\\([A-Za-z]+|.)\s*")


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


def _simple_latex(value: str) -> str:
    return (
        value.replace("{", "").replace("}", "").replace("~", " ")
        .replace("---", "\u2014").replace("--", "\u2013")
        .replace("``", "\u201c").replace("''", "\u201d")
    )


@functools.cache
def _pylatexenc_macros() -> frozenset[str]:
    """Macro names pylatexenc reads (as text, or as syntax whose arguments it parses)."""
    names = {spec.macroname for spec in _decoder().latex_context.iter_macro_specs()}
    names.update(spec.macroname for spec in _walker_context().iter_macro_specs())
    names.update(("begin", "end"))  # environments: the walker's own syntax
    return frozenset(names)


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
