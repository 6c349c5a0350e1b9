"""The searcher's view of the index's segments: a reader refreshed after a commit that
reuses what did not change, and paper ids by document number."""

from __future__ import annotations

import weakref
from typing import Any

from whoosh import index as windex
from whoosh.reading import EmptyReader, IndexReader, MultiReader, SegmentReader


def fresh_reader(ix: windex.Index, old: IndexReader) -> IndexReader:
    """A reader of the index's current segments that reuses `old`'s reader of every
    segment whose deletions did not change, and closes the others."""
    toc = ix._read_toc()
    previous = {
        r.segment().segment_id(): r for r, _ in old.leaf_readers() if r.segment() is not None
    }
    readers: list[IndexReader] = []
    for segment in toc.segments:
        reader = previous.pop(segment.segment_id(), None)
        if reader is not None and reader.segment().deleted_count() == segment.deleted_count():
            readers.append(reader)
            continue
        if reader is not None:
            reader.close()
        readers.append(SegmentReader(ix.storage, toc.schema, segment, generation=toc.generation))
    for reader in previous.values():
        reader.close()
    if not readers:
        return EmptyReader(toc.schema)
    if len(readers) == 1:
        return readers[0]
    return MultiReader(readers, generation=toc.generation)


# Paper ids by document number: each segment's id column read once, kept while the
# segment's reader lives (a searcher refreshed after an edit reuses the readers of the
# segments that did not change), and the whole index's list while its reader lives.
# Mapping each match through the column reader took 23 % of a search that lists every
# match (the GUI's).
_SEGMENT_IDS: weakref.WeakKeyDictionary[Any, list[int]] = weakref.WeakKeyDictionary()
_INDEX_IDS: weakref.WeakKeyDictionary[Any, list[int]] = weakref.WeakKeyDictionary()


def paper_ids(reader: IndexReader) -> list[int]:
    """The paper id of every document number of `reader` (deleted documents included:
    no search returns those)."""
    ids = _INDEX_IDS.get(reader)
    if ids is None:
        ids = []
        for leaf, offset in reader.leaf_readers():
            assert offset == len(ids), "segments in document order"
            ids.extend(_segment_ids(leaf))
        _INDEX_IDS[reader] = ids
    return ids


def _segment_ids(leaf: IndexReader) -> list[int]:
    ids = _SEGMENT_IDS.get(leaf)
    if ids is None:
        count = leaf.doc_count_all()
        if not count:
            ids = []
        else:
            column = leaf.column_reader("id")
            ids = [int(column[docnum]) for docnum in range(count)]
        _SEGMENT_IDS[leaf] = ids
    return ids


__all__ = ["fresh_reader", "paper_ids"]
