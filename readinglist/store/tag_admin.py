"""Tags across the library: rename, merge and delete them in one transaction each (their
colours follow: tag_colours.move_colours), and put papers' tags back as they were (undo)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from . import tag_colours
from .index_outbox import IndexOutboxMixin
from .rows import clean_tag


class TagAdminMixin(IndexOutboxMixin):
    """PaperStore's library-wide tag changes (a mixin: PaperStore is the class to use)."""

    def papers_tagged(self, tags: Sequence[str]) -> dict[int, tuple[str, ...]]:
        """The papers holding any of these tags (without case), with all their tags."""
        wanted = [clean_tag(t) for t in tags if clean_tag(t)]
        if not wanted:
            return {}
        marks = ", ".join("?" for _ in wanted)
        ids = [r[0] for r in self._q(
            f"SELECT DISTINCT paper_id FROM paper_tags WHERE tag IN ({marks}) "
            "ORDER BY paper_id", wanted)]
        result: dict[int, list[str]] = {i: [] for i in ids}
        if ids:
            id_marks = ", ".join("?" for _ in ids)
            for paper_id, tag in self._q(
                    f"SELECT paper_id, tag FROM paper_tags WHERE paper_id IN ({id_marks}) "
                    "ORDER BY tag COLLATE NOCASE", ids):
                result[paper_id].append(tag)
        return {i: tuple(t) for i, t in result.items()}

    def replace_tags(self, sources: Sequence[str], into: str | None) -> list[int]:
        """Every paper tagged with one of `sources` is tagged `into` instead (None: the
        tags are removed), and the colours follow. Returns the papers changed."""
        target = clean_tag(into) if into is not None else None
        with self.transaction():
            holders = self.papers_tagged(sources)
            gone = {clean_tag(s).casefold() for s in sources}
            for paper_id, tags in holders.items():
                kept = [t for t in tags if t.casefold() not in gone]
                if target and target.casefold() not in {t.casefold() for t in kept}:
                    kept.append(target)
                self.db.execute("DELETE FROM paper_tags WHERE paper_id = ?", [paper_id])
                self.db.conn.executemany(
                    "INSERT OR IGNORE INTO paper_tags(paper_id, tag) VALUES (?, ?)",
                    [(paper_id, t) for t in kept])
                self._touch(paper_id)
            tag_colours.move_colours(self, sources, into)
        return list(holders)

    def put_tags(self, tags_of: Mapping[int, Sequence[str]]) -> None:
        """Give papers exactly these tags (as they were before a rename: undo)."""
        with self.transaction():
            for paper_id, tags in tags_of.items():
                self._require(paper_id)
                self.db.execute("DELETE FROM paper_tags WHERE paper_id = ?", [paper_id])
                self.db.conn.executemany(
                    "INSERT OR IGNORE INTO paper_tags(paper_id, tag) VALUES (?, ?)",
                    [(paper_id, clean_tag(t)) for t in tags if clean_tag(t)])
                self._touch(paper_id)
