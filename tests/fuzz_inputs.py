"""Hypothesis strategies for the fuzz tests: files of every import format, made from
their grammar with hostile values (LaTeX, braces, quotes, huge numbers, control
characters, deep nesting) and then, sometimes, cut and spliced, so that both the
happy paths and the error paths of each reader are reached. Also queries."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

from hypothesis import strategies as st

# -- values --------------------------------------------------------------------------------

# Characters that mean something to one format or another, and a few that mean trouble.
_SPECIAL = st.sampled_from([
    "{", "}", "\\", '"', "'", "#", "%", "@", ",", ";", ":", "=", "~", "$", "&", "_", "^",
    "\n", "\r", "\t", " ", "  - ", "ER  - ", "TY  - ", "\x00", "\x1b[2J", "\x07", "\u202e",
    "\ufeff", "\ufffd", "é", "ß", "中文", "🙂", "\u0301", "[", "]", "(", ")", "*", "?", "/",
    "http://x.org/a", "10.1000/xyz", "arXiv:2401.12345", "2401.12345v2", "hep-th/9711200",
    "and", " and others", "--", "...", "-1", "0", "1e999", "9" * 30, "1" * 4400,
])
_LATEX = st.sampled_from([
    "\\'e", '{\\"o}', "\\c{c}", "\\ss", "$\\alpha$", "$x^2$", "\\textbf{", "\\emph{x}",
    "\\&", "\\%", "{\\noopsort{1973b}}", "\\url{http://x}", "\\newcommand", "\\def\\x{",
    "\\LaTeX", "\\unknownmacro", "\\\\", "\\", "{\\em", "$", "\\begin{", "\\end{x}",
    "\\verb|", "\\cite{k}", "\\relax", "\\csname", "\\input{/etc/passwd}",
])
small_text = st.text(max_size=12)
value_text = st.lists(st.one_of(small_text, _SPECIAL, _LATEX), max_size=10).map("".join)
# A number as written in a file: plausible years, and ones no int() wants.
number_text = st.one_of(
    st.integers(-10**6, 10**6).map(str), st.sampled_from(["2024", "1999a", "20 24", "MMXX"]),
    st.integers(4000, 6000).map(lambda n: "1" * n),
)


def _edit(text: str, edits: list[tuple[int, int, str]]) -> str:
    """`text` with pieces cut out and others put in (a damaged or spliced file)."""
    for position, length, insert in edits:
        at = position % (len(text) + 1)
        text = text[:at] + insert + text[at + length:]
    return text


def damaged(files: st.SearchStrategy[str],
            pieces: st.SearchStrategy[str] = _SPECIAL) -> st.SearchStrategy[str]:
    """Mostly the files as made; sometimes with a few cuts and insertions."""
    edits = st.lists(st.tuples(st.integers(0, 10**6), st.integers(0, 40),
                               st.one_of(st.just(""), pieces, small_text)), max_size=4)
    return st.one_of(files, st.builds(_edit, files, edits))


# What JSON writers never make and readers must survive: deep nesting, numbers past
# Python's int() limit, huge exponents, bare control characters.
_JSON_PIECES = st.one_of(_SPECIAL, st.sampled_from([
    "[" * 1200, "{\"a\":" * 300, "1" * 5000, "-" + "9" * 4400, "1e99999", "0.0000e-999",
    "[1,]", "NaN", "Infinity", '"\ud800"', '"\\ud800"', '"\x00"', "\u0000", "null", "true"]))


# -- BibTeX --------------------------------------------------------------------------------

_BIB_FIELDS = ["title", "author", "editor", "year", "date", "month", "journal", "booktitle",
               "doi", "url", "eprint", "archiveprefix", "abstract", "keywords", "note",
               "annote", "crossref", "xdata", "file", "pages", "readinglist-status",
               "readstatus", "priority", "ranking", "readinglist-added", "ids", "howpublished"]
_bib_name = st.one_of(st.sampled_from(_BIB_FIELDS), st.from_regex(r"[A-Za-z][\w-]{0,8}",
                                                                 fullmatch=True))
_macro = st.sampled_from(["jan", "feb", "m1", "m2", "big", "undefinedmacro"])
_bib_piece = st.one_of(value_text.map(lambda v: "{" + v + "}"),
                       value_text.map(lambda v: '"' + v.replace('"', "") + '"'),
                       _macro, number_text)
_bib_value = st.lists(_bib_piece, min_size=1, max_size=3).map(" # ".join)
_bib_key = st.one_of(st.from_regex(r"[A-Za-z][\w:.\-]{0,10}", fullmatch=True),
                     st.sampled_from(["", "a b", "k,", "dup", "parent", "{"]))


@st.composite
def _bib_entry(draw: st.DrawFn) -> str:
    kind = draw(st.one_of(st.sampled_from(["article", "inproceedings", "book", "misc",
                                           "xdata", "comment", "commentary", "online"]),
                          st.from_regex(r"[A-Za-z]{1,8}", fullmatch=True)))
    fields = draw(st.lists(st.tuples(_bib_name, _bib_value), max_size=6))
    body = ",\n".join(f"  {name} = {value}" for name, value in fields)
    open_, close = draw(st.sampled_from([("{", "}"), ("(", ")")]))
    return f"@{kind}{open_}{draw(_bib_key)},\n{body}\n{close}"


_bib_string = st.builds(lambda name, value: f"@string{{{name} = {value}}}", _macro, _bib_value)
_bib_block = st.one_of(
    _bib_entry(), _bib_string, _bib_value.map(lambda v: f"@preamble{{{v}}}"),
    value_text.map(lambda v: f"% {v}"), value_text.map(lambda v: f"@comment{{{v}}}"),
    st.just("% Encoding: windows-1252"), value_text)
bibtex_files = damaged(st.lists(_bib_block, max_size=6).map("\n".join))

# -- RIS and Web of Science ----------------------------------------------------------------

_RIS_TAGS = ["TY", "AU", "A1", "A2", "A3", "TI", "T1", "T2", "T3", "JO", "JF", "JA", "PY",
             "Y1", "DA", "VL", "IS", "SP", "EP", "DO", "UR", "AB", "N1", "N2", "KW", "ID",
             "L1", "L4", "SN", "PB", "CY", "C3", "ET", "M3", "ER"]
_ris_line = st.one_of(
    st.builds(lambda tag, value: f"{tag}  - {value}",
              st.one_of(st.sampled_from(_RIS_TAGS), st.from_regex(r"[A-Z][A-Z0-9]",
                                                                  fullmatch=True)),
              st.one_of(value_text, number_text)),
    value_text.map(lambda v: "   " + v), value_text, st.just(""))


@st.composite
def _ris_record(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["JOUR", "CONF", "BOOK", "CHAP", "GEN", "ELEC", "XXXX"]))
    lines = draw(st.lists(_ris_line, max_size=8))
    end = draw(st.sampled_from(["ER  - ", "ER  -", "", "ER  - junk"]))
    return "\n".join([f"TY  - {kind}", *lines, end])


ris_files = damaged(st.lists(st.one_of(_ris_record(), value_text), max_size=4).map("\n".join))

_WOS_TAGS = ["PT", "AU", "AF", "BE", "CA", "TI", "SO", "SE", "BS", "DT", "DE", "ID", "AB",
             "C1", "PY", "PD", "EY", "EA", "VL", "IS", "BP", "EP", "AR", "DI", "UT", "SN",
             "BN", "PU", "LA", "CT", "CY", "HO", "BF", "BA", "ER", "EF", "FN", "VR"]
_wos_line = st.one_of(
    st.builds(lambda tag, value: f"{tag} {value}", st.sampled_from(_WOS_TAGS),
              st.one_of(value_text, number_text)),
    value_text.map(lambda v: "   " + v), st.just(""))


@st.composite
def _wos_record(draw: st.DrawFn) -> str:
    kind = draw(st.sampled_from(["J", "B", "S", "C", "P", "X"]))
    lines = draw(st.lists(_wos_line, max_size=8))
    return "\n".join([f"PT {kind}", *lines, draw(st.sampled_from(["ER", "", "ER x"]))])


_wos_tagged = st.builds(lambda records, end: "FN Clarivate Analytics Web of Science\n"
                        "VR 1.0\n" + "\n\n".join(records) + end,
                        st.lists(_wos_record(), max_size=4), st.sampled_from(["\nEF\n", ""]))
_wos_tabbed = st.builds(
    lambda header, rows: "\n".join(["\t".join(header), *("\t".join(r) for r in rows)]),
    st.lists(st.sampled_from(_WOS_TAGS), min_size=1, max_size=8),
    st.lists(st.lists(value_text, max_size=8), max_size=4))
wos_files = damaged(st.one_of(_wos_tagged, _wos_tabbed))

# -- JSON ----------------------------------------------------------------------------------

json_values: st.SearchStrategy[Any] = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
              value_text, number_text),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.text(max_size=8), children, max_size=4)),
    max_leaves=12)
_CSL_KEYS = ["id", "type", "title", "author", "editor", "issued", "container-title",
             "abstract", "DOI", "URL", "keyword", "note", "citation-key", "page", "publisher",
             "number", "issue", "volume", "genre", "accessed", "event-title", "ISBN", "custom"]
_csl_name = st.one_of(value_text, st.fixed_dictionaries({}, optional={
    "given": json_values, "family": json_values, "literal": json_values,
    "non-dropping-particle": json_values}))
_csl_date = st.one_of(json_values, st.fixed_dictionaries({}, optional={
    "date-parts": st.lists(st.lists(st.one_of(st.integers(), number_text, json_values),
                                    max_size=3), max_size=2),
    "raw": value_text, "literal": value_text, "season": json_values}))
_csl_item = st.fixed_dictionaries(
    {"type": st.one_of(st.sampled_from(["article-journal", "paper-conference", "book",
                                        "thesis", "report", "webpage"]), json_values),
     "title": st.one_of(value_text, json_values)},
    optional={**{k: json_values for k in _CSL_KEYS if k not in ("type", "title")},
              "author": st.lists(_csl_name, max_size=3), "issued": _csl_date})
_csl_document = st.one_of(
    st.lists(st.one_of(_csl_item, json_values), max_size=4),
    st.fixed_dictionaries({"items": st.one_of(st.lists(_csl_item, max_size=3), json_values)}),
    _csl_item)
csljson_files = damaged(st.tuples(_csl_document, st.sampled_from([None, 1])).map(
    lambda d: json.dumps(d[0], indent=d[1], ensure_ascii=False)), _JSON_PIECES)

_SNAPSHOT_KEYS = ["id", "title", "authors", "year", "venue", "arxiv_id", "doi", "url",
                  "abstract", "links", "source", "status", "note", "added", "modified",
                  "entry_type", "citation_key", "extra", "priority", "rating",
                  "queue_position", "started", "finished", "note_created", "note_modified",
                  "tags", "history", "attachments", "annotations", "fulltext"]
_snapshot = st.fixed_dictionaries(
    {"title": st.one_of(value_text, json_values)},
    optional={**{k: json_values for k in _SNAPSHOT_KEYS if k != "title"},
              "history": st.lists(st.fixed_dictionaries(
                  {"status": json_values, "at": st.one_of(value_text, json_values)}),
                  max_size=2),
              "annotations": st.lists(st.dictionaries(st.sampled_from(
                  ["id", "quote", "comment", "colour", "anchored", "created", "prefix",
                   "suffix", "start", "end"]), json_values), max_size=2),
              "status": st.sampled_from(["inbox", "read", "unread", "x", ""])})
_readinglist_document = st.fixed_dictionaries(
    {"format": st.sampled_from(["readinglist", "readinglist", "x"]),
     "version": st.one_of(st.just(1), json_values),
     "papers": st.one_of(st.lists(st.one_of(_snapshot, json_values), max_size=3),
                         json_values)})
readinglist_json_files = damaged(_readinglist_document.map(
    lambda d: json.dumps(d, ensure_ascii=False)), _JSON_PIECES)

# -- CSV, identifier lists, Daily Papers ---------------------------------------------------

_CSV_COLUMNS = ["title", "authors", "author", "year", "doi", "arxiv_id", "url", "abstract",
                "tags", "status", "priority", "rating", "note", "Title", "Author",
                "Publication Year", "DOI", "Manual Tags", "file", "attachments"]


@st.composite
def _csv_file(draw: st.DrawFn) -> str:
    header = draw(st.lists(st.one_of(st.sampled_from(_CSV_COLUMNS), small_text), min_size=1,
                           max_size=6))
    rows = draw(st.lists(st.lists(st.one_of(value_text, number_text), max_size=8),
                         max_size=4))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=draw(st.sampled_from([",", "\t", ";"])))
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


csv_files = damaged(_csv_file())

_identifier = st.one_of(
    st.from_regex(r"\d{4}\.\d{4,5}(v\d)?", fullmatch=True),
    st.from_regex(r"10\.\d{4,6}/[\w.\-/()<>;:]{1,20}", fullmatch=True),
    st.builds(lambda i: f"https://arxiv.org/abs/{i}", st.from_regex(r"\d{4}\.\d{5}",
                                                                    fullmatch=True)),
    st.sampled_from(["hep-th/9711200", "arXiv:2401.12345", "doi:10.1000/1",
                     "https://doi.org/10.1000/x", "https://huggingface.co/papers/2401.12345",
                     "# comment", "2401.12345 # note"]),
    value_text)
identifier_files = damaged(st.lists(_identifier, max_size=12).map("\n".join))

daily_papers_files = damaged(st.lists(st.one_of(
    value_text, st.sampled_from(["Daily Papers", "Jan 5", "2024-01-05", "Submitted by x",
                                 "Upvote 12", ""]),
    st.lists(small_text, max_size=20).map(" ".join)), max_size=12).map("\n\n".join))

# -- any text, any bytes -------------------------------------------------------------------

any_text = st.one_of(st.text(max_size=300), value_text)
any_bytes = st.one_of(
    st.binary(max_size=300),
    any_text.map(lambda t: t.encode("utf-8")),
    st.tuples(any_text, st.sampled_from(["utf-16", "utf-16-le", "utf-16-be", "utf-32",
                                         "cp1252", "latin-1", "utf-8-sig", "shift_jis"]))
    .map(lambda p: p[0].encode(p[1], errors="replace")),
    st.tuples(st.binary(max_size=200), st.binary(max_size=3)).map(lambda p: p[0] + p[1]))

# -- queries -------------------------------------------------------------------------------

_QUERY_TOKENS = st.sampled_from([
    "title:", "author:", "tag:", "year:", "added:", "read:", "started:", "rating:",
    "status:", "doi:", "arxiv:", "venue:", "note:", "fulltext:", "unknown:", "Title:",
    "AND", "OR", "NOT", "-", "(", ")", '"', "*", "?", "~", "~1", "~2", "~9", "~10", "/2",
    "..", "[", "]", "TO", "{", "}", "^2", ">", "<", ">=", "2020", "2020..2024", "2024-01",
    "zz", "10.1/x", "model", "soups", "transformers", "fine-tuning", "ab", "a", "x" * 50,
    "1" * 4400, "\x00", "\u202e", "é", "中文", " ", "  ", ":", "\\", "'", "unread", "inbox",
])
queries = st.one_of(
    st.lists(st.one_of(_QUERY_TOKENS, small_text), max_size=10).map("".join),
    st.lists(st.one_of(_QUERY_TOKENS, small_text), max_size=10).map(" ".join),
    st.text(max_size=60))
