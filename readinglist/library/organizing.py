"""Keeping a library in order: tags renamed, merged, deleted and coloured across it, and
the Trash (delete, restore, empty). A service the Library holds and forwards to; every
method is one write through the library's writer and returns what it changed."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from ..domain import Priority, ReadinglistError, SavedSearch, Status, View, check_rating
from ..domain.changes import Changes
from ..domain.tag_colours import TagInfo, parse_colour
from ..store import saved_searches, tag_colours
from ..store.paper_store import PaperStore, clean_tag, utc_now
from ..store.writer import Writer


class Unset:
    """No value given (a rating of None means: clear it)."""


UNSET = Unset()


class Organizing:
    def __init__(self, store: PaperStore, writer: Writer) -> None:
        self.store = store
        self.writer = writer

    # -- a selection at once -------------------------------------------------------------

    def edit_many(self, paper_ids: Sequence[int], *, status: Status | str | None = None,
                  priority: Priority | str | None = None, add_tags: Sequence[str] = (),
                  remove_tags: Sequence[str] = (), rating: int | Unset | None = UNSET
                  ) -> Changes:
        """Give many papers a status, a priority and/or a rating (None clears it), and add
        and remove tags, in one transaction (a batch edit of the table's selection)."""
        fields: dict[str, str | int | None] = {}
        if not isinstance(rating, Unset):
            try:
                fields["rating"] = check_rating(rating)
            except ValueError as exc:
                raise ReadinglistError(str(exc)) from None
        if status is not None:
            fields["status"] = Status.parse(status).value
        if priority is not None:
            fields["priority"] = Priority.parse(priority).value
        with self.writer.write() as write:
            for paper_id in paper_ids:
                if fields:
                    self.store.update_fields(paper_id, dict(fields))
                if add_tags or remove_tags:
                    tags = self.store.get_paper(paper_id).tags
                    self.store.set_tags(paper_id, tags_after(tags, add_tags, remove_tags))
        return write.changes

    def restore_many(self, before: Mapping[int, tuple[Status | None, Priority | None,
                                                      tuple[str, ...] | None]],
                     queue: Sequence[int] | None = None,
                     ratings: Mapping[int, int | None] | None = None) -> Changes:
        """Give papers back their status, priority and tags (None: leave it), their
        `ratings`, and the queue its order, in one transaction (undo of a batch edit)."""
        with self.writer.write() as write:
            for paper_id, rating in (ratings or {}).items():
                self.store.update_fields(paper_id, {"rating": rating})
            for paper_id, (status, priority, tags) in before.items():
                fields = {name: value.value for name, value in
                          (("status", status), ("priority", priority)) if value is not None}
                if fields:
                    self.store.update_fields(paper_id, fields)
                if tags is not None:
                    self.store.set_tags(paper_id, tags)
            if queue is not None:
                self.store.set_queue_order(queue)
        return write.changes

    # -- saved searches ------------------------------------------------------------------

    def saved_searches(self) -> list[SavedSearch]:
        """Every saved search, by name."""
        return saved_searches.all_saved(self.store)

    def save_search(self, name: str, query: str, view: View | None = None,
                    replace: bool = False) -> Changes:
        """Save a query (with the view it was made in) under a name; a name in use is
        refused unless `replace` (editing a saved search)."""
        with self.writer.write() as write:
            saved_searches.save(self.store, SavedSearch(name, query, view or View()), replace)
        return write.changes

    def rename_saved_search(self, old: str, new: str) -> Changes:
        with self.writer.write() as write:
            saved = saved_searches.delete(self.store, old)
            saved_searches.save(self.store, SavedSearch(new, saved.query, saved.view))
        return write.changes

    def delete_saved_search(self, name: str) -> Changes:
        with self.writer.write() as write:
            saved_searches.delete(self.store, name)
        return write.changes

    # -- tags across the library ----------------------------------------------------------

    def rename_tag(self, old: str, new: str) -> Changes:
        """Rename a tag on every paper that has it (tags compare without case; renaming
        into a tag that exists merges the two). ReadinglistError for an unknown tag."""
        return self.merge_tags([old], new)

    def merge_tags(self, sources: Sequence[str], into: str) -> Changes:
        """Every paper tagged with one of `sources` is tagged `into` instead."""
        if not clean_tag(into):
            raise ReadinglistError("a tag needs a name")
        return self._replace_tags(sources, into)

    def delete_tag(self, name: str) -> Changes:
        """Remove a tag from every paper that has it."""
        return self._replace_tags([name], None)

    def _replace_tags(self, sources: Sequence[str], into: str | None) -> Changes:
        # Papers in the Trash keep their tags renamed too: restored, they match the rest.
        known = {tag.casefold() for tags in self.store.papers_tagged(sources).values()
                 for tag in tags}
        unknown = [s for s in sources if clean_tag(s).casefold() not in known]
        if unknown or not sources:
            raise ReadinglistError(f"no tag {unknown[0]!r} in the library" if unknown
                                   else "name at least one tag")
        with self.writer.write() as write:
            self.store.replace_tags(sources, into)
        return write.changes

    def papers_tagged(self, tags: Sequence[str]) -> dict[int, tuple[str, ...]]:
        """The papers holding any of these tags, with all their tags (what an undo of a
        rename, merge or delete gives back to :meth:`put_tags`)."""
        return self.store.papers_tagged(tags)

    def put_tags(self, tags_of: dict[int, tuple[str, ...]],
                 colours: Mapping[str, str | None] | None = None) -> Changes:
        """Give papers exactly these tags, and the tags of `colours` exactly those colours
        (None: none), in one transaction (undo of a tag change)."""
        with self.writer.write() as write:
            self.store.put_tags(tags_of)
            if colours:  # under the papers' spelling of each tag, now that they have it
                tag_colours.put_colours(self.store, {self._spelling(clean_tag(tag)): colour
                                                     for tag, colour in colours.items()})
        return write.changes

    # -- tag colours ---------------------------------------------------------------------

    def tags(self) -> list[TagInfo]:
        """The library's tags (outside the Trash) with their counts and colours, by name."""
        counts = self.store.tag_counts()
        colours = self.tag_colours_of(list(counts))
        return [TagInfo(tag, n, colours[tag]) for tag, n in counts.items()]

    def tag_colours(self) -> dict[str, str]:
        """Every tag's colour ("#rrggbb"), by tag name as the colour was set. Tags compare
        without case: look a tag up by ``casefold()``."""
        return tag_colours.all_colours(self.store)

    def tag_colours_of(self, tags: Sequence[str]) -> dict[str, str | None]:
        """The colour of each of these tags (None: none), keyed as given (what an undo
        gives back to :meth:`put_tags`)."""
        return tag_colours.colours_of(self.store, tags)

    def set_tag_colour(self, tag: str, colour: str | None) -> Changes:
        """Give a tag a colour: "#rrggbb" or a palette name (TAG_PALETTE); None takes its
        colour away. ReadinglistError for a bad colour or a tag no paper has (a colour
        can be taken away from any tag)."""
        name = clean_tag(tag)
        if not name:
            raise ReadinglistError("a tag needs a name")
        value = parse_colour(colour) if colour is not None else None
        if value is not None and not self.store.papers_tagged([name]):
            raise ReadinglistError(f"no tag {name!r} in the library")
        with self.writer.write() as write:
            tag_colours.set_colour(self.store, self._spelling(name), value)
        return write.changes

    def _spelling(self, tag: str) -> str:
        """The tag as the library spells it (the papers' spelling, not the user's)."""
        folded = tag.casefold()
        return next((t for t in self.store.tag_counts() if t.casefold() == folded), tag)

    # -- the Trash -----------------------------------------------------------------------

    def delete(self, *paper_ids: int) -> Changes:
        """Move papers to the Trash, with everything they have (tags, note, highlights,
        history, queue place): restorable with :meth:`restore`. Trashed papers are in no
        list, search, count or export; :meth:`empty_trash` deletes them for good."""
        with self.writer.write() as write:
            self.store.set_trashed(paper_ids, utc_now().isoformat())
        return write.changes

    def restore(self, *paper_ids: int) -> Changes:
        """Put papers back from the Trash, as they were."""
        with self.writer.write() as write:
            self.store.set_trashed(paper_ids, None)
        return write.changes

    def trash_ids(self) -> list[int]:
        """The papers in the Trash, the most recently thrown away first."""
        return self.store.list_ids(sort="trashed", descending=True, trash=True)

    def trash_count(self) -> int:
        return self.store.trash_count()

    def empty_trash(self, paper_ids: Sequence[int] | None = None) -> Changes:
        """Delete papers of the Trash for good (all of them, or those of `paper_ids` that
        are in it): the only permanent delete, and it cannot be undone."""
        trashed = set(self.trash_ids())
        doomed = [i for i in (paper_ids if paper_ids is not None else trashed) if i in trashed]
        with self.writer.write() as write:
            for paper_id in doomed:
                self.store.delete_paper(paper_id)
        return write.changes


def tags_after(tags: Iterable[str], add: Iterable[str] = (),
               remove: Iterable[str] = ()) -> list[str]:
    """A paper's tags with `remove` taken out and `add` put in (without case; the first
    spelling of a tag is kept)."""
    removing = {clean_tag(t).casefold() for t in remove}
    kept = [t for t in tags if t.casefold() not in removing]
    for tag in map(clean_tag, add):
        if tag and tag.casefold() not in {t.casefold() for t in kept}:
            kept.append(tag)
    return kept
