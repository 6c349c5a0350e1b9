"""Database schema as an ordered list of named migrations (sqlite-utils Migrations).

Never edit a released migration: add a new one. The schema version is the number of
migrations applied, mirrored into ``PRAGMA user_version`` for outside tools.
"""

from __future__ import annotations

import json
import re
import sqlite3
import uuid
from collections.abc import Callable

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from ..domain import ReadinglistError
from ..text.citation_keys import base_key, unique_key
from . import change_log

migrations = Migrations("readinglist")
MIGRATION_NAMES: list[str] = []


def _migration(fn: Callable[[Database], None]) -> Callable[[Database], None]:
    """Register a migration and remember its name, in order."""
    MIGRATION_NAMES.append(fn.__name__)
    return migrations()(fn)


@_migration
def m001_initial(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE papers (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            title_key TEXT NOT NULL,
            authors TEXT NOT NULL DEFAULT '[]',   -- JSON array, in author order
            year INTEGER,
            venue TEXT NOT NULL DEFAULT '',
            arxiv_id TEXT NOT NULL DEFAULT '',
            doi TEXT NOT NULL DEFAULT '',
            url TEXT NOT NULL DEFAULT '',
            abstract TEXT NOT NULL DEFAULT '',
            links TEXT NOT NULL DEFAULT '[]',     -- JSON array of URLs
            source TEXT NOT NULL DEFAULT '',
            status TEXT NOT NULL DEFAULT 'unread',
            note TEXT NOT NULL DEFAULT '',
            added TEXT NOT NULL,                  -- ISO 8601, UTC
            modified TEXT NOT NULL
        )
        """
    )
    for column in ("title_key", "arxiv_id", "doi", "status", "added", "year"):
        db.execute(f"CREATE INDEX idx_papers_{column} ON papers({column})")
    db.execute(
        """
        CREATE TABLE paper_tags (
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            tag TEXT NOT NULL COLLATE NOCASE,
            PRIMARY KEY (paper_id, tag)
        )
        """
    )
    db.execute("CREATE INDEX idx_paper_tags_tag ON paper_tags(tag)")
    # Outbox for the search index: every write that changes what search should see
    # inserts the paper id here in the same transaction (see indexing.py).
    db.execute(
        """
        CREATE TABLE index_outbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            paper_id INTEGER NOT NULL
        )
        """
    )
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute(
        "INSERT INTO meta(key, value) VALUES ('library_id', ?)", [uuid.uuid4().hex]
    )


@_migration
def m002_annotations(db: Database) -> None:
    # Highlights on a paper's abstract: character offsets plus the quoted text, so a
    # highlight can be found again after the abstract is corrected (re-anchoring).
    db.execute(
        """
        CREATE TABLE annotations (
            id INTEGER PRIMARY KEY,
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            start INTEGER NOT NULL,
            end INTEGER NOT NULL,
            quote TEXT NOT NULL,
            colour TEXT NOT NULL DEFAULT 'yellow',
            comment TEXT NOT NULL DEFAULT '',
            anchored INTEGER NOT NULL DEFAULT 1,   -- 0: the quote is no longer in the text
            created TEXT NOT NULL,
            modified TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX idx_annotations_paper ON annotations(paper_id)")


@_migration
def m003_status_history(db: Database) -> None:
    # Every status change with its time; dates started/finished are derived from it.
    db.execute(
        """
        CREATE TABLE status_history (
            id INTEGER PRIMARY KEY,
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            status TEXT NOT NULL,
            changed TEXT NOT NULL                 -- ISO 8601, UTC
        )
        """
    )
    db.execute("CREATE INDEX idx_status_history_paper ON status_history(paper_id, changed)")
    # What earlier libraries knew: added as unread, and the current status since the
    # last modification.
    db.execute(
        "INSERT INTO status_history (paper_id, status, changed) "
        "SELECT id, 'unread', added FROM papers"
    )
    db.execute(
        "INSERT INTO status_history (paper_id, status, changed) "
        "SELECT id, status, modified FROM papers WHERE status != 'unread'"
    )


@_migration
def m004_bibliography(db: Database) -> None:
    # What BibTeX and the other formats carry beyond the core fields, so an export gives
    # back what an import brought: entry type, a stable citation key, every other field.
    db.execute("ALTER TABLE papers ADD COLUMN entry_type TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE papers ADD COLUMN citation_key TEXT NOT NULL DEFAULT ''")
    db.execute("ALTER TABLE papers ADD COLUMN extra TEXT NOT NULL DEFAULT '{}'")  # JSON object
    taken: set[str] = set()
    for paper_id, title, authors, year in db.execute(
        "SELECT id, title, authors, year FROM papers ORDER BY id"
    ).fetchall():
        key = unique_key(base_key(title, json.loads(authors or "[]"), year), taken.__contains__)
        taken.add(key)
        db.execute("UPDATE papers SET citation_key = ? WHERE id = ?", [key, paper_id])
    db.execute(
        "CREATE UNIQUE INDEX idx_papers_citation_key ON papers(citation_key) "
        "WHERE citation_key != ''"
    )
    # Files attached to a paper: a copy in the library folder or a link to the user's file.
    db.execute(
        """
        CREATE TABLE attachments (
            id INTEGER PRIMARY KEY,
            paper_id INTEGER NOT NULL REFERENCES papers(id) ON DELETE CASCADE,
            path TEXT NOT NULL,         -- copies: relative to the library folder; links: absolute
            kind TEXT NOT NULL,         -- 'copy' | 'link'
            added TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX idx_attachments_paper ON attachments(paper_id)")
    # Text extracted from attached PDFs, indexed for search, kept apart from `papers` so
    # listing papers never reads it.
    db.execute(
        """
        CREATE TABLE fulltext (
            paper_id INTEGER PRIMARY KEY REFERENCES papers(id) ON DELETE CASCADE,
            text TEXT NOT NULL
        )
        """
    )


@_migration
def m005_reading_workflow(db: Database) -> None:
    # The statuses queued, skimmed and abandoned need no change: status is free text.
    db.execute("ALTER TABLE papers ADD COLUMN priority TEXT NOT NULL DEFAULT 'normal'")
    db.execute("ALTER TABLE papers ADD COLUMN rating INTEGER")  # 1-5, NULL: not rated
    db.execute("ALTER TABLE papers ADD COLUMN queue_position INTEGER")  # only while queued
    # Caches of what the status history says, kept in the same transaction as each
    # status change, so search and sorting can use them ("read:2026-11").
    db.execute("ALTER TABLE papers ADD COLUMN started TEXT")
    db.execute("ALTER TABLE papers ADD COLUMN finished TEXT")
    db.execute("ALTER TABLE papers ADD COLUMN note_created TEXT")
    db.execute("ALTER TABLE papers ADD COLUMN note_modified TEXT")
    db.execute(
        "UPDATE papers SET started = (SELECT min(changed) FROM status_history h "
        "WHERE h.paper_id = papers.id AND h.status = 'reading')"
    )
    db.execute(
        "UPDATE papers SET finished = (SELECT max(changed) FROM status_history h "
        "WHERE h.paper_id = papers.id AND h.status = papers.status) "
        "WHERE status IN ('read', 'skimmed')"
    )
    # The best earlier libraries knew of a note's times.
    db.execute("UPDATE papers SET note_created = modified, note_modified = modified "
               "WHERE note != ''")
    db.execute("CREATE INDEX idx_papers_queue ON papers(queue_position) "
               "WHERE queue_position IS NOT NULL")
    db.execute("CREATE INDEX idx_papers_finished ON papers(finished)")


@_migration
def m006_imports(db: Database) -> None:
    # The papers the last import added or found, in file order: the "Last import" view.
    db.execute("CREATE TABLE last_import (paper_id INTEGER PRIMARY KEY, position INTEGER "
               "NOT NULL, outcome TEXT NOT NULL)")
    # A status a paper arrived with (a bibliography imported as read): it was not read
    # on the day of the import, so it dates no reading (statistics, date finished).
    db.execute("ALTER TABLE status_history ADD COLUMN imported INTEGER NOT NULL DEFAULT 0")


@_migration
def m007_change_log(db: Database) -> None:
    # What every commit changed, written by triggers in the writer's own transaction: the
    # views of this process and of others (the GUI beside the CLI) update from it.
    change_log.create(db)


@_migration
def m008_trash(db: Database) -> None:
    # Deleting moves a paper to the Trash (when it went there; NULL: in the library), with
    # everything it has; emptying the Trash is the only permanent delete.
    db.execute("ALTER TABLE papers ADD COLUMN trashed TEXT")
    db.execute("CREATE INDEX idx_papers_trashed ON papers(trashed) WHERE trashed IS NOT NULL")
    change_log.create_update_trigger(db)  # the new column is logged too


@_migration
def m009_saved_searches(db: Database) -> None:
    # Queries saved under a name with the view they were made in (JSON: status, tag,
    # year, last import, queue); the change log tells the views when they change.
    db.execute("CREATE TABLE saved_searches (name TEXT PRIMARY KEY COLLATE NOCASE, "
               "query TEXT NOT NULL, view TEXT NOT NULL DEFAULT '{}', created TEXT NOT NULL)")
    for event in ("INSERT", "UPDATE", "DELETE"):
        db.execute(f"CREATE TRIGGER log_saved_searches_{event.lower()} AFTER {event} ON "
                   "saved_searches BEGIN INSERT INTO change_log (paper_id, kind) "
                   "VALUES (NULL, 'saved_searches'); END")


@_migration
def m010_inbox_status(db: Database) -> None:
    # One name per status everywhere: the inbox is stored as 'inbox', as the GUI called
    # it, not 'unread' (still accepted on input as an alias: domain.STATUS_ALIASES).
    db.execute("UPDATE papers SET status = 'inbox' WHERE status = 'unread'")
    db.execute("UPDATE status_history SET status = 'inbox' WHERE status = 'unread'")
    for name, query, view in db.execute(
            "SELECT name, query, view FROM saved_searches").fetchall():
        renamed = _inbox_saved_search(query, view)
        if renamed != (query, view):
            db.execute("UPDATE saved_searches SET query = ?, view = ? WHERE name = ?",
                       [*renamed, name])
    # The column default stays 'unread': SQLite changes a default only by rebuilding the
    # table, and rebuilding `papers` means dropping it under the tables that reference
    # it (ON DELETE CASCADE) and re-making its indexes and triggers. Every insert of ours
    # names the status; these triggers turn 'unread' written by anything else (a script
    # using sqlite-utils, the column default) into 'inbox', so a stored status is
    # always one of today's names.
    for event in ("INSERT", "UPDATE OF status"):
        db.execute(f"CREATE TRIGGER inbox_not_unread_{event.split()[0].lower()} AFTER "
                   f"{event} ON papers WHEN NEW.status = 'unread' BEGIN "
                   "UPDATE papers SET status = 'inbox' WHERE id = NEW.id; END")
    # The UPDATEs above logged a row per paper and per history entry (about 300,000 for
    # 100,000 papers), news to no one: this process's views start after the migration,
    # and a process still open on the file runs an older Readinglist. The log restarts
    # instead, with one row about nothing (a kind no reader acts on): a reader from
    # before finds the gap and rereads everything (change_log.read).
    db.execute("DELETE FROM change_log")
    db.execute("INSERT INTO change_log (paper_id, kind) VALUES (NULL, 'restart')")


# `status:unread` in a query, outside quoted phrases, in any case (not `status:unread*`).
_UNREAD_IN_QUERY = re.compile(r'"[^"]*"|(?<![\w:])(status:)unread(?![\w*?~-])',
                              re.IGNORECASE)


def _inbox_saved_search(query: str, view: str) -> tuple[str, str]:
    """A saved search's query and view JSON with 'unread' renamed 'inbox' (m010)."""
    query = _UNREAD_IN_QUERY.sub(
        lambda m: m.group(0) if m.group(0).startswith('"') else m.group(1) + "inbox", query)
    try:
        data = json.loads(view or "{}")
    except ValueError:  # unreadable: left for View.from_dict to make the best of
        return query, view
    if isinstance(data, dict) and str(data.get("status") or "").lower() == "unread":
        view = json.dumps({**data, "status": "inbox"})
    return query, view


@_migration
def m011_tag_colours(db: Database) -> None:
    # An optional colour per tag ("#rrggbb"; tags compare without case), a dot in the
    # sidebar and a chip in the table; the change log tells the views of every change.
    db.execute("CREATE TABLE tag_colours (tag TEXT PRIMARY KEY COLLATE NOCASE, "
               "colour TEXT NOT NULL)")
    change_log.log_library_table(db, "tag_colours", "tag_colours")


@_migration
def m012_sort_indexes(db: Database) -> None:
    # The library sorted by any column is read from an index on exactly the expression
    # and collation listing.SORT_KEYS sorts by, never sorted afresh (100,000 papers:
    # about 40 ms instead of 200 to 800). An index ends with the rowid, the paper's id,
    # so the id that breaks ties is the index's order too. Status, date added, year and
    # date finished have theirs (m001, m005); the queue and the Trash had partial ones.
    for name, expression in (
            ("title", "title COLLATE NOCASE"),
            ("authors", "authors COLLATE NOCASE"),
            ("priority", "CASE priority WHEN 'high' THEN 2 WHEN 'normal' THEN 1 ELSE 0 END"),
            ("rating", "rating"),
            ("modified", "modified"),
            ("queue", "queue_position"),
            ("trashed", "trashed")):
        db.execute(f"CREATE INDEX idx_papers_sort_{name} ON papers({expression})")
    # The papers of a tag (the sidebar's filter) from the index alone, without reading
    # each paper_tags row for its paper; it replaces the index of the tag alone.
    db.execute("CREATE INDEX idx_paper_tags_tag_paper ON paper_tags(tag, paper_id)")
    db.execute("DROP INDEX idx_paper_tags_tag")
    # Tags are rows of their own, so their sort key (every tag of a paper, joined) is kept
    # in a table of one row per paper, kept by triggers in the writer's transaction (by
    # whoever writes, as the change log is) and indexed. Nothing reads it but sorting:
    # what changed is logged by the triggers on paper_tags and papers (m007). A paper's
    # tags as the Tags column sorts them: joined by ", " in tag order (NULL: none).
    tag_list = ("(SELECT group_concat(tag, ', ') FROM (SELECT tag FROM paper_tags "
                "WHERE paper_id = {paper} ORDER BY tag))")
    db.execute("CREATE TABLE tag_lists (paper_id INTEGER PRIMARY KEY, "
               "tags TEXT COLLATE NOCASE)")
    db.execute("INSERT INTO tag_lists (paper_id, tags) SELECT id, "
               + tag_list.format(paper="papers.id") + " FROM papers")
    db.execute("CREATE INDEX idx_tag_lists_tags ON tag_lists(tags COLLATE NOCASE)")
    # INSERT OR REPLACE: a paper written again with its id (REPLACE fires no delete
    # trigger). Orphan tags (a paper_tags row of no paper) never make a row.
    db.execute("CREATE TRIGGER tag_lists_paper_added AFTER INSERT ON papers BEGIN "
               "INSERT OR REPLACE INTO tag_lists (paper_id, tags) VALUES (NEW.id, "
               + tag_list.format(paper="NEW.id") + "); END")
    db.execute("CREATE TRIGGER tag_lists_paper_removed AFTER DELETE ON papers BEGIN "
               "DELETE FROM tag_lists WHERE paper_id = OLD.id; END")
    db.execute("CREATE TRIGGER tag_lists_paper_renumbered AFTER UPDATE OF id ON papers "
               "WHEN OLD.id IS NOT NEW.id BEGIN "
               "DELETE FROM tag_lists WHERE paper_id = OLD.id; "
               "INSERT OR REPLACE INTO tag_lists (paper_id, tags) VALUES (NEW.id, "
               + tag_list.format(paper="NEW.id") + "); END")
    for event, rows in (("INSERT", ("NEW",)), ("DELETE", ("OLD",)),
                        ("UPDATE", ("OLD", "NEW"))):  # UPDATE: moved to another paper
        body = " ".join(
            f"UPDATE tag_lists SET tags = {tag_list.format(paper=f'{row}.paper_id')} "
            f"WHERE paper_id = {row}.paper_id;" for row in rows)
        db.execute(f"CREATE TRIGGER tag_lists_tags_{event.lower()} AFTER {event} ON "
                   f"paper_tags BEGIN {body} END")


SCHEMA_VERSION = len(MIGRATION_NAMES)


# -- before opening: a newer schema is refused, an older one backed up first ---------------


class NewerSchema(ReadinglistError):
    """The database was made by a newer Readinglist: refused, never downgraded or
    migrated (this version would not know what the newer one stored)."""


def pending_migrations(conn: sqlite3.Connection, where: str = "the library") -> list[str]:
    """Names of the migrations the database at `conn` still needs (read only: nothing is
    written). NewerSchema when it was made by a newer Readinglist."""
    version = int(conn.execute("PRAGMA user_version").fetchone()[0])
    db = Database(conn)
    applied = {m.name for m in migrations.applied(db)}
    unknown = sorted(applied - set(MIGRATION_NAMES))
    if version > SCHEMA_VERSION or unknown:
        schema = version if version > SCHEMA_VERSION else f"{SCHEMA_VERSION}+"
        raise NewerSchema(
            f"{where} was made by a newer Readinglist (schema {schema}; this one knows "
            f"{SCHEMA_VERSION}): update Readinglist to open it"
            + (f" (unknown migrations: {', '.join(unknown)})" if unknown else ""))
    return [m.name for m in migrations.pending(db)]
