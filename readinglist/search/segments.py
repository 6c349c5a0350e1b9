"""The index's segments: how new ones are named, and a cheap check that every file a
segment needs is there.

Whoosh names a new segment with 16 characters from Python's global ``random``; a script
that calls ``random.seed(0)`` before using the library makes two runs pick the same name,
and the second segment overwrites the first one's files. So segments are named here, from
the OS's randomness (``secrets``: no state, the same in forked workers), through Whoosh's
own hook for it, ``Codec.new_segment``.
"""

from __future__ import annotations

import secrets
import string
from collections.abc import Iterable

from whoosh.codec.base import Segment
from whoosh.codec.whoosh3 import W3Codec, W3Segment
from whoosh.filedb.filestore import Storage

ID_CHARS = string.digits + string.ascii_lowercase  # as Whoosh's own names
ID_LENGTH = 16


def segment_id() -> str:
    """A new segment name, unique whatever `random` was seeded with."""
    return "".join(secrets.choice(ID_CHARS) for _ in range(ID_LENGTH))


class OwnNamesCodec(W3Codec):
    """Whoosh's W3 codec, naming new segments with :func:`segment_id`.

    The segment carries a plain W3Codec with the same settings: the table of contents
    pickles it, and an index must stay readable without this class."""

    def new_segment(self, storage: Storage, indexname: str) -> W3Segment:
        plain = W3Codec(blocklimit=self._blocklimit, compression=self._compression,
                        inlinelimit=self._inlinelimit)
        return W3Segment(plain, indexname, segid=segment_id())


def codec(blocklimit: int = 128) -> OwnNamesCodec:
    """The codec every writer of the index uses (128: Whoosh's default posting block)."""
    return OwnNamesCodec(blocklimit=blocklimit)


def missing_files(storage: Storage, segments: Iterable[Segment]) -> list[str]:
    """Files the segments need that are missing or empty (a few stat calls per segment).

    Every segment has a term index and postings; one with documents also has the id
    column (docnum -> paper id, which every search reads), the stored fields, and a
    length column for each field it holds text in (scoring reads them)."""
    missing = []
    for segment in segments:
        if not isinstance(segment, W3Segment) or segment.is_compound():
            continue  # not written by this app (compound=False everywhere)
        needed = [W3Codec.TERMS_EXT, W3Codec.POSTS_EXT]
        if segment.doc_count_all():
            needed += [".id.col", "._stored.col"]
            lengths = getattr(segment, "_fieldlengths", None) or {}
            needed += [f"._{name}_len.col" for name, total in lengths.items() if total]
        for ext in needed:
            name = segment.make_filename(ext)
            if not storage.file_exists(name) or not storage.file_length(name):
                missing.append(name)
    return missing
