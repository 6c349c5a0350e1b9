"""The macros the LaTeX decoder knows beyond pylatexenc, one table per meaning.

Gathered from TeX Live's tugboat.def, texnames.sty and bibnames.sty (the macros of
Beebe's TeX bibliographies, tugboat.bib and friends), LaTeX, and biblatex. Each name sits
in one group (but \\tubissue, see _TEMPLATES); a file's @preamble cannot redefine them,
since its definitions say how to draw a logo, not what it reads as.
"""

from __future__ import annotations

import re
from collections.abc import Callable

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


# Every name the decoder reads itself, the tables' and the primitives \char and \accent.
_BUILT_IN = frozenset(
    {*_LOGOS, *_CHARACTERS, *_TEMPLATES, *_DROPPED_WITH_ARGUMENT, *_NO_TEXT,
     *_WITH_DIMENSION, *_VERBATIM, "char", "accent"}
)  # fmt: skip
