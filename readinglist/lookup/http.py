"""The HTTP side of lookups: one GET with our User-Agent, a size cap and every network
failure turned into a LookupFailed a user can read.

Only the standard library (urllib) is used, so lookups work wherever the core does.
"""

from __future__ import annotations

import functools
import http.client
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from importlib import metadata
from typing import Any

from ..domain import ReadinglistError

CONTACT_ENV = "READINGLIST_CONTACT_EMAIL"

# Far above any real answer (an arXiv entry is a few kB, a Crossref work with its
# reference list rarely 1 MB); a larger body is not what we asked for.
_MAX_BODY = 8 * 1024 * 1024


class LookupFailed(ReadinglistError):
    """A lookup that gave no paper. ``offline`` is True when the service could not be
    reached (no connection, timeout): the identifier may be fine, try again later."""

    def __init__(self, message: str, *, offline: bool = False) -> None:
        super().__init__(message)
        self.offline = offline


@dataclass(frozen=True)
class _Response:
    status: int
    body: bytes


@functools.cache
def _version() -> str:
    try:
        return metadata.version("readinglist")
    except metadata.PackageNotFoundError:
        return "0.1"


def user_agent() -> str:
    """What we tell the services we are. Crossref asks for a contact address; we have
    none of our own, so the user may give theirs in READINGLIST_CONTACT_EMAIL."""
    agent = f"Readinglist/{_version()} (desktop reading-list manager"
    email = os.environ.get(CONTACT_ENV, "").strip()
    # Only something address-shaped: the value goes into an HTTP header.
    if re.fullmatch(r"[^\s@()<>;]+@[^\s@()<>;]+", email):
        agent += f"; mailto:{email}"
    return agent + ")"


def _base(base_url: str | None, env: str, default: str) -> str:
    base = (base_url or os.environ.get(env, "").strip() or default).rstrip("/")
    if not base.lower().startswith(("http://", "https://")):
        # Most likely a mistyped environment variable; say which one.
        where = "" if base_url else f" (from {env})"
        raise LookupFailed(f"the lookup service address must start with http(s)://: {base!r}"
                           + where)
    return base


def _get(url: str, *, accept: str, timeout: float) -> _Response:
    """GET `url`; HTTP error statuses are returned, not raised, so callers can read the
    body (arXiv explains bad ids in an HTTP 400 feed). Network trouble raises
    LookupFailed(offline=True)."""
    host = _host(url) or url
    request = urllib.request.Request(url, headers={"User-Agent": user_agent(), "Accept": accept})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return _Response(response.status, _read(response, host))
    except urllib.error.HTTPError as exc:
        try:
            body = _read(exc, host)
        except LookupFailed:
            body = b""
        finally:
            exc.close()
        return _Response(exc.code, body)
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError):
            raise _timed_out(host, timeout) from None
        reason = getattr(exc.reason, "strerror", None) or str(exc.reason)
        raise LookupFailed(
            f"cannot reach {host} ({reason}); check the internet connection", offline=True
        ) from None
    except TimeoutError:
        raise _timed_out(host, timeout) from None
    except ConnectionError as exc:  # reset, or closed before answering
        raise LookupFailed(f"the connection to {host} broke off ({exc})", offline=True) from None
    except (http.client.HTTPException, OSError) as exc:
        raise LookupFailed(f"unreadable answer from {host} ({exc.__class__.__name__})") from None


def _read(response: Any, host: str) -> bytes:
    body = response.read(_MAX_BODY + 1)
    if len(body) > _MAX_BODY:
        raise LookupFailed(f"unreadable answer from {host}: more than {_MAX_BODY} bytes")
    return body


def _timed_out(host: str, timeout: float) -> LookupFailed:
    return LookupFailed(f"{host} did not answer within {timeout:g} seconds", offline=True)


def _host(url: str) -> str:
    return urllib.parse.urlsplit(url).netloc


def _http_error(url: str, status: int) -> LookupFailed:
    phrase = http.client.responses.get(status, "")
    hint = "; it may be busy, try again later" if status == 429 or status >= 500 else ""
    return LookupFailed(f"{_host(url)} answered HTTP {status} {phrase}".rstrip() + hint)


def _unreadable(url: str, detail: str) -> LookupFailed:
    return LookupFailed(f"unreadable answer from {_host(url)}: {detail}")
