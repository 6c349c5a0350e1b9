"""A local stand-in for the arXiv API and Crossref, serving recorded responses.

    with serve_recorded(FOLDER) as base_url:
        fetch_arxiv("1706.03762", base_url=base_url)

Routes (FOLDER is tests/fixtures/lookup/):
  /api/query?id_list=ID    -> FOLDER/arxiv/<quote(ID)>.xml
  /works/DOI               -> FOLDER/crossref/<quote(DOI)>.json  (DOI url-decoded first)
A recorded file named <name>.<status>.<ext> is served with that HTTP status instead of 200
(arXiv answers malformed ids with HTTP 400 and an error feed). Anything else is a 404 with
Crossref's plain-text body. Prefixes that simulate trouble, for any of the above:
  /_slow/...               waits until the server stops (so any client timeout expires)
  /_status/CODE/...        answers HTTP CODE with an HTML error page
  /_garbage/...            answers 200 with bytes that are neither XML nor JSON
"""

from __future__ import annotations

import socket
import threading
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures" / "lookup"
# Longer than any timeout a test uses; the wait ends early when the server stops.
SLOW_SECONDS = 30.0

_TYPES = {
    ".xml": "application/atom+xml; charset=utf-8",
    ".json": "application/json; charset=utf-8",
}


def recorded_name(identifier: str) -> str:
    """The file name stem a recorded response for `identifier` is stored under."""
    return urllib.parse.quote(identifier, safe="")


@contextmanager
def serve_recorded(
    folder: Path = FIXTURES, *, requests: list[dict[str, str]] | None = None
) -> Iterator[str]:
    """Serve `folder` on 127.0.0.1 (a free port) and yield the base URL.

    If `requests` is given, each request's path and headers are appended to it as a dict
    ({"path": ..., "user-agent": ..., ...}, header names lower-cased).
    """
    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            if requests is not None:
                record = {k.lower(): v for k, v in self.headers.items()}
                record["path"] = self.path
                requests.append(record)
            path = self.path
            if path.startswith("/_slow/"):
                stop.wait(SLOW_SECONDS)
                self.close_connection = True
                return  # never answer: the client has given up by now
            if path.startswith("/_status/"):
                code = int(path.split("/")[2])
                page = f"<html><body><h1>{code}</h1><p>Service error</p></body></html>"
                self._send(code, page.encode(), "text/html; charset=utf-8")
                return
            if path.startswith("/_garbage/"):
                self._send(200, b"\x00\x9f\x92 not { a < feed", "application/octet-stream")
                return
            found = _recorded_file(folder, path)
            if found is None:
                self._send(404, b"Resource not found.", "text/plain")
                return
            file, status = found
            self._send(status, file.read_bytes(), _TYPES.get(file.suffix, "text/plain"))

        def _send(self, status: int, body: bytes, content_type: str) -> None:
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except (BrokenPipeError, ConnectionResetError):
                pass  # the client gave up; nothing to tell it

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep test output clean

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="lookup-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
        thread.join()


def _recorded_file(folder: Path, path: str) -> tuple[Path, int] | None:
    parts = urllib.parse.urlsplit(path)
    if parts.path == "/api/query":
        ids = urllib.parse.parse_qs(parts.query).get("id_list", [""])
        return _lookup(folder / "arxiv", recorded_name(ids[0]), ".xml")
    if parts.path.startswith("/works/"):
        doi = urllib.parse.unquote(parts.path.removeprefix("/works/"))
        return _lookup(folder / "crossref", recorded_name(doi.lower()), ".json")
    return None


def _lookup(folder: Path, stem: str, suffix: str) -> tuple[Path, int] | None:
    if not stem:
        return None
    plain = folder / f"{stem}{suffix}"
    if plain.is_file():
        return plain, 200
    for candidate in folder.glob(f"*{suffix}"):
        name, _, status = candidate.name.removesuffix(suffix).rpartition(".")
        if name == stem and status.isdigit():
            return candidate, int(status)
    return None


def closed_port_url() -> str:
    """A base URL on which nothing listens, so connecting is refused."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
