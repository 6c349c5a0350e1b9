"""References to other papers in note text, and the safe HTML a note's preview shows.

A note can point at another paper of the library by its id (``#28``, ``paper:28``), its
arXiv id (``arXiv:2203.05482``, a bare ``2203.05482``, an arxiv.org URL) or its DOI
(``doi:10.1000/xyz``, ``https://doi.org/10.1000/xyz``, a bare ``10.1000/xyz``).
`find_references` finds them; `render_markdown` turns a note into HTML in which the ones
the library knows are links ``readinglist://paper/<id>``.

The HTML is safe to show: raw HTML in a note is text (``<script>`` shows as written), and
the only live links are http(s) links and links to papers; every other scheme
(``javascript:``, ``file:``, ``data:``...) is dropped and its text kept.
"""

from __future__ import annotations

import re
import urllib.parse
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Literal

from markdown_it import MarkdownIt
from markdown_it.rules_core import StateCore
from markdown_it.token import Token

from ..lookup import parse_identifier

PAPER_SCHEME = "readinglist"
WEB_SCHEMES = ("http", "https")

ReferenceKind = Literal["id", "arxiv", "doi"]
Resolver = Callable[[str], int | None]


@dataclass(frozen=True)
class Reference:
    """A reference to a paper: `text[start:end]` of the note is `text`.

    `value` is normalised: the id as digits ("28"), the arXiv id without version
    ("2203.05482", "hep-th/9711200") or the lower-case DOI ("10.1038/nature14539").
    """

    start: int
    end: int
    text: str
    kind: ReferenceKind
    value: str

    @property
    def query(self) -> str:
        """The reference in the form `Library.find_paper` reads ("#28", "arXiv:..." ...)."""
        if self.kind == "id":
            return f"#{self.value}"
        return f"arXiv:{self.value}" if self.kind == "arxiv" else f"doi:{self.value}"


# Not after a letter, digit or another identifier character: "C#28", "page#28",
# "https://x.org/#28", "&#28;", "v2203.05482" and "x10.1000/y" are no references.
_START = r"(?<![\w#&/.:\-])"
# Paper ids: up to 9 digits (more would not fit a database integer anyway). "# 28" is a
# Markdown heading, "#28" (no space) a reference; "#28.5" and "#28a" are not.
_PAPER_ID = re.compile(_START + r"(?:#|paper:)(\d{1,9})(?![\w]|\.\d)", re.IGNORECASE)
_ARXIV_NEW = r"\d{4}\.\d{4,5}(?:v\d+)?"
_ARXIV_OLD = r"[a-z]+(?:-[a-z]+)?(?:\.[a-z]{2})?/\d{7}(?:v\d+)?"
_ARXIV_PREFIXED = re.compile(
    _START + rf"arxiv:\s?(?:{_ARXIV_NEW}|{_ARXIV_OLD})(?![\w]|\.\d)", re.IGNORECASE
)
_ARXIV_BARE = re.compile(_START + rf"{_ARXIV_NEW}(?![\w/]|\.\d)")
# DOIs run to the next space; trailing punctuation is trimmed below.
# A Markdown link's "](" ends it too: "[doi:10.1/x](https://...)" written out.
_RUN = r"(?:(?!\]\()[^\s<>\"`])+"
_DOI = re.compile(_START + rf"(?:doi:\s?)?10\.\d{{4,9}}/{_RUN}", re.IGNORECASE)
# Web addresses, with or without a scheme for the hosts of paper identifiers.
_URL = re.compile(
    r"(?<![\w@.\-/])(?:https?://|(?:www\.)?(?:(?:export\.)?arxiv\.org|(?:dx\.)?doi\.org)/)"
    + _RUN,
    re.IGNORECASE,
)
# Characters that end a sentence or a Markdown span rather than a URL or DOI.
_TRAILING = ".,;:!?'\"*_~"
_CLOSING = {")": "(", "]": "[", "}": "{", ">": "<"}


@dataclass(frozen=True)
class _Span:
    """A reference, or (kind "url") a web address that names no paper. `url` is the web
    address the span is, if it is one (an arxiv.org link is a reference and a URL)."""

    start: int
    end: int
    kind: str
    value: str
    url: str = ""

    def reference(self, text: str) -> Reference:
        kind: ReferenceKind = "id" if self.kind == "id" else (
            "arxiv" if self.kind == "arxiv" else "doi")
        return Reference(self.start, self.end, text[self.start : self.end], kind, self.value)


def _trim(text: str, start: int, end: int) -> int:
    """The end of a URL or DOI without the punctuation the sentence put after it."""
    while end > start:
        last = text[end - 1]
        if last in _TRAILING:
            end -= 1
        elif last in _CLOSING and text.count(_CLOSING[last], start, end) < text.count(
            last, start, end
        ):
            end -= 1  # "(see doi:10.1/x)": the bracket closes one opened before it
        else:
            break
    return end


def _candidates(text: str) -> Iterator[_Span]:
    for match in _URL.finditer(text):
        end = _trim(text, match.start(), match.end())
        url = text[match.start() : end]
        web = url if is_web_url(url) else ""
        identifier = parse_identifier(url)
        if identifier is not None:
            yield _Span(match.start(), end, identifier.kind, identifier.value, web)
        elif web:
            yield _Span(match.start(), end, "url", url, web)
    for match in _PAPER_ID.finditer(text):
        yield _Span(match.start(), match.end(), "id", str(int(match.group(1))))
    for pattern in (_ARXIV_PREFIXED, _ARXIV_BARE, _DOI):
        for match in pattern.finditer(text):
            end = _trim(text, match.start(), match.end())
            identifier = parse_identifier(text[match.start() : end])
            if identifier is not None:  # e.g. "1234.5678" has no month 34: no arXiv id
                yield _Span(match.start(), end, identifier.kind, identifier.value)


def _spans(text: str) -> list[_Span]:
    """References and web addresses in `text`, in order, none overlapping (where two
    candidates overlap the one starting first, then the longer one, wins)."""
    chosen: list[_Span] = []
    end = 0
    for span in sorted(_candidates(text), key=lambda s: (s.start, -s.end)):
        if span.start >= end:
            chosen.append(span)
            end = span.end
    return chosen


def find_references(text: str) -> list[Reference]:
    """Every reference to a paper in `text`, in order of appearance.

    Found anywhere in the text, code included (the preview does not link those).
    """
    return [span.reference(text) for span in _spans(text) if span.kind != "url"]


def paper_url(paper_id: int) -> str:
    return f"{PAPER_SCHEME}://paper/{paper_id}"


def paper_id_from_url(url: str) -> int | None:
    """The id in a ``readinglist://paper/28`` link; None for any other URL."""
    match = re.fullmatch(rf"{PAPER_SCHEME}://paper/(\d{{1,9}})/?", url.strip(), re.IGNORECASE)
    return int(match.group(1)) if match else None


def is_web_url(url: str) -> bool:
    try:
        parts = urllib.parse.urlsplit(url.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in WEB_SCHEMES and bool(parts.netloc)


# -- Markdown ----------------------------------------------------------------------------


def _make_parser() -> MarkdownIt:
    # html=False: raw HTML in a note is shown as text, never interpreted.
    # breaks=True: a single line break in a note is one in the preview too (as Obsidian
    # and most note apps show it; strict CommonMark would join the lines).
    md = MarkdownIt("commonmark", {"html": False, "breaks": True})
    md.enable(["table", "strikethrough"])
    # Before text_join: backslash escapes are still tokens of their own there, so "\#28"
    # stays text as the writer asked.
    md.core.ruler.before("text_join", "readinglist_links", _link_rule)
    return md


def _resolve(resolve: Resolver, query: str, cache: dict[str, int | None]) -> int | None:
    if query not in cache:
        cache[query] = resolve(query)
    return cache[query]


def _link_tokens(href: str, label: str, css_class: str) -> list[Token]:
    opening = Token("link_open", "a", 1, attrs={"href": href, "class": css_class})
    return [opening, Token("text", "", 0, content=label), Token("link_close", "a", -1)]


def _link_text(text: str, resolve: Resolver, cache: dict[str, int | None]) -> list[Token]:
    """A text token's content with references the library knows and web addresses as
    links; None of the text is lost or changed."""
    tokens: list[Token] = []
    done = 0
    for span in _spans(text):
        label = text[span.start : span.end]
        paper_id = (None if span.kind == "url"
                    else _resolve(resolve, span.reference(text).query, cache))
        if paper_id is not None:
            link = _link_tokens(paper_url(paper_id), label, "paper")
        elif span.url:  # a web address (of a paper not in the library, too) stays one
            link = _link_tokens(span.url, label, "web")
        else:
            continue  # a reference the library does not know: plain text
        if span.start > done:
            tokens.append(Token("text", "", 0, content=text[done : span.start]))
        tokens.extend(link)
        done = span.end
    if done < len(text):
        tokens.append(Token("text", "", 0, content=text[done:]))
    return tokens


def _link_target(href: str, resolve: Resolver, cache: dict[str, int | None]) -> str | None:
    """Where a Markdown link may point: http(s) as written, a reference to a paper of the
    library ("[Model soups](#28)") as its paper link; None for anything else."""
    if is_web_url(href):
        return href
    unquoted = urllib.parse.unquote(href).strip()
    refs = find_references(unquoted)
    if len(refs) == 1 and refs[0].text == unquoted:
        paper_id = _resolve(resolve, refs[0].query, cache)
        if paper_id is not None:
            return paper_url(paper_id)
    return None


def _rewrite_inline(children: list[Token], resolve: Resolver,
                    cache: dict[str, int | None]) -> list[Token]:
    result: list[Token] = []
    kept_links: list[bool] = []  # per open link: was it kept (or dropped with its text kept)
    for token in children:
        if token.type == "link_open":
            target = _link_target(str(token.attrGet("href") or ""), resolve, cache)
            kept_links.append(target is not None)
            if target is not None:
                token.attrSet("href", target)
                token.attrSet("class", "web" if is_web_url(target) else "paper")
                result.append(token)
        elif token.type == "link_close":
            if kept_links.pop() if kept_links else False:
                result.append(token)
        elif token.type == "image":
            # No images: a note must not load files or track its reader through the
            # network. The alt text stays, as a link to the image when on the web.
            alt = "".join(c.content for c in token.children or []) or "image"
            src = str(token.attrGet("src") or "")
            result.extend(_link_tokens(src, f"[{alt}]", "web") if is_web_url(src)
                          else [Token("text", "", 0, content=f"[{alt}]")])
        elif token.type == "text" and not kept_links:
            result.extend(_link_text(token.content, resolve, cache))
        else:
            result.append(token)
    return result


def _link_rule(state: StateCore) -> None:
    resolve: Resolver = state.env.get("resolve") or (lambda _query: None)
    cache: dict[str, int | None] = state.env.setdefault("resolved", {})
    for token in state.tokens:
        if token.type == "inline" and token.children:
            token.children = _rewrite_inline(token.children, resolve, cache)


_PARSER = _make_parser()


def render_markdown(text: str, resolve: Resolver) -> str:
    """HTML for a note's preview (CommonMark with tables and ~~strikethrough~~).

    `resolve(query)` maps a reference (`Reference.query`: "#28", "arXiv:2203.05482",
    "doi:10.1/x") to the id of a paper of the library, or None; it is asked once per
    distinct reference. Known references become ``readinglist://paper/<id>`` links showing
    the text as written; unknown ones stay text. Code spans and blocks are left alone.
    """
    env: dict[str, Any] = {"resolve": resolve}
    return _PARSER.render(text, env)
