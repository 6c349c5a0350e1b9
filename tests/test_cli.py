"""The `readinglist` command line, run as a subprocess against temporary libraries.

One library holding the 68 seed papers is imported once per module; tests that only
read use it as it is, tests that change it work on a copy (``library`` fixture).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from readinglist.system.locations import ENV_LIBRARY, sample_page_path

SEED = sample_page_path()
SEED_COUNT = 68
MODEL_SOUPS = 28  # "Model soups: averaging weights of multiple fine-tuned models ..."
SUBCOMMANDS = (
    "gui",
    "import",
    "list",
    "search",
    "show",
    "tag",
    "status",
    "note",
    "delete",
    "reindex",
    "info",
)


def cli_env(data_home: Path, **extra: str) -> dict[str, str]:
    """The environment for a CLI run: offscreen Qt, no inherited library, and a private
    user-data folder so that a run which ignores --library cannot touch real data."""
    env = {k: v for k, v in os.environ.items() if k != ENV_LIBRARY}
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["XDG_DATA_HOME"] = str(data_home)
    env["PYTHONIOENCODING"] = "utf-8"
    env.update(extra)
    return env


def run(
    *args: str | Path,
    library: Path | None,
    input: str | None = None,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """`python -m readinglist [--library DIR] ARGS...`; never raises on a non-zero exit."""
    command: list[str] = [sys.executable, "-m", "readinglist"]
    if library is not None:
        command += ["--library", str(library)]
    command += [str(a) for a in args]
    if env is None:
        home = library.parent if library is not None else Path.cwd()
        env = cli_env(home / "xdg-data")
    return subprocess.run(
        command,
        input=input,
        stdin=subprocess.DEVNULL if input is None else None,
        capture_output=True,
        text=True,
        encoding="utf-8",
        env=env,
        timeout=120,
    )


def ok(result: subprocess.CompletedProcess[str]) -> str:
    """stdout of a run that must succeed (the assertion shows stderr when it did not)."""
    assert result.returncode == 0, f"exit {result.returncode}\n{result.stderr}"
    assert "Traceback" not in result.stderr
    return result.stdout


def run_json(*args: str | Path, library: Path | None, **kwargs: Any) -> Any:
    return json.loads(ok(run(*args, "--json", library=library, **kwargs)))


def search_ids(library: Path, query: str) -> list[int]:
    return [hit["id"] for hit in run_json("search", query, library=library)["hits"]]


def list_ids(library: Path, *filters: str) -> list[int]:
    return [paper["id"] for paper in run_json("list", *filters, library=library)]


def assert_user_error(result: subprocess.CompletedProcess[str], code: int = 1) -> str:
    """A user error: the exit code, no traceback, and one message line on stderr."""
    assert result.returncode == code, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    if code == 2:  # argparse: a usage line, then the message
        assert lines[-1].startswith("readinglist"), lines
        assert "error:" in lines[-1]
    else:
        assert len(lines) == 1, lines
        assert lines[0].startswith("readinglist: error: "), lines
    return lines[-1]


# -- fixtures --------------------------------------------------------------------------


@dataclass(frozen=True)
class Prepared:
    folder: Path
    first_import: subprocess.CompletedProcess[str]


@pytest.fixture(scope="module")
def prepared(tmp_path_factory: pytest.TempPathFactory) -> Prepared:
    """A library holding the seed papers (ids 1..68), imported once for the module.

    Tests must not change it; the `library` fixture gives a copy for those that do.
    """
    folder = tmp_path_factory.mktemp("prepared") / "lib"
    result = run("import", SEED, library=folder)
    return Prepared(folder, result)


@pytest.fixture
def seeded(prepared: Prepared) -> Path:
    """The shared seeded library, for tests that only read."""
    ok(prepared.first_import)
    return prepared.folder


@pytest.fixture
def library(prepared: Prepared, tmp_path: Path) -> Path:
    """A private copy of the seeded library, for tests that change it."""
    ok(prepared.first_import)
    folder = tmp_path / "lib"
    shutil.copytree(prepared.folder, folder)
    return folder


# -- importing ---------------------------------------------------------------------------


def test_import_seed_adds_68_in_page_order(prepared: Prepared) -> None:
    out = ok(prepared.first_import)
    assert f"{SEED_COUNT} added, 0 already present, 0 failed" in out
    papers = run_json("list", library=prepared.folder)
    assert [p["id"] for p in papers] == list(range(1, SEED_COUNT + 1))
    assert papers[MODEL_SOUPS - 1]["title"].startswith("Model soups: ")


def test_import_again_adds_nothing(library: Path, tmp_path: Path) -> None:
    report_file = tmp_path / "report.json"
    out = ok(run("import", SEED, "--report", report_file, library=library))
    assert f"0 added, {SEED_COUNT} already present, 0 failed" in out
    assert "already present (" not in out  # counted, not listed one by one
    [report] = json.loads(report_file.read_text(encoding="utf-8"))
    entries = report["entries"]
    assert len(entries) == SEED_COUNT
    assert {e["outcome"] for e in entries} == {"already present"}
    soups = entries[MODEL_SOUPS - 1]
    assert soups["id"] == MODEL_SOUPS and soups["title"].startswith("Model soups")
    assert soups["line"] and "same record" in soups["detail"]
    assert run_json("info", library=library)["papers"] == SEED_COUNT


def test_import_json_report(library: Path) -> None:
    [report] = run_json("import", SEED, library=library)
    assert report["error"] is None
    assert report["added"] == []
    assert len(report["already_present"]) == SEED_COUNT


def test_import_sample_adds_68(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    out = ok(run("import", "--sample", library=folder))
    assert f"{SEED_COUNT} added" in out
    assert run_json("info", library=folder)["papers"] == SEED_COUNT
    assert search_ids(folder, 'title:"model soups"') == [MODEL_SOUPS]


def test_import_missing_file_fails_naming_it(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-papers.txt"
    result = run("import", missing, library=tmp_path / "lib")
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert str(missing) in result.stdout + result.stderr
    assert "no such file" in result.stdout + result.stderr


def test_import_missing_file_message_is_on_stderr(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-papers.txt"
    line = assert_user_error(run("import", missing, library=tmp_path / "lib"))
    assert str(missing) in line


def test_import_without_files_is_a_user_error(tmp_path: Path) -> None:
    line = assert_user_error(run("import", library=tmp_path / "lib"))
    assert "--sample" in line


# -- searching, showing, listing -------------------------------------------------------------


def test_search_title_phrase_json(seeded: Path) -> None:
    data = run_json("search", 'title:"model soups"', library=seeded)
    assert data["query"] == 'title:"model soups"'
    assert data["total"] == 1
    assert [hit["id"] for hit in data["hits"]] == [MODEL_SOUPS]
    hit = data["hits"][0]
    assert hit["snippet_field"] == "title"
    assert "[soups]" in hit["snippet_marked"]
    assert "[" not in hit["snippet"]


def test_search_text_output(seeded: Path) -> None:
    out = ok(run("search", 'title:"model soups"', library=seeded))
    assert f"{MODEL_SOUPS:>5}  inbox " in out
    assert out.rstrip().endswith("1 match(es)")


def test_search_limit(seeded: Path) -> None:
    data = run_json("search", "model", "--limit", "3", library=seeded)
    assert len(data["hits"]) == 3
    assert data["total"] > 3


def test_show_text_contains_title(seeded: Path) -> None:
    out = ok(run("show", str(MODEL_SOUPS), library=seeded))
    assert out.startswith(f"#{MODEL_SOUPS}\n")
    assert "Model soups: averaging weights of multiple fine-tuned models" in out
    assert "Status:   inbox" in out


def test_show_json(seeded: Path) -> None:
    paper = run_json("show", str(MODEL_SOUPS), library=seeded)
    assert paper["id"] == MODEL_SOUPS
    assert paper["title"].startswith("Model soups")
    assert paper["links"] == ["https://github.com/mlfoundations/model-soups"]


def test_info_json(seeded: Path) -> None:
    info = run_json("info", library=seeded)
    assert info["papers"] == SEED_COUNT
    assert info["library"] == str(seeded)
    assert info["status"]["inbox"] == SEED_COUNT
    assert info["index"]["ready"] is True
    assert info["index"]["documents"] == SEED_COUNT


def test_help_lists_subcommands(tmp_path: Path) -> None:
    out = ok(run("--help", library=None, env=cli_env(tmp_path)))
    for name in SUBCOMMANDS:
        assert f"    {name} " in out, name


# -- changing papers ------------------------------------------------------------------------


def test_tag_add_and_remove(library: Path) -> None:
    ok(run("tag", str(MODEL_SOUPS), "+x", library=library))
    assert list_ids(library, "--tag", "x") == [MODEL_SOUPS]
    out = ok(run("tag", str(MODEL_SOUPS), "+llm", "-x", library=library))
    assert out.strip() == f"#{MODEL_SOUPS} tags: llm"
    assert list_ids(library, "--tag", "llm") == [MODEL_SOUPS]
    assert list_ids(library, "--tag", "x") == []
    assert search_ids(library, "tag:llm") == [MODEL_SOUPS]
    assert search_ids(library, "tag:x") == []


def test_status(library: Path) -> None:
    out = ok(run("status", str(MODEL_SOUPS), "read", library=library))
    assert out.strip() == f"#{MODEL_SOUPS} status: read"
    assert list_ids(library, "--status", "read") == [MODEL_SOUPS]
    assert search_ids(library, "status:read") == [MODEL_SOUPS]
    assert len(list_ids(library, "--status", "inbox")) == SEED_COUNT - 1


@pytest.mark.parametrize("dash", [False, True], ids=["no-text", "dash"])
def test_note_from_stdin(library: Path, dash: bool) -> None:
    text = "Compare with ensembling.\nThe zebrafinch baseline is missing.\n"
    args = ["note", str(MODEL_SOUPS)] + (["-"] if dash else [])
    out = ok(run(*args, library=library, input=text))
    assert out.startswith(f"#{MODEL_SOUPS} note saved")
    note = run_json("show", str(MODEL_SOUPS), library=library)["note"]
    assert note.strip() == text.strip()
    data = run_json("search", "note:zebrafinch", library=library)
    assert [hit["id"] for hit in data["hits"]] == [MODEL_SOUPS]
    assert data["hits"][0]["snippet_field"] == "note"


def test_note_from_argument(library: Path) -> None:
    ok(run("note", str(MODEL_SOUPS), "Read the greedy soup section", library=library))
    assert run_json("show", str(MODEL_SOUPS), library=library)["note"] == (
        "Read the greedy soup section"
    )
    assert search_ids(library, "note:greedy") == [MODEL_SOUPS]
    assert "Note:\nRead the greedy soup section" in ok(run("show", "28", library=library))


def test_delete(library: Path) -> None:
    out = ok(run("delete", str(MODEL_SOUPS), library=library))
    assert out.startswith(f"#{MODEL_SOUPS} moved to the Trash: Model soups")
    assert f"restore {MODEL_SOUPS}" in out
    ids = list_ids(library)
    assert MODEL_SOUPS not in ids
    assert len(ids) == SEED_COUNT - 1
    assert search_ids(library, 'title:"model soups"') == []
    soups = search_ids(library, "soups")
    assert soups != []  # another paper mentions soups: search still works
    assert MODEL_SOUPS not in soups
    shown = ok(run("show", str(MODEL_SOUPS), library=library))
    assert "in the Trash since" in shown.splitlines()[0]
    listed = json.loads(ok(run("trash", "--json", library=library)))
    assert [p["id"] for p in listed] == [MODEL_SOUPS] and listed[0]["trashed"]
    assert "1 paper(s) in the Trash" in ok(run("trash", library=library))

    # Restored as it was; an id not in the Trash is refused, and nothing is changed.
    assert_user_error(run("restore", str(MODEL_SOUPS), "7", library=library))
    assert MODEL_SOUPS not in list_ids(library)
    out = ok(run("restore", str(MODEL_SOUPS), library=library))
    assert out.startswith(f"#{MODEL_SOUPS} restored: Model soups")
    assert search_ids(library, 'title:"model soups"') == [MODEL_SOUPS]

    # Emptying the Trash asks for --yes, and is the only permanent delete.
    ok(run("delete", str(MODEL_SOUPS), "7", library=library))
    refused = run("empty-trash", library=library)
    assert refused.returncode == 1 and "--yes" in refused.stderr
    assert len(list_ids(library)) == SEED_COUNT - 2
    assert "deleted 2 paper(s) for good" in ok(run("empty-trash", "--yes", library=library))
    assert_user_error(run("show", str(MODEL_SOUPS), library=library))
    assert "The Trash is empty" in ok(run("empty-trash", "--yes", library=library))


def test_reindex_after_deleting_the_index(library: Path) -> None:
    shutil.rmtree(library / "index")
    out = ok(run("reindex", library=library))
    assert out.strip() == f"search index rebuilt: {SEED_COUNT} papers"
    assert (library / "index").is_dir()
    assert search_ids(library, 'title:"model soups"') == [MODEL_SOUPS]
    assert run_json("info", library=library)["index"]["documents"] == SEED_COUNT


# -- user errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "code", "expected"),
    [
        (["search", '"open'], 1, "never closed"),
        (["search", "foo:bar"], 1, "unknown field 'foo:'"),
        (["show", "9999"], 1, "no paper with id 9999"),
        (["tag", "9999", "+x"], 1, "no paper with id 9999"),
        (["delete", "9999"], 1, "no paper with id 9999"),
        (["status", str(MODEL_SOUPS), "finished"], 2, "'finished'; choose one of: inbox,"),
        (["show", "twenty"], 2, "invalid int value"),
        (["tag", str(MODEL_SOUPS), "foo"], 1, "'foo'"),
        (["tag", str(MODEL_SOUPS)], 1, "+name"),
    ],
    ids=[
        "open-quote",
        "unknown-field",
        "show-unknown-id",
        "tag-unknown-id",
        "delete-unknown-id",
        "bad-status",
        "bad-id",
        "tag-without-sign",
        "tag-nothing",
    ],
)
def test_user_errors(seeded: Path, args: list[str], code: int, expected: str) -> None:
    line = assert_user_error(run(*args, library=seeded), code)
    assert expected in line


@pytest.mark.parametrize("limit", ["0", "-1"])
def test_search_limit_below_one_is_a_user_error(seeded: Path, limit: str) -> None:
    result = run("search", "model", "--limit", limit, library=seeded)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    assert "limit" in result.stderr.strip().splitlines()[-1]


def test_user_errors_change_nothing(seeded: Path) -> None:
    paper = run_json("show", str(MODEL_SOUPS), library=seeded)
    assert paper["status"] == "inbox"
    assert paper["tags"] == []
    assert run_json("info", library=seeded)["papers"] == SEED_COUNT


# -- choosing the library ----------------------------------------------------------------------


def test_library_option_after_subcommand(seeded: Path, tmp_path: Path) -> None:
    data_home = tmp_path / "xdg-data"
    env = cli_env(data_home)
    result = run(
        "search", 'title:"model soups"', "--json", "--library", str(seeded), library=None, env=env
    )
    assert [hit["id"] for hit in json.loads(ok(result))["hits"]] == [MODEL_SOUPS]
    result = run("info", "--library", str(seeded), "--json", library=None, env=env)
    assert json.loads(ok(result))["papers"] == SEED_COUNT
    assert not (data_home / "readinglist").exists()  # the default library was not touched


def test_environment_variable_names_the_library(seeded: Path, tmp_path: Path) -> None:
    data_home = tmp_path / "xdg-data"
    env = cli_env(data_home, **{ENV_LIBRARY: str(seeded)})
    info = json.loads(ok(run("info", "--json", library=None, env=env)))
    assert info["library"] == str(seeded)
    assert info["papers"] == SEED_COUNT
    result = run("search", 'title:"model soups"', "--json", library=None, env=env)
    assert [hit["id"] for hit in json.loads(ok(result))["hits"]] == [MODEL_SOUPS]
    assert not (data_home / "readinglist").exists()


def test_library_option_wins_over_environment(seeded: Path, tmp_path: Path) -> None:
    other = tmp_path / "other"
    env = cli_env(tmp_path / "xdg-data", **{ENV_LIBRARY: str(seeded)})
    info = json.loads(ok(run("info", "--json", "--library", str(other), library=None, env=env)))
    assert info["library"] == str(other)
    assert info["papers"] == 0


def test_search_json_carries_facets_and_suggestion(library: Path) -> None:
    ok(run("tag", "28", "+soup", library=library))
    data = run_json("search", "soups", library=library)
    assert data["facets"]["status"] == {"inbox": 2}
    assert data["facets"]["tag"] == {"soup": 1}
    assert data["suggestion"] is None
    missed = run_json("search", "difusion rewrd", library=library)
    assert missed["total"] == 0
    assert missed["suggestion"] == "diffusion rewards"


def test_search_text_prints_did_you_mean_and_facets(seeded: Path) -> None:
    assert "Did you mean: diffusion rewards" in ok(run("search", "difusion rewrd",
                                                       library=seeded))
    assert "status: inbox 2" in ok(run("search", "soups", "--facets", library=seeded))


def test_similar_lists_papers_like_this_one(seeded: Path) -> None:
    data = run_json("similar", "24", "--limit", "3", library=seeded)
    ids = [paper["id"] for paper in data]
    assert len(ids) == 3 and 24 not in ids
    assert 65 in ids  # the other LoRA papers come first


# -- issue 4: formats in and out; issue 5: the reading workflow ------------------------------


def test_export_writes_a_file_and_import_reads_it_back(library: Path, tmp_path: Path) -> None:
    # A copy: tagging the shared read-only library would leak into later tests.
    out_file = tmp_path / "soups.bib"
    ok(run("tag", str(MODEL_SOUPS), "+soup", library=library))
    result = run("export", "--format", "bibtex", "--tag", "soup", "-o", out_file,
                 library=library)
    ok(result)
    assert "exported 1 paper(s)" in result.stderr
    text = out_file.read_text(encoding="utf-8")
    assert text.count("@") == 1 and "Model soups" in text and "soup" in text
    fresh = tmp_path / "fresh"
    out = ok(run("import", out_file, library=fresh))
    assert "1 added" in out
    assert [p["tags"] for p in run_json("list", library=fresh)] == [["soup"]]


def test_export_to_stdout_by_query(seeded: Path) -> None:
    data = json.loads(ok(run("export", "--format", "csljson", "--query",
                             'title:"model soups"', library=seeded)))
    assert [item["title"][:11] for item in data] == ["Model soups"]


def test_import_reports_merges_and_bad_entries_by_line(seeded: Path, tmp_path: Path) -> None:
    bib = tmp_path / "mixed.bib"
    bib.write_text(
        "@article{soups, title={Model soups: averaging weights of multiple fine-tuned models "
        "improves accuracy without increasing inference time}, author={Wortsman, Mitchell},"
        " year=2022}\n\n@article{broken, year=2020}\n", encoding="utf-8")
    out = ok(run("import", bib, library=seeded))
    # The page's paper has no authors or year to compare: the same title alone is no
    # proof, so the entry is added and listed for review, not merged.
    assert "2 added (1 of them possible duplicate to review), 0 already present, 0 failed" in out
    assert f"possible duplicate: mixed.bib:1: soups #69 may be the same as #{MODEL_SOUPS}" in out
    assert "mixed.bib:3: entry 'broken': @article has no title; titled 'broken'" in out
    # With a first author and a year on both sides it is merged, its key kept as an alias.
    again = tmp_path / "again.bib"
    again.write_text(
        "@inproceedings{wortsman22, title={Model soups: averaging weights of multiple "
        "fine-tuned models improves accuracy without increasing inference time}, "
        "author={Mitchell Wortsman and others}, year=2022, doi={10.5555/soups}}\n",
        encoding="utf-8")
    out = ok(run("import", again, library=seeded))
    assert "0 added, 1 merged into existing papers" in out
    assert ("merged: again.bib:1: wortsman22 into #69 (same record): filled doi, alias key "
            "wortsman22") in out
    assert run_json("show", "69", library=seeded)["extra"]["ids"] == "wortsman22"



def test_add_offline_adds_the_identifier_alone(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    # Nothing listens on port 9 (discard): the lookup fails like it does offline.
    env = {**cli_env(tmp_path / "xdg-data"), "READINGLIST_ARXIV_API": "http://127.0.0.1:9"}
    result = run("add", "arXiv:1706.03762", library=folder, env=env)
    ok(result)
    assert "#1: arXiv:1706.03762" in result.stdout and "later" in result.stdout


def test_duplicates_and_merge(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    ok(run("import", "--sample", library=folder))
    csv_file = tmp_path / "dupe.csv"
    csv_file.write_text("title,doi\nModel soups: averaging weights of multiple fine-tuned models "
                        "improves accuracy without increasing inference times,10.1/x\n",
                        encoding="utf-8")
    ok(run("import", csv_file, library=folder))
    pairs = run_json("duplicates", library=folder)
    assert {(p["keep"], p["other"]) for p in pairs} >= {(MODEL_SOUPS, SEED_COUNT + 1)}
    ok(run("merge", str(MODEL_SOUPS), str(SEED_COUNT + 1), library=folder))
    assert run_json("show", str(MODEL_SOUPS), library=folder)["doi"] == "10.1/x"
    assert run_json("info", library=folder)["papers"] == SEED_COUNT


def test_queue_priority_rating_and_next(tmp_path: Path) -> None:
    folder = tmp_path / "lib"
    ok(run("import", "--sample", library=folder))
    for paper_id in ("3", "5", "9"):
        ok(run("status", paper_id, "queued", library=folder))
    ok(run("queue", "9", "top", library=folder))
    assert [p["id"] for p in run_json("queue", library=folder)] == [9, 3, 5]
    ok(run("priority", "9", "high", library=folder))
    ok(run("rate", "9", "4", library=folder))
    assert "now reading #9" in ok(run("next", library=folder))
    assert search_ids(folder, "priority:high rating:>=4 status:reading") == [9]
    assert [p["id"] for p in run_json("queue", library=folder)] == [3, 5]
    assert run("queue", "7", "up", library=folder).returncode == 1  # not queued


def test_import_of_a_file_without_entries_says_so_and_fails(tmp_path: Path) -> None:
    bib = tmp_path / "commented.bib"
    bib.write_text("@comment{@article{x, title={X}}}\n@string{a = {b}}\n", encoding="utf-8")
    result = run("import", bib, library=tmp_path / "lib")
    assert result.returncode == 1
    assert f"no entries found in {bib} (read as bibtex; looked for" in result.stderr
    assert "0 added, 0 already present, 0 failed" in result.stdout


def test_tags_are_listed_renamed_merged_and_deleted(library: Path) -> None:
    ok(run("tag", "1", "+LLM", "+vision", library=library))
    ok(run("tag", "2", "+NLP", library=library))
    assert run_json("tags", library=library) == [
        {"tag": "LLM", "papers": 1, "colour": None}, {"tag": "NLP", "papers": 1, "colour": None},
        {"tag": "vision", "papers": 1, "colour": None}]
    assert "renamed 'llm' to 'models' on 1 paper(s)" in ok(
        run("tags", "rename", "llm", "models", library=library))
    assert "on 2 paper(s)" in ok(run("tags", "merge", "NLP", "vision", "models",
                                     library=library))
    assert "1 tag(s)" in ok(run("tags", library=library))
    assert "removed 'models' from 2 paper(s)" in ok(
        run("tags", "delete", "models", library=library))
    assert "no tag 'models'" in assert_user_error(run("tags", "delete", "models",
                                                      library=library))


def test_saved_searches_are_listed_run_and_deleted(library: Path) -> None:
    assert "saved 'LoRA': " in ok(run("saved", "add", "LoRA", "lora*", library=library))
    ok(run("status", "24", "queued", library=library))
    ok(run("saved", "add", "Queued LoRA", "lora*", "--status", "queued", library=library))
    listed = run_json("saved", library=library)
    assert [(s["name"], s["view"]["status"], s["papers"]) for s in listed][1] == (
        "Queued LoRA", "queued", 1)
    found = json.loads(ok(run("search", "--saved", "queued lora", "--json",
                              library=library)))
    assert found["total"] == 1 and found["hits"][0]["id"] == 24
    assert_user_error(run("saved", "add", "lora", "x", library=library))
    ok(run("saved", "delete", "LoRA", library=library))
    assert [s["name"] for s in run_json("saved", library=library)] == ["Queued LoRA"]
    assert_user_error(run("search", library=library))  # no query, no --saved


def test_version() -> None:
    from readinglist import __version__

    assert ok(run("--version", library=None)).strip() == f"readinglist {__version__}"


def test_an_empty_note_on_stdin_never_erases_one(library: Path) -> None:
    ok(run("note", str(MODEL_SOUPS), "keep me", library=library))
    message = assert_user_error(run("note", str(MODEL_SOUPS), "-", library=library, input=""))
    assert "--clear" in message
    assert run_json("show", str(MODEL_SOUPS), library=library)["note"] == "keep me"
    ok(run("note", str(MODEL_SOUPS), "--clear", library=library))
    assert run_json("show", str(MODEL_SOUPS), library=library)["note"] == ""


def test_no_display_gives_a_message_not_a_qt_abort(library: Path) -> None:
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    done = subprocess.run([sys.executable, "-m", "readinglist", "--library", str(library)],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    assert "no display" in done.stderr and "readinglist --help" in done.stderr
    assert "Traceback" not in done.stderr and "qt.qpa" not in done.stderr


def test_every_argument_has_help_and_search_shows_the_query_language() -> None:
    import argparse

    from readinglist.cli.parser import build_parser

    missing: list[str] = []

    def walk(parser: argparse.ArgumentParser, path: str) -> None:
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for name, sub in action.choices.items():
                    walk(sub, f"{path} {name}".strip())
            elif not action.help and not isinstance(action, argparse._HelpAction):
                missing.append(f"{path}: {action.dest}")

    walk(build_parser(), "")
    assert missing == []
    shown = ok(run("search", "--help", library=None))
    assert '"model soups"' in shown and "title:diffusion" in shown and "-- -word" in shown
