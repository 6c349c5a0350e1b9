"""The change log: what every commit changed, for the views of this process and others.

Triggers on the tables write one row per changed paper (added, a column changed, removed,
its tags, highlights, files or full text) in the writer's own transaction, so the log can
never disagree with the data, whoever wrote it: this process, the CLI beside the open
app, or a script using sqlite-utils. A write reads the rows of its own transaction to
tell what it changed (`Changes`); a window that sees another process commit
(``PRAGMA data_version``) reads the rows it has not seen yet.

The log is pruned to its last KEEP rows; a reader that was further behind is told to
reread everything.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any, Protocol

from sqlite_utils import Database

from ..domain.changes import ANNOTATIONS, ATTACHMENTS, FULLTEXT, HISTORY, TAGS, Changes, changes_of


class PaperStore(Protocol):
    """What of the store this module uses (the store's schema imports this module)."""

    db: Database

    def _q(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[tuple]: ...

# Rows kept: a 20,000-paper import writes about 80,000 (a row per paper, per tag and per
# history entry); a window further behind than this is told to reread everything.
KEEP = 200_000
# Columns whose change is bookkeeping, not something a view shows.
UNLOGGED_COLUMNS = frozenset({"id", "modified", "title_key"})
# Row kinds other than a changed column: the pseudo-field each stands for.
_KIND_FIELDS = {"tags": TAGS, "annotations": ANNOTATIONS, "attachments": ATTACHMENTS,
                "fulltext": FULLTEXT, "history": HISTORY}


def create(db: Database) -> None:
    """The log table and its triggers (migration m007)."""
    db.execute(
        """
        CREATE TABLE change_log (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,  -- never reused, so gaps mean pruning
            paper_id INTEGER,                       -- NULL: about the library as a whole
            kind TEXT NOT NULL,  -- added | changed | removed | tags | annotations | ...
            fields TEXT NOT NULL DEFAULT ''         -- for 'changed': "title,year,"
        )
        """
    )
    db.execute("CREATE TRIGGER log_paper_added AFTER INSERT ON papers BEGIN "
               "INSERT INTO change_log (paper_id, kind) VALUES (NEW.id, 'added'); END")
    db.execute("CREATE TRIGGER log_paper_removed AFTER DELETE ON papers BEGIN "
               "INSERT INTO change_log (paper_id, kind) VALUES (OLD.id, 'removed'); END")
    create_update_trigger(db)
    for table, kind, events in (("paper_tags", "tags", ("INSERT", "UPDATE", "DELETE")),
                                ("annotations", "annotations", ("INSERT", "UPDATE", "DELETE")),
                                ("attachments", "attachments", ("INSERT", "UPDATE", "DELETE")),
                                ("fulltext", "fulltext", ("INSERT", "UPDATE", "DELETE")),
                                ("status_history", "history", ("INSERT", "UPDATE", "DELETE"))):
        for event in events:
            row = "OLD" if event == "DELETE" else "NEW"
            body = f"INSERT INTO change_log (paper_id, kind) VALUES ({row}.paper_id, '{kind}');"
            if event == "UPDATE":  # moved to another paper (a merge): both changed
                body += (" INSERT INTO change_log (paper_id, kind) SELECT OLD.paper_id, "
                         f"'{kind}' WHERE OLD.paper_id IS NOT NEW.paper_id;")
            db.execute(f"CREATE TRIGGER log_{table}_{event.lower()} AFTER {event} ON {table} "
                       f"BEGIN {body} END")


def create_update_trigger(db: Database) -> None:
    """(Re)create the trigger that logs which columns of a paper changed. A migration
    that adds a column to `papers` calls this again, so the new column is logged too."""
    db.execute("DROP TRIGGER IF EXISTS log_paper_changed")
    columns = [row[1] for row in db.execute("PRAGMA table_info(papers)").fetchall()
               if row[1] not in UNLOGGED_COLUMNS]
    # Column names come from the schema itself, not from any user input.
    names = " || ".join(
        f"CASE WHEN OLD.{c} IS NOT NEW.{c} THEN '{c},' ELSE '' END" for c in columns)
    differ = " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in columns)
    db.execute(
        f"CREATE TRIGGER log_paper_changed AFTER UPDATE ON papers WHEN {differ} BEGIN "
        f"INSERT INTO change_log (paper_id, kind, fields) VALUES (NEW.id, 'changed', {names});"
        " END"
    )


def log_library_table(db: Database, table: str, kind: str) -> None:
    """Triggers that log every change to `table`, a table about the library as a whole
    (no paper), as one row of `kind` (migrations m009 and later)."""
    # Names come from the migrations, not from any user input.
    for event in ("INSERT", "UPDATE", "DELETE"):
        db.execute(f"CREATE TRIGGER log_{table}_{event.lower()} AFTER {event} ON {table} "
                   f"BEGIN INSERT INTO change_log (paper_id, kind) VALUES (NULL, '{kind}'); "
                   "END")


def last_seq(store: PaperStore) -> int:
    """The position of the last change committed (or written by this thread's write)."""
    rows = store._q("SELECT seq FROM sqlite_sequence WHERE name = 'change_log'")
    return int(rows[0][0]) if rows else 0


def note(store: PaperStore, kind: str, paper_id: int | None = None) -> None:
    """Log a change no trigger sees (the last import's list). Inside a write."""
    store.db.execute("INSERT INTO change_log (paper_id, kind) VALUES (?, ?)", [paper_id, kind])


def read(store: PaperStore, after: int, upto: int | None = None,
         skip: list[tuple[int, int]] | None = None) -> tuple[Changes, int]:
    """What changed after position `after` (up to `upto`), and the last position read.

    `skip` lists ranges (first, last) of positions already told (this process's own
    writes). When rows after `after` were pruned away, the Changes says `everything`.
    """
    sql = "SELECT seq, paper_id, kind, fields FROM change_log WHERE seq > ?"
    params: list[int] = [after]
    if upto is not None:
        sql += " AND seq <= ?"
        params.append(upto)
    rows = store._q(sql + " ORDER BY seq", params)
    end = rows[-1][0] if rows else after
    oldest = store._q("SELECT min(seq) FROM change_log")[0][0]
    pruned = oldest is not None and oldest > after + 1  # rows are deleted only by prune()
    first: dict[int, str] = {}  # a paper's first and last "added"/"removed"
    last: dict[int, str] = {}
    changed: defaultdict[int, set[str]] = defaultdict(set)
    last_import = saved = colours = False
    for seq, paper_id, kind, fields in rows:
        if skip and any(start <= seq <= stop for start, stop in skip):
            continue
        if kind in ("added", "removed"):
            first.setdefault(paper_id, kind)
            last[paper_id] = kind
        elif kind == "changed":
            changed[paper_id].update(f for f in fields.split(",") if f)
        elif kind == "last_import":
            last_import = True
        elif kind == "saved_searches":
            saved = True
        elif kind == "tag_colours":
            colours = True
        elif kind in _KIND_FIELDS and paper_id is not None:
            changed[paper_id].add(_KIND_FIELDS[kind])
    added, removed = set(), set()
    for paper_id, kind in first.items():
        if kind == "added" and last[paper_id] == "added":
            added.add(paper_id)
        elif kind == "removed" and last[paper_id] == "removed":
            removed.add(paper_id)
        elif kind == "removed":  # removed and put back (an undone merge): it changed
            changed[paper_id].add("restored")
        else:  # added and removed again: it never showed
            changed.pop(paper_id, None)
    changes = changes_of(added, changed, removed, last_import=last_import,
                         saved_searches=saved, tag_colours=colours, everything=pruned)
    return changes, end


def prune(store: PaperStore, keep: int = KEEP) -> None:
    """Drop all but the last `keep` rows. Inside a write."""
    store.db.execute("DELETE FROM change_log WHERE seq <= "
                     "(SELECT seq FROM sqlite_sequence WHERE name = 'change_log') - ?", [keep])
