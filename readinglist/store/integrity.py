"""The database's own checks for `readinglist check`, and the repairs it can make.

Read on a connection of its own that never writes (SQLite's integrity and foreign key
checks, rows of papers that no longer exist, text that is not valid UTF-8, attachment
rows); repairs run inside the library's write transaction, on the writer's connection.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .database_file import TEXT_FACTORY, connect_read_only

# Tables whose rows belong to a paper (paper_id), and are orphans once it is gone. The
# index outbox and the change log keep ids of deleted papers on purpose (the index must
# drop them; other processes must hear of it), so they are not among them.
PAPER_TABLES = ("paper_tags", "annotations", "status_history", "attachments", "fulltext",
                "last_import")
SHOWN_CHARS = 60  # of a damaged text, in the report


@dataclass(frozen=True)
class BadText:
    """A stored text that is not valid UTF-8 (disk or copy damage)."""

    table: str
    rowid: int
    column: str
    paper_id: int | None
    text: str  # as read with U+FFFD for the bad bytes: what a repair writes

    def describe(self) -> str:
        owner = f"paper #{self.paper_id}" if self.paper_id is not None else \
            f"{self.table} row {self.rowid}"
        shown = self.text if len(self.text) <= SHOWN_CHARS else \
            self.text[:SHOWN_CHARS] + "…"
        where = self.column if self.table == "papers" else f"{self.table}.{self.column}"
        return f"{owner}, {where}: {shown!r}"


@contextmanager
def reading(database: Path) -> Iterator[sqlite3.Connection]:
    """A connection of its own to the database that cannot write to it."""
    conn, _immutable = connect_read_only(database)
    try:
        yield conn
    finally:
        conn.close()


def integrity_problems(conn: sqlite3.Connection, limit: int = 20) -> list[str]:
    """What ``PRAGMA integrity_check`` finds (empty: the file is sound)."""
    try:
        rows = [str(row[0]) for row in conn.execute(f"PRAGMA integrity_check({limit})")]
    except sqlite3.DatabaseError as exc:  # so damaged that the check cannot run
        return [str(exc)]
    return [] if rows == ["ok"] else rows


def foreign_key_problems(conn: sqlite3.Connection) -> list[tuple[str, int, str]]:
    """(table, rowid, parent table) of every row whose reference leads nowhere."""
    return [(str(table), int(rowid), str(parent)) for table, rowid, parent, _fk in
            conn.execute("PRAGMA foreign_key_check") if rowid is not None]


def _tables(conn: sqlite3.Connection) -> list[str]:
    return [str(row[0]) for row in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name")]


def _columns(conn: sqlite3.Connection, table: str) -> list[str]:
    return [str(row[1]) for row in conn.execute(f'PRAGMA table_info("{table}")')]


def orphan_rows(conn: sqlite3.Connection) -> dict[str, list[int]]:
    """Rowids, by table, of rows that belong to a paper the library no longer has."""
    tables = set(_tables(conn))
    found: dict[str, list[int]] = {}
    for table in PAPER_TABLES:
        if table not in tables:
            continue
        rows = [int(row[0]) for row in conn.execute(
            f'SELECT rowid FROM "{table}" WHERE paper_id NOT IN (SELECT id FROM papers)')]
        if rows:
            found[table] = rows
    return found


def undecodable_text(conn: sqlite3.Connection) -> list[BadText]:
    """Every stored text that is not valid UTF-8, in every table."""
    found: list[BadText] = []
    tables = {table: _columns(conn, table) for table in _tables(conn)}
    conn.text_factory = bytes  # the raw bytes, to find the bad ones
    try:
        for table, columns in tables.items():
            owner = "rowid" if table == "papers" else (
                "paper_id" if "paper_id" in columns else "NULL")
            picks = ", ".join(f"""CASE WHEN typeof("{c}") = 'text' THEN "{c}" END"""
                              for c in columns)
            for row in conn.execute(f'SELECT rowid, {owner}, {picks} FROM "{table}"'):
                rowid, paper_id, values = row[0], row[1], row[2:]
                for column, value in zip(columns, values, strict=True):
                    if not isinstance(value, bytes):
                        continue
                    try:
                        value.decode("utf-8")
                    except UnicodeDecodeError:
                        found.append(BadText(table, int(rowid), column,
                                             int(paper_id) if paper_id is not None else None,
                                             TEXT_FACTORY(value)))
    finally:
        conn.text_factory = TEXT_FACTORY
    return found


def attachment_rows(conn: sqlite3.Connection) -> list[tuple[int, str, str]]:
    """(paper id, stored path, 'copy' or 'link') of every attachment."""
    if "attachments" not in _tables(conn):
        return []
    return [(int(p), str(path), str(kind)) for p, path, kind in
            conn.execute("SELECT paper_id, path, kind FROM attachments ORDER BY paper_id")]


# -- repairs (inside the library's write, on the writer's connection) ----------------------------


def delete_rows(conn: sqlite3.Connection, table: str, rowids: list[int]) -> int:
    if table not in PAPER_TABLES:
        raise ValueError(f"not a table of paper rows: {table}")
    for start in range(0, len(rowids), 500):
        chunk = rowids[start:start + 500]
        conn.execute(f'DELETE FROM "{table}" WHERE rowid IN ({",".join("?" * len(chunk))})',
                     chunk)
    return len(rowids)


def rewrite_text(conn: sqlite3.Connection, bad: BadText) -> bool:
    """Store the text as read with U+FFFD for its bad bytes. False when the database
    refuses it (the repaired text would duplicate a unique one)."""
    try:
        conn.execute("SAVEPOINT rewrite_text")
        conn.execute(f'UPDATE "{bad.table}" SET "{bad.column}" = ? WHERE rowid = ?',
                     [bad.text, bad.rowid])
        conn.execute("RELEASE rewrite_text")
        return True
    except sqlite3.IntegrityError:
        conn.execute("ROLLBACK TO rewrite_text")
        conn.execute("RELEASE rewrite_text")
        return False


def reindex_database(conn: sqlite3.Connection) -> None:
    """SQLite's REINDEX: rebuilds every index of the file from its tables (what the
    integrity check's "missing from index" and "wrong # of entries" call for)."""
    conn.execute("REINDEX")


__all__ = ["PAPER_TABLES", "BadText", "attachment_rows", "delete_rows",
           "foreign_key_problems", "integrity_problems", "orphan_rows", "reading",
           "reindex_database", "rewrite_text", "undecodable_text"]
