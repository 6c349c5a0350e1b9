"""LaTeX in BibTeX values to plain Unicode text.

pylatexenc is thorough but takes about a millisecond per value, so plain values, and
values whose only LaTeX is accents (names, mostly), take a shortcut that gives the same
text (tests compare the two).

pylatexenc silently drops every macro it does not know, which loses words from titles
(``{\\LuaTeX}``, ``\\Dash``, a file's own ``@preamble`` macros). So before it runs, one
rewriting pass (`LatexDecoder`) expands the file's ``@preamble`` macros, turns the TeX
logos and typographic macros of the table below into text, drops sorting tricks such as
``\\noopsort{1973b}``, and keeps the name of any macro nobody knows as a word (counted in
`LatexDecoder.unknown`). What is left is LaTeX pylatexenc knows.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass

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


# --- the macros the decoder knows beyond pylatexenc -------------------------------------
# One table, gathered from TeX Live's tugboat.def, texnames.sty and bibnames.sty (the
# macros of Beebe's TeX bibliographies, tugboat.bib and friends), LaTeX, and biblatex.
# Each name sits in one group (but \tubissue, see _TEMPLATES); a file's @preamble cannot
# redefine them, since its definitions say how to draw a logo, not what it reads as.

# Logos and other macros that stand for words. A space after one is kept before a capital
# or digit ("\TeX Users" -> "TeX Users", which TeX itself would run together) but eaten
# before a lower-case letter, as TeX does and as files rely on ("\TeX nische" ->
# "TeXnische", "\MF ware").
_LOGOS: dict[str, str] = {
    "TeX": "TeX", "tex": "TeX", "LaTeX": "LaTeX", "latex": "LaTeX", "LATEX": "LaTeX",
    "origLaTeX": "LaTeX", "LaTeXe": "LaTeX2e", "La": "La", "AllTeX": "(La)TeX",
    "LuaTeX": "LuaTeX", "LuaLaTeX": "LuaLaTeX", "XeTeX": "XeTeX", "XeLaTeX": "XeLaTeX",
    "Xe": "Xe", "pdfTeX": "pdfTeX", "pdfLaTeX": "pdfLaTeX", "eTeX": "e-TeX",
    "ExTeX": "ExTeX", "ConTeXt": "ConTeXt", "CONTEXT": "ConTeXt", "BibTeX": "BibTeX",
    "BIBTeX": "BibTeX", "BIBTEX": "BibTeX", "slBibTeX": "BibTeX", "BibLaTeX": "BibLaTeX",
    "NetBibTeX": "NetBibTeX", "bibtexcpp": "BibTeX++", "Bib": "Bib", "AMS": "AMS",
    "AmS": "AMS", "AMSTeX": "AMS-TeX", "AmSTeX": "AMS-TeX", "AMSTEX": "AMS-TeX",
    "AMSLaTeX": "AMS-LaTeX", "AmSLaTeX": "AMS-LaTeX", "LAMSTeX": "LAMS-TeX",
    "LamSTeX": "LAMS-TeX", "LAmSTeX": "LAMS-TeX", "METAFONT": "METAFONT", "MF": "METAFONT",
    "slMF": "METAFONT", "METAPOST": "MetaPost", "MP": "MetaPost", "TUG": "TUG",
    "tug": "TUG", "TUGboat": "TUGboat", "TUB": "TUGboat", "UG": "Users Group",
    "uktug": "UK TUG", "CSTUG": "CSTUG", "NTG": "NTG", "NTS": "NTS", "PiCTeX": "PiCTeX",
    "PiC": "PiC", "SliTeX": "SliTeX", "SLiTeX": "SliTeX", "SLITEX": "SliTeX",
    "SLITeX": "SliTeX", "MakeIndex": "MakeIndex", "Omega": "Ω", "OMEGA": "Omega",
    "eOmega": "eOmega", "PS": "PostScript", "POSTSCRIPT": "PostScript", "PDF": "PDF",
    "DVI": "DVI", "CTAN": "CTAN", "HTML": "HTML", "XML": "XML", "SGML": "SGML",
    "CSS": "CSS", "GNU": "GNU", "DVD": "DVD", "Java": "Java", "UNIX": "UNIX",
    "MacOSX": "Mac OS X", "WEB": "WEB", "CWEB": "CWEB", "FWEB": "FWEB", "YandY": "Y&Y",
    "LyX": "LyX", "TikZ": "TikZ", "TeXLive": "TeX Live", "TeXworks": "TeXworks",
    "TeXtures": "Textures", "TeXMaG": "TeXMaG", "TeXML": "TeXML", "JTeX": "JTeX",
    "MTeX": "MTeX", "VnTeX": "VnTeX", "VorTeX": "VorTeX", "JemTeX": "JemTeX",
    "NexTeX": "NexTeX", "LexiTeX": "LexiTeX", "archiTeX": "archiTeX", "PreTeX": "PreTeX",
    "GeX": "GeX", "BaSiX": "BaSiX", "XyM": "XyM", "XyMTeX": "XyMTeX", "XYMTeX": "XyMTeX",
    "Xy": "Xy", "Xypic": "Xy-pic", "Tib": "Tib", "CS": "CS", "SC": "Steering Committee",
    "Pas": "Pascal", "THANH": "Hàn Thế Thành", "Thanh": "Hàn Thế Thành",
    "dvitosvg": "dvi2svg", "DVItoVDU": "DVItoVDU", "WARMreader": "WARMreader",
    "warmreader": "WARMreader", "AcroFLeX": "AcroFLeX", "gmLaTeXplain": "gmLaTeXplain",
    "mathsPIC": "mathsPIC", "plain": "plain", "curve": "CurVe", "VAX": "VAX",
    "Abstract": "[Abstract]", "CMR": "Computer Modern", "PLOT": "PLOT79",
    "KOMAScript": "KOMA-Script", "POBox": "P. O. Box", "mtex": "TÊX", "otr": "otr",
    "FDNTeX": "FDNTeX",
    # Also in _TEMPLATES: the logo unless braced arguments follow ("\tubissue 18(3)").
    "tubissue": "TUGboat",
}  # fmt: skip

# Characters: TeX's rule, the spaces after one are eaten ("\S 3" -> "§3"), so are "{}".
# \dash is an en dash, as tugboat.def, spacingtricks and dtxdescribe define it.
_CHARACTERS: dict[str, str] = {
    "Dash": "\u2014", "dash": "\u2013", "emdash": "\u2014", "ndash": "\u2013",
    "endash": "\u2013", "textemdash": "\u2014", "textendash": "\u2013", "slash": "/",
    "ldots": "…", "dots": "…", "lips": "…", "textellipsis": "…",
    "textregistered": "®", "registered": "®", "reg": "®", "texttrademark": "™",
    "trademark": "™", "TM": "™", "copyright": "©", "textcopyright": "©", "S": "§",
    "textsection": "§", "P": "¶", "textparagraph": "¶", "pounds": "£",
    "textsterling": "£", "textbackslash": "\\", "bs": "\\", "backslash": "\\",
    "textasciicircum": "^", "textasciitilde": "~", "textunderscore": "_",
    "cents": "¢", "bull": "•", "vrt": "|", "SP": "␣", "hyphen": "-", "adddot": ".",
    "addcomma": ",", "addcolon": ":", "addsemicolon": ";", "ringhalfrighti": "ʿ",
    # Spacing commands: a space, so that words on either side stay apart.
    "par": " ", "thinspace": " ", "enspace": " ", "space": " ", "addspace": " ",
    "newline": " ", "linebreak": " ", "hfil": " ", "hfill": " ",
}  # fmt: skip

# Macros with arguments, as LaTeX text with #1 ... put in (the result is read again).
# One that is also in _LOGOS is that logo when no braced argument follows.
_TEMPLATES: dict[str, tuple[int, str | Callable[[list[str]], str]]] = {
    "cs": (1, r"\textbackslash{}#1"),  # tugboat.def: \cs{par} shows "\par"
    "macro": (1, r"\textbackslash{}#1"),
    "tubissue": (2, r"\TUB~#1, no.~#2"),
    "enquote": (1, "``#1''"),
    "mkbibquote": (1, "``#1''"),
    "nth": (1, lambda args: _ordinal(args[0])),
}

# Dropped with their argument: sorting tricks, whose argument only steers BibTeX's sort
# order and is never printed, and the invisible \phantom boxes.
_DROPPED_WITH_ARGUMENT = frozenset({
    "noopsort", "sortkey", "SortNoop", "noop", "hphantom", "vphantom", "phantom",
})  # fmt: skip

# Macros that print nothing themselves: font and size switches, spacing and penalty
# primitives, and markup whose braced argument (which follows, and is kept) is the text.
_NO_TEXT = frozenset({
    "rm", "it", "bf", "sl", "sf", "tt", "sc", "em", "up", "md", "normalfont", "itshape",
    "bfseries", "scshape", "slshape", "upshape", "mdseries", "rmfamily", "sffamily",
    "ttfamily", "tiny", "scriptsize", "footnotesize", "small", "normalsize", "large",
    "Large", "LARGE", "huge", "Huge", "boldmath", "unboldmath", "cal", "mit", "oldstyle",
    "smc", "SMC", "ssf", "slnine", "eightrm", "ninerm", "tenrm", "tenss", "tensl", "tensy",
    "tenit", "tenbf", "tentt", "manual", "manualsl", "manfnt", "manfntsl", "acrosl", "slc",
    "sltt", "ninesmc", "uppercasesc", "textstyle", "scriptstyle", "displaystyle",
    "scriptscriptstyle", "relax", "leavevmode", "unskip", "nobreak", "break",
    "allowbreak", "ignorespaces", "hss", "null", "strut", "mathstrut", "protect",
    "noindent", "indent", "xspace", "frenchspacing", "nonfrenchspacing", "sloppy",
    "raggedright", "centering", "bgroup", "egroup", "acro", "pkg", "pgm", "file",
    "booktitle", "titleref", "textsl", "lib", "singleletter", "smash", "rlap", "llap",
    "vbox", "vtop", "mkbibemph", "mkbibitalic", "mkbibbold", "mkbibacro", "foreign",
    "autocap",
})  # fmt: skip

# Primitives followed by a number or dimension (\kern-.1em, \penalty0, \lower.5ex),
# dropped with it.
_WITH_DIMENSION = frozenset({
    "kern", "hskip", "vskip", "mkern", "mskip", "raise", "lower", "moveleft",
    "moveright", "penalty", "spacefactor",
})  # fmt: skip
_DIMENSION = re.compile(
    r"\s*=?\s*(?:[-+]\s*)*(?:\d+(?:[.,]\d*)?|[.,]\d+)"
    r"(?:\s*(?:true\s*)?(?:em|ex|pt|pc|in|cm|mm|bp|dd|cc|sp|mu|fil+))? ?"  # \kern-.1emVDU
    r"|\s*=?\s*(?:[-+]\s*)*\\[A-Za-z]+ ?"  # a register: \penalty\exhyphenpenalty
)

# Verbatim arguments (path.sty's \path|...|, \verb+...+), printed exactly as written.
_VERBATIM = frozenset({"path", "verb"})

# Control symbols handled here rather than by pylatexenc: \- would become a soft hyphen
# that breaks word search.
_CONTROL_SYMBOLS = {" ": " ", "\n": " ", "\t": " ", "/": "", "-": "", "@": "", ",": " "}


def _ordinal(number: str) -> str:
    """tugboat.def's \\nth: "21" -> "21st"."""
    digits = number.strip()
    if not digits.isdigit():
        return number
    value = int(digits)
    if value % 100 in (11, 12, 13):
        return digits + "th"
    return digits + {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")


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

_CONTROL = re.compile(r"\\(?:([A-Za-z]+)|(.))", re.DOTALL)
_PARAMETER = re.compile(r"#(#|[1-9])")
_PREAMBLE_COMMAND = re.compile(
    r"\\(newcommand|renewcommand|providecommand|DeclareRobustCommand|def|gdef|edef|xdef"
    r"|let|ifx|if[A-Za-z]*|else|fi)(?![A-Za-z])\s*(\*?)\s*"
)
_ENDS_PHRASE = frozenset(".,;:!?)]}")


@dataclass(frozen=True)
class _Macro:
    """A macro defined in a file's @preamble."""

    body: str
    arguments: int = 0
    default: str | None = None  # \newcommand's optional first argument
    prefix: str = ""  # \def\a.#1{}: text that must follow the name
    delimiters: tuple[str, ...] = ()  # \def\a#1\stop{}: what ends each argument


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


def _simple_latex(value: str) -> str:
    return (
        value.replace("{", "").replace("}", "").replace("~", " ")
        .replace("---", "\u2014").replace("--", "\u2013")
        .replace("``", "\u201c").replace("''", "\u201d")
    )


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


def _skip_spaces(rest: str, pos: int) -> int:
    while pos < len(rest) and rest[pos].isspace():
        pos += 1
    return pos


def _group(rest: str, pos: int) -> tuple[str | None, int]:
    """The text of the braced group at `pos` and where it ends; None if there is none.
    An unclosed group runs to the end."""
    if not rest.startswith("{", pos):
        return None, pos
    depth = 0
    index = pos
    while index < len(rest):
        char = rest[index]
        if char == "\\":
            index += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth == 0:
                return rest[pos + 1 : index], index + 1
        index += 1
    return rest[pos + 1 :], len(rest)


def _argument(rest: str, pos: int) -> tuple[str, int]:
    """A TeX macro argument: a braced group's text, or the next token."""
    pos = _skip_spaces(rest, pos)
    group, end = _group(rest, pos)
    if group is not None:
        return group, end
    if pos >= len(rest):
        return "", pos
    if rest[pos] == "\\":
        token = _CONTROL.match(rest, pos)
        if token:
            return token.group(0), token.end()
    return rest[pos], pos + 1


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


def _substitute(body: str, args: list[str]) -> str:
    def parameter(match: re.Match[str]) -> str:
        which = match.group(1)
        if which == "#":
            return "#"
        index = int(which) - 1
        return args[index] if index < len(args) else ""

    return _PARAMETER.sub(parameter, body)


def _call(macro: _Macro, rest: str, end: int) -> tuple[str | None, int]:
    """The expansion of a call of a file's macro at `end` (after its name), or None when
    the text does not match the macro's \\def pattern."""
    args: list[str] = []
    if macro.prefix:
        start = _skip_spaces(rest, end)
        if not rest.startswith(macro.prefix, start):
            return None, end
        end = start + len(macro.prefix)
    for index in range(macro.arguments):
        delimiter = macro.delimiters[index] if macro.delimiters else ""
        if index == 0 and macro.default is not None:
            start = _skip_spaces(rest, end)
            if rest.startswith("[", start):
                close = _closing_bracket(rest, start)
                args.append(rest[start + 1 : close])
                end = close + 1
            else:
                args.append(macro.default)
            continue
        if delimiter:
            found = _delimited(rest, end, delimiter)
            if found is None:
                return None, end
            arg, end = found
            args.append(arg)
        else:
            arg, end = _argument(rest, end)
            args.append(arg)
    return _substitute(macro.body, args), end


def _closing_bracket(rest: str, start: int) -> int:
    depth = 0
    for index in range(start + 1, len(rest)):
        char = rest[index]
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == "]" and depth <= 0:
            return index
    return len(rest) - 1


def _delimited(rest: str, pos: int, delimiter: str) -> tuple[str, int] | None:
    """A \\def argument that runs to `delimiter` (outside braces)."""
    depth = 0
    index = pos
    while index < len(rest):
        if depth == 0 and rest.startswith(delimiter, index):
            after = index + len(delimiter)
            # "\stop" ends an argument, "\stopper" does not.
            if not (delimiter[-1].isalpha() and rest[after : after + 1].isalpha()):
                arg = rest[pos:index].strip()
                group, group_end = _group(arg, 0)
                if group is not None and group_end == len(arg):
                    arg = group  # TeX strips the braces around a whole argument
                return arg, after
        char = rest[index]
        if char == "\\":
            index += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return None
        index += 1
    return None


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


# --- a file's @preamble ----------------------------------------------------------------


def _read_preamble(preamble: str) -> dict[str, _Macro]:
    r"""The macros a @preamble defines: \newcommand{\name}[n][default]{body},
    \newcommand\name{body}, \renewcommand, \providecommand, \def\name#1#2{body} (also
    with delimiters), \let\name=\other. Definitions inside ``\ifx\name\undefined ...
    \fi`` (the usual guard) only count for a name that is not known already."""
    macros: dict[str, _Macro] = {}
    # One entry per open \if...: whether it is an "\ifx \name \undefined" guard, and
    # whether its \else was passed.
    conditionals: list[list[bool]] = []
    pos = 0
    while True:
        match = _PREAMBLE_COMMAND.search(preamble, pos)
        if match is None:
            return macros
        command, pos = match.group(1), match.end()
        if command == "fi":
            if conditionals:
                conditionals.pop()
            continue
        if command == "else":
            if conditionals:
                conditionals[-1][1] = True
            continue
        if command.startswith("if"):
            guard = False
            if command == "ifx":
                first, pos = _argument(preamble, pos)
                second, pos = _argument(preamble, pos)
                guard = "\\undefined" in (first, second)
            conditionals.append([guard, False])
            continue
        if any(guard and in_else for guard, in_else in conditionals):
            continue  # the \else of a guard: for when the name is defined already
        provide = command == "providecommand" or any(guard for guard, _ in conditionals)
        definition = _definition(command, preamble, pos, macros)
        if definition is None:
            continue
        name, macro, pos = definition
        if name in _BUILT_IN or (provide and (name in macros or name in _pylatexenc_macros())):
            continue
        macros[name] = macro


def _definition(
    command: str, preamble: str, pos: int, macros: Mapping[str, _Macro]
) -> tuple[str, _Macro, int] | None:
    """The name and macro of one definition whose command ends at `pos`, and where the
    definition ends; None when it cannot be read."""
    if command == "let":
        name = re.match(r"\\([A-Za-z]+)\s*=?\s*(\\(?:[A-Za-z]+|.))", preamble[pos:])
        if name is None:
            return None
        target = name.group(2)[1:]
        macro = macros.get(target, _Macro(body=name.group(2) + " "))
        return name.group(1), macro, pos + name.end()
    if command in ("def", "gdef", "edef", "xdef"):
        head = re.match(r"\\([A-Za-z]+)([^{]*)", preamble[pos:])
        if head is None:
            return None
        body, end = _group(preamble, pos + head.end())
        parameters = _parameters(head.group(2))
        if body is None or parameters is None:
            return None
        prefix, delimiters = parameters
        macro = _Macro(body, len(delimiters), None, prefix, delimiters)
        return head.group(1), macro, end
    # \newcommand and friends: {\name} or \name, then [n], [default], {body}.
    name, end = _argument(preamble, pos)
    name = name.strip()
    if not re.fullmatch(r"\\[A-Za-z]+", name):
        return None
    count, default = 0, None
    options = re.match(r"\s*\[\s*(\d)\s*\]", preamble[end:])
    if options:
        count = int(options.group(1))
        end += options.end()
        optional = re.match(r"\s*\[", preamble[end:])
        if optional:
            start = end + optional.end() - 1
            close = _closing_bracket(preamble, start)
            default = preamble[start + 1 : close]
            end = close + 1
    body, end = _group(preamble, _skip_spaces(preamble, end))
    if body is None:
        return None
    return name[1:], _Macro(body, count, default), end


def _parameters(text: str) -> tuple[str, tuple[str, ...]] | None:
    r"""A \def's parameter text ("#1#2", "#1\stop", ".#1") as the text that must
    follow the name and what ends each parameter ("" for an undelimited one); None
    unless the parameters are #1, #2 ... in order."""
    pieces = re.split(r"#([1-9])", text)
    numbers = [int(n) for n in pieces[1::2]]
    if numbers != list(range(1, len(numbers) + 1)):
        return None
    return pieces[0].strip(), tuple(piece.strip() for piece in pieces[2::2])


_BUILT_IN = frozenset(
    {*_LOGOS, *_CHARACTERS, *_TEMPLATES, *_DROPPED_WITH_ARGUMENT, *_NO_TEXT,
     *_WITH_DIMENSION, *_VERBATIM, "char", "accent"}
)  # fmt: skip


# --- pylatexenc --------------------------------------------------------------------------


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
