"""LaTeX in BibTeX values to text: logos, typographic macros, sorting tricks, unknown
macros and a file's @preamble macros (importers/latex_text.py)."""

from __future__ import annotations

import re
import time

import pytest

from readinglist.importers import latex_text
from readinglist.importers.latex_text import LatexDecoder, to_text, year_text

# The classic BibTeX sorting tricks as a file's @preamble defines them (written the way
# bibtexparser hands over @preamble text: quoted pieces joined with #).
SORTING_PREAMBLE = r"""
    "\newcommand{\noopsort}[1]{} "
  # "\newcommand{\printfirst}[2]{#1} "
  # "\newcommand{\singleletter}[1]{#1} "
  # "\newcommand{\switchargs}[2]{#2#1} "
"""


# --- the brief's examples ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"{OpenType} fonts in {\LuaTeX}", "OpenType fonts in LuaTeX"),
        (r"registers{\Dash}an experiment", "registers—an experiment"),
        (r"{\TUG}", "TUG"),
        (r"{\noopsort{1973b}}1973", "1973"),
        (r"\TeX{} users", "TeX users"),
        (r"\TeX\ users", "TeX users"),
        (r"{\TeX} users", "TeX users"),
        (r"A \LaTeX\ guide", "A LaTeX guide"),
        (r"Die \TeX nische Kom{\"o}die", "Die TeXnische Komödie"),  # TeX eats the space
        (r"Bugs in \MF ware", "Bugs in METAFONTware"),
        (r"The \TeX Typesetting System", "The TeX Typesetting System"),  # meant as words
        (r"Using \TeX, and more", "Using TeX, and more"),
        (r"\LaTeX{}", "LaTeX"),
        (r"{\LaTeXe} and \eTeX", "LaTeX2e and e-TeX"),
        (r"The status of {\VAX}\slash {VMS}", "The status of VAX/VMS"),
        (r"TUG 2000{\Dash}The \nth{21} Annual Conference", "TUG 2000—The 21st Annual Conference"),
    ],
)
def test_logos_and_dashes(latex, text):
    assert LatexDecoder().text(latex) == text
    assert to_text(latex) == text  # the module functions read them the same


@pytest.mark.parametrize(
    ("macro", "text"),
    [
        ("TeX", "TeX"), ("LaTeX", "LaTeX"), ("LaTeXe", "LaTeX2e"), ("LuaTeX", "LuaTeX"),
        ("LuaLaTeX", "LuaLaTeX"), ("XeTeX", "XeTeX"), ("XeLaTeX", "XeLaTeX"),
        ("pdfTeX", "pdfTeX"), ("pdfLaTeX", "pdfLaTeX"), ("eTeX", "e-TeX"),
        ("ConTeXt", "ConTeXt"), ("BibTeX", "BibTeX"), ("BibLaTeX", "BibLaTeX"),
        ("AMS", "AMS"), ("AmS", "AMS"), ("AMSTeX", "AMS-TeX"), ("AmSTeX", "AMS-TeX"),
        ("AMSLaTeX", "AMS-LaTeX"), ("METAFONT", "METAFONT"), ("MF", "METAFONT"),
        ("METAPOST", "MetaPost"), ("MP", "MetaPost"), ("TUG", "TUG"), ("TUGboat", "TUGboat"),
        ("PiCTeX", "PiCTeX"), ("SliTeX", "SliTeX"), ("MakeIndex", "MakeIndex"),
        ("Omega", "Ω"), ("PS", "PostScript"), ("CTAN", "CTAN"), ("DVI", "DVI"),
        ("OMEGA", "Omega"), ("YandY", "Y&Y"), ("LAMSTeX", "LAMS-TeX"), ("TUB", "TUGboat"),
    ],
)  # fmt: skip
@pytest.mark.parametrize("form", ["{\\%s}", "\\%s{}", "\\%s\\ ", "\\%s"])
def test_each_logo_in_each_form(macro, text, form):
    latex = "Using " + form % macro + " Today"
    assert LatexDecoder().text(latex) == f"Using {text} Today"


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"A\slash B", "A/B"),
        (r"1\textendash 2", "1–2"),
        (r"yes\textemdash no", "yes—no"),
        (r"a\dash b", "a–b"),  # an en dash, as tugboat.def defines \dash
        (r"Wait\ldots{} more", "Wait… more"),
        (r"and so on\dots", "and so on…"),
        (r"Acme\textregistered", "Acme®"),
        (r"Acme\texttrademark", "Acme™"),
        (r"\copyright{} 2020", "© 2020"),
        (r"\textcopyright{} 2020", "© 2020"),
        (r"\S 3 and \P 4", "§3 and ¶4"),
        (r"C:\textbackslash{}bin", "C:\\bin"),
        (r"$\Omega$ and \Omega", "Ω and Ω"),
        (r"Pub\-lish\-ing", "Publishing"),  # no soft hyphens left to break word search
    ],
)
def test_typographic_macros(latex, text):
    assert LatexDecoder().text(latex) == text


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"\emph{Deep} \textbf{Bold} \textit{It} \textsc{Caps}", "Deep Bold It Caps"),
        (r"\emph{Fast} $O(n \log n)$ sorting", "Fast O(n log n) sorting"),
        (r"See \url{https://example.org/~me/a_b}", "See https://example.org/~me/a_b"),
        (r"\href{https://x.org}{link}", "link"),
        (r"M{\"u}ller \& Fran{\c c}ois", "Müller & François"),
        (r"\emph\TeX", "TeX"),  # \TeX stays \emph's argument
        (r"Stra\ss\relax e", "Straße"),  # a dropped \relax does not make "\sse"
    ],
)
def test_formatting_math_and_accents_as_before(latex, text):
    assert LatexDecoder().text(latex) == text


@pytest.mark.parametrize(
    "latex",
    [
        r"M{\"u}ller", r"Fran\c{c}ois", r"Stra\ss e", r"{\o}ystein", r"Erd\H{o}s",
        r"\emph{Deep} Learning", r"\mbox{GPT}-4", r"$\alpha$-helix", r"a \\ b",
        r"\textsc{Bert} and \href{https://x.org}{link}", r"50\% of \textit{all}",
        r"{\it Italic} and {\bf bold}", r"\'{\i}ndice", r"x\footnote{note}",
    ],
)  # fmt: skip
def test_latex_pylatexenc_knows_reads_as_before(latex):
    # The rewriting pass must leave what pylatexenc already reads alone.
    expected = " ".join(latex_text.decode_latex(latex).split())
    assert LatexDecoder().text(latex) == expected
    assert to_text(latex) == expected


# --- tugboat.def's macros -------------------------------------------------------------


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"Through the \cs{parshape}", "Through the \\parshape"),
        (r"Don't just \macro{let} it be", "Don't just \\let it be"),
        (
            r"The \nth{1}, \nth{2}, \nth{3}, \nth{11}, \nth{112} and \nth{103}",
            "The 1st, 2nd, 3rd, 11th, 112th and 103rd",
        ),
        (r"see \tubissue 18(3), pp. 1--2", "see TUGboat 18(3), pp. 1–2"),
        (r"in \tubissue{2}{3}", "in TUGboat 2, no. 3"),
        (r"{DVIto\kern-.1emVDU}", "DVItoVDU"),
        (r"Les Cahiers {\slnine GUT\kern-.03em}enberg\/", "Les Cahiers GUTenberg"),
        (r"{\it\acro{README}: \pkg{EDMAC} and \pgm{dvips}}", "README: EDMAC and dvips"),
        (r"Mail \path|someone@example.org| now", "Mail someone@example.org now"),
        (r"The \verb=\special= command", "The \\special command"),
        (r"A{\char92}B, {\char`\%} and \char'101", "A\\B, % and A"),
        (r"Dv{\accent'27u}r", "Dvůr"),
        (r"{\ssf dc}-fonts", "dc-fonts"),
    ],
)
def test_tugboat_macros(latex, text):
    assert LatexDecoder().text(latex) == text


# --- unknown macros -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        (r"{\Foo}", "Foo"),
        (r"\Foo{bar}", "Foo bar"),  # the name, then the argument's text, as two words
        (r"\Foo bar", "Foo bar"),
        (r"\Foo{}bar", "Foobar"),
        (r"{\Foo}bar", "Foobar"),
        (r"A \Foo.", "A Foo."),
    ],
)
def test_unknown_macro_keeps_its_name(latex, text):
    decoder = LatexDecoder()
    assert decoder.text(latex) == text
    assert decoder.unknown == {"Foo": 1}


def test_unknown_counts_every_use_of_each_name():
    decoder = LatexDecoder()
    for value in (r"\Foo and \Bar", r"\Foo again", r"\Foo again", r"\TeX and \emph{x}"):
        decoder.text(value)
    decoder.paragraphs(r"First \Baz." + "\n\n" + r"Second \Baz.")
    # Repeated values come from the cache and still count; known macros do not.
    assert decoder.unknown == {"Foo": 3, "Bar": 1, "Baz": 2}


def test_paragraphs_keep_blank_lines():
    decoder = LatexDecoder()
    value = "One {\\TeX}\n  line.\n\nTwo {\\Dash} three."
    assert decoder.paragraphs(value) == "One TeX line.\n\nTwo — three."


# --- sorting tricks and years ---------------------------------------------------------


def test_sorting_tricks_are_dropped_with_their_argument():
    decoder = LatexDecoder()
    for macro in ("noopsort", "sortkey", "SortNoop", "noop"):
        assert decoder.text(f"{{\\{macro}{{1973b}}}}1973") == "1973"
        assert decoder.text(f"\\{macro}{{aaa}}Zebra") == "Zebra"
    assert decoder.unknown == {}


def test_preamble_sorting_macros_and_year():
    decoder = LatexDecoder(SORTING_PREAMBLE)
    value = r"{\noopsort{1973a}}{\switchargs{--90}{1968}}"
    assert decoder.text(value) == "1968–90"
    assert year_text(value, decoder) == "1968--90"  # dashes as written, for the caller
    assert decoder.text(r"\printfirst{Kept}{Dropped} \singleletter{Z}") == "Kept Z"
    assert decoder.unknown == {}
    # Without the preamble \switchargs is unknown: its name stays, its arguments too.
    plain = LatexDecoder()
    assert plain.text(value) == "switchargs –901968"
    assert plain.unknown == {"switchargs": 1}


def test_year_text_without_a_preamble():
    assert year_text(r"{\noopsort{1973b}}1973") == "1973"
    assert year_text(r"1824--1827") == "1824--1827"
    assert year_text(" {2001} ") == "2001"
    assert year_text(r"$2001$--2002") == "2001--2002"  # through pylatexenc, dashes kept
    assert LatexDecoder().year_text(r"\noopsort{b}1999") == "1999"


# --- a file's @preamble -----------------------------------------------------------------


def test_preamble_definition_forms():
    decoder = LatexDecoder(
        r"""
        \newcommand\hello{Hello}
        \providecommand{\hello}{Bye}
        \providecommand{\fresh}{Fresh}
        \newcommand{\old}{Old} \renewcommand{\old}{New}
        \newcommand*{\star}[1]{*#1*}
        \newcommand{\opt}[2][x]{#1-#2}
        \def\swap#1#2{#2#1}
        \def \english #1\stop{[English: #1]}
        \def\hash{a##b}
        \let\greet=\hello
        """
    )
    assert decoder.text(r"\hello, \fresh \old") == "Hello, Fresh New"
    assert decoder.text(r"\star{x} \opt{a} \opt[y]{b}") == "*x* x-a y-b"
    assert decoder.text(r"\swap{A}{B} \swap xy") == "BA yx"
    assert decoder.text(r"Title \english {Titel}\stop") == "Title [English: Titel]"
    assert decoder.text(r"\hash \greet") == "a#b Hello"
    assert decoder.unknown == {}


def test_preamble_guards_and_built_ins():
    decoder = LatexDecoder(
        r"""
        "\ifx \undefined \circled \def \circled #1{(#1)} \fi"
        # "\ifx \k \undefined \let \k = \c \fi"
        # "\def\TeX{T\kern-.1667em\lower.5ex\hbox{E}\kern-.125emX}"
        # "\def\noopsort#1{#1}"
        # "\ifx \zz \undefined \def\zz{Z} \else \def\yy{Y} \fi"
        """
    )
    assert decoder.text(r"Brand\circled{R}") == "Brand(R)"
    assert decoder.text(r"\k{a}") == "ą"  # \k is defined already: the guarded \let is not
    # A preamble says how to draw a logo, not what it reads as: the table wins.
    assert decoder.text(r"{\TeX} {\noopsort{b}}1999") == "TeX 1999"
    # The \else of a guard is for when the name was defined: not here.
    assert decoder.text(r"\zz{} \yy") == "Z yy"


def test_decoders_do_not_share_preamble_results():
    first = LatexDecoder(r"\newcommand{\venue}{First}")
    second = LatexDecoder(r"\newcommand{\venue}{Second}")
    value = r"At \venue"
    assert first.text(value) == "At First"
    assert second.text(value) == "At Second"
    assert first.text(value) == "At First"
    assert to_text(value) == "At venue"  # no preamble: an unknown name
    assert LatexDecoder().text(value) == "At venue"


@pytest.mark.parametrize(
    "preamble",
    [
        r"\newcommand{\a}{\a\a}",  # doubles itself forever
        r"\def\a{\b}\def\b{\a}",  # calls itself through another
        r"\def\a#1{\a{#1#1}}",  # its argument doubles on each call
        r"\newcommand{\w}{" + "word " * 300 + r"}\newcommand{\a}{" + r"\w" * 30 + "}",
    ],
)
def test_recursive_preamble_macros_terminate_bounded(preamble):
    decoder = LatexDecoder(preamble)
    start = time.perf_counter()
    text = decoder.text(r"x \a{y} z")
    assert time.perf_counter() - start < 1.0
    # Past the bounds the value is read with the file's macros left unexpanded.
    assert text == "x a y z"
    assert decoder.unknown == {"a": 1}


def test_deep_but_finite_preamble_macros_expand():
    decoder = LatexDecoder(r"\def\a{A\b}\def\b{B\c}\def\c{C\d}\def\d{D}")
    assert decoder.text(r"\a{} \a") == "ABCD ABCD"
    assert decoder.unknown == {}


# --- titles as real files write them ------------------------------------------------------

# Titles in the style of TeX Live's Beebe bibliographies (tugboat.bib and friends).
TITLES = [
    r"{OpenType} math in {\LuaTeX} and {\ConTeXt}",
    r"{\TUB} index: {\Dash} the first decades",
    r"{Glisterings}: {{\GNU}\slash Linux} fonts and {\XeTeX}",
    r"The {\MF}\slash {\MP}\slash {\PS} interface",
    r"\pkg{fontspec} for {\XeLaTeX} and {\LuaLaTeX} users",
    r"Converting {\LaTeX} 2.09 styles to {\LaTeXe} classes",
    r"{\AmSTeX}{\Dash}``A very friendly product''",
    r"The \nth{14} European {\TeX} Conference",
    r"Making \pgm{mktexpk} safer on {\UNIX}",
    r"{\PiCTeX} and {\SliTeX} at the {\TUG} meeting",
    r"{\CTAN} mirrors for {\DVI} and \acro{PDF} files",
    r"{\OMEGA} and {\eOmega}: typesetting with {$\Omega$}",
    r"{\YandY} {\TeX} for {\MacOSX}",
    r"Type 1 fonts in {\pdfTeX}, {\eTeX} and {\BibTeX} styles",
    r"{\LAMSTeX} and {\AMSLaTeX}: a comparison",
    r"A complement to \macro{smash} and \macro{llap}",
    r"{\TeX}on\kern-.03em Web and \TeX\ Live",
    r"Reviving {\VorTeX}: \Acro{} and \Frobnicate{widgets}",
    r"{\Thanh} on micro-typography in {\pdfTeX}",
    r"Les {\it Cahiers {\slnine GUT}enberg\/}: {\Dash}issue 56",
]


def test_real_style_titles_lose_no_macro():
    decoder = LatexDecoder()
    silent = latex_text._BUILT_IN.union(latex_text._pylatexenc_macros()).difference(
        latex_text._LOGOS, latex_text._CHARACTERS
    )
    for title in TITLES:
        text = decoder.text(title)
        assert "\\" not in text.replace("\\smash", "").replace("\\llap", ""), text
        assert not re.search("[\U000f0000-\U000f00ff]", text), text
        for name in re.findall(r"\\([A-Za-z]+)", title):
            if name in latex_text._LOGOS:
                expected = latex_text._LOGOS[name]
            elif name in latex_text._CHARACTERS:
                expected = latex_text._CHARACTERS[name]
            elif name in silent:
                continue
            else:  # unknown: its name must be there
                expected = name
            assert expected in text, (title, text, name)
    assert decoder.unknown == {"Acro": 1, "Frobnicate": 1}


def test_logos_take_the_shortcut():
    # Values whose only LaTeX is logos and typographic macros never reach pylatexenc,
    # which takes about a millisecond a value.
    before = latex_text.decode_latex.cache_info()
    decoder = LatexDecoder()
    for index in range(200):
        decoder.text(rf"Volume {index}: {{\TeX}}{{\Dash}}{{\LuaTeX}} and M{{\"u}}ller")
        decoder.text(f"Plain title number {index}")
    after = latex_text.decode_latex.cache_info()
    assert after.misses == before.misses
    assert after.hits == before.hits


def test_each_macro_has_one_meaning():
    groups = [
        set(latex_text._LOGOS),
        set(latex_text._CHARACTERS),
        set(latex_text._TEMPLATES),
        latex_text._DROPPED_WITH_ARGUMENT,
        latex_text._NO_TEXT,
        latex_text._WITH_DIMENSION,
        latex_text._VERBATIM,
    ]
    seen: dict[str, int] = {}
    for group in groups:
        for name in group:
            seen[name] = seen.get(name, 0) + 1
    # \tubissue is a logo unless braced arguments follow, as the table says.
    assert {name for name, count in seen.items() if count > 1} == {"tubissue"}
