"""The search language, form by form, on a small hand-written library.

Every paper of FIXTURE was written for one or two query forms, so each query below has
a small expected set worked out by reading the texts (not by running the search).
Papers are named by key; `lib_ids` maps the keys to the ids the library gave them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

import pytest

from readinglist import Library, QueryError
from readinglist.domain import SearchHit

# (key, title, fields for Library.add). Stems the expectations rely on are in comments.
FIXTURE: list[tuple[str, str, dict]] = [
    ("sparse_tf", "Sparse Transformer Attention for Long Documents", dict(
        authors=["Alice Zhang", "Bob Moreau"], year=2023, venue="NeurIPS",
        arxiv_id="https://arxiv.org/abs/2401.12345v2", tags=["llm"],
        abstract="We study efficient attention in the transformer architecture for long "
                 "documents.")),
    ("vision_tf", "Vision Backbones at Scale", dict(
        authors=["Carla Rossi"], year=2022, venue="CVPR", tags=["vision"],
        abstract="A transformer backbone for image classification is trained on web "
                 "images.")),
    ("schutze", "Foundations of Statistical Retrieval", dict(
        authors=["Hinrich Schütze"], year=2019, venue="MIT Press",
        doi="https://doi.org/10.1000/ABC.Def",
        abstract="A textbook on information retrieval and ranking.")),
    # "diffusion", "diffusive", "diffuser" all stem to "diffus"
    ("diffusion", "Denoising Diffusion for Image Synthesis", dict(
        authors=["Dan Okafor"], year=2020, venue="NeurIPS", tags=["vision", "generative"],
        abstract="Generative models that synthesize pictures by reversing a noising process.")),
    ("porous", "Heat Flow in Porous Rock", dict(
        authors=["Eva Lindqvist"], year=2018, venue="Physical Review", doi="10.5555/XYZ.42",
        abstract="A diffusive transport model for heat in porous media.")),
    # "low rank": adjacent here; one word apart in low_sparse; four apart in low_far
    ("low_rank", "Adapters for Large Models", dict(
        authors=["Farid Haddad"], year=2021, venue="ICLR",
        abstract="We learn low rank updates to frozen weights.")),
    ("low_sparse", "Compressing Weight Matrices", dict(
        year=2022, abstract="Weights are low and sparse rank after pruning.")),
    ("low_far", "Memory Budgets on Accelerators", dict(
        year=2024, abstract="The low memory budget and sparse matrix rank both matter.")),
    # fine-tuning written three ways, and "tuned"
    ("ft_hyphen", "Instruction Data for Chat Assistants", dict(
        tags=["llm", "todo"],
        abstract="We report fine-tuning of language models on curated instructions.")),
    ("ft_space", "Small Data Regimes", dict(
        abstract="Fine tuning with few examples works surprisingly well.")),
    ("ft_closed", "Speech Recipes", dict(abstract="Finetuning recipes for speech recognition.")),
    ("tuned", "Machine Translation Notes", dict(
        year=2021, abstract="The system was tuned on parallel corpora.")),
    ("cardiac", "Cardiac Imaging Survey", dict(
        tags=["biology"], abstract="A survey of imaging methods for the heart.")),
    # "kangaroo": in a title here, only in the abstract of marsupial
    ("kangaroo", "Kangaroo Locomotion Dynamics", dict(
        abstract="We measure hopping energetics with force plates.")),
    ("marsupial", "Marsupial Field Study", dict(
        abstract="Observations of a kangaroo population in dry grassland.")),
    ("markup", "Rendering Rich Text Safely", dict(
        abstract="Authors write <b>x</b> and <i>y</i> inside a wombat caption.")),
    # three papers on one rare topic, for more_like_this
    ("axo_limb", "Axolotl Limb Regeneration", dict(
        tags=["biology"],
        abstract="Axolotl salamanders regrow limbs through a blastema of dedifferentiated "
                 "cells.")),
    ("axo_blastema", "Blastema Formation in Salamanders", dict(
        abstract="The blastema of the axolotl forms after amputation and regrows the limb.")),
    ("axo_signals", "Signals Guiding Axolotl Regrowth", dict(
        abstract="Nerve signals steer blastema cells as the axolotl limb regrows.")),
    ("audio_tf", "Transformers in Audio Generation", dict(
        year=2024, tags=["audio"], abstract="Sequence models for generating sound.")),
    ("hippo", "Hippopotamus Foraging Behaviour", dict(
        abstract="Night grazing patterns along river banks.")),
    ("diffuser", "Diffuser Design for Loudspeakers", dict(
        abstract="Acoustic panels that scatter sound evenly.")),
    # "different" stems to "differ": found by diff* but not by diffus*
    ("different", "A Survey of Different Sampling Schemes", dict(
        abstract="We compare samplers.")),
    ("hyper", "Hyperparameter Search Heuristics", dict(
        year=2023, venue="ICML", abstract="Grid and random search for hyperparameters.")),
    ("graphs", "Graph Neural Networks for Molecules", dict(
        year=2022, venue="NeurIPS Workshop", abstract="Message passing over molecular graphs.")),
]
KEYS = [key for key, _, _ in FIXTURE]
READ = ["sparse_tf", "diffusion", "cardiac"]
READING = ["vision_tf", "ft_hyphen"]
NOTE = ("cardiac", "Revisit the ablation on zebrafish.")


@dataclass
class Fixture:
    lib: Library
    ids: dict[str, int]

    def keys(self, query: str) -> list[str]:
        """The keys of every paper the query finds, in FIXTURE order."""
        by_id = {v: k for k, v in self.ids.items()}
        found = self.lib.search(query, limit=None, snippets=False).ids
        assert len(found) == len(set(found)), f"a paper found twice by {query!r}"
        return sorted((by_id[i] for i in found), key=KEYS.index)

    def key_of(self, paper_id: int) -> str:
        return {v: k for k, v in self.ids.items()}[paper_id]


@pytest.fixture(scope="module")
def fx(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Fixture]:
    lib = Library.open(tmp_path_factory.mktemp("qlang") / "lib")
    ids = {key: lib.add(title, **fields).paper.id for key, title, fields in FIXTURE}
    for key in READ:
        lib.set_status(ids[key], "read")
    for key in READING:
        lib.set_status(ids[key], "Reading")
    lib.set_note(ids[NOTE[0]], NOTE[1])
    lib.change_tags(ids["ft_hyphen"], remove=["TODO"])  # tags compare without case
    lib.change_tags(ids["kangaroo"], add=["biology"])
    yield Fixture(lib, ids)
    lib.close()


def test_fixture_is_as_written(fx):
    assert len(set(fx.ids.values())) == len(FIXTURE) == 25
    assert fx.lib.get(fx.ids["sparse_tf"]).arxiv_id == "2401.12345"
    assert fx.lib.get(fx.ids["schutze"]).doi == "10.1000/abc.def"
    assert fx.lib.get(fx.ids["ft_hyphen"]).tags == ("llm",)
    assert fx.lib.get(fx.ids["kangaroo"]).tags == ("biology",)
    assert fx.lib.get(fx.ids["cardiac"]).note == NOTE[1]


ALL = list(KEYS)
YEAR_2022_ON = ["sparse_tf", "vision_tf", "low_sparse", "low_far", "audio_tf", "hyper", "graphs"]
TRANSFORMER = ["sparse_tf", "vision_tf", "audio_tf"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        # -- words: all must match, in any default field, any case
        ("kangaroo", ["kangaroo", "marsupial"]),
        ("KANGAROO", ["kangaroo", "marsupial"]),
        ("kangaroo hopping", ["kangaroo"]),
        ("kangaroo population", ["marsupial"]),
        ("kangaroo wombat", []),
        ("sparse rank", ["low_sparse", "low_far"]),
        ("blastema cells", ["axo_limb", "axo_signals"]),
        # -- OR, NOT, -word, parentheses
        ("kangaroo OR wombat", ["kangaroo", "marsupial", "markup"]),
        ("hippopotamus OR axolotl", ["axo_limb", "axo_blastema", "axo_signals", "hippo"]),
        ("axolotl NOT nerve", ["axo_limb", "axo_blastema"]),
        ("axolotl -nerve", ["axo_limb", "axo_blastema"]),
        ("axolotl -title:axolotl", ["axo_blastema"]),
        ("-kangaroo", [k for k in ALL if k not in ("kangaroo", "marsupial")]),
        ("axolotl (nerve OR amputation)", ["axo_blastema", "axo_signals"]),
        ("(kangaroo OR hippopotamus) biology", ["kangaroo"]),
        ("(kangaroo OR hippopotamus) -(biology OR population)", ["hippo"]),
        # -- phrases, and phrases with slop
        ('"sparse transformer"', ["sparse_tf"]),
        ('"sparse rank"', ["low_sparse"]),
        ('"blastema cells"', ["axo_signals"]),
        ('"language models"', ["ft_hyphen"]),
        ('"low rank"', ["low_rank"]),
        ('"low rank"~2', ["low_rank", "low_sparse"]),
        ('"low rank"~1', ["low_rank"]),
        # -- fields
        ("title:axolotl", ["axo_limb", "axo_signals"]),
        ("abstract:axolotl", ["axo_limb", "axo_blastema", "axo_signals"]),
        ("title:kangaroo", ["kangaroo"]),
        ("abstract:kangaroo", ["marsupial"]),
        ("author:schutze", ["schutze"]),
        ("author:Schütze", ["schutze"]),
        ("author:SCHÜTZE", ["schutze"]),
        ("author:hinrich", ["schutze"]),
        ("schutze", ["schutze"]),
        ("author:zhang", ["sparse_tf"]),
        ("author:moreau", ["sparse_tf"]),
        ("author:retrieval", []),
        ("note:zebrafish", ["cardiac"]),
        ("zebrafish", ["cardiac"]),
        ("title:zebrafish", []),
        ("abstract:zebrafish", []),
        ("tag:biology", ["cardiac", "kangaroo", "axo_limb"]),
        ("tag:vision", ["vision_tf", "diffusion"]),
        ("tag:LLM", ["sparse_tf", "ft_hyphen"]),
        ("tag:todo", []),
        ("status:read", READ),
        ("status:READ", READ),
        ("status:reading", READING),
        ("status:inbox", [k for k in ALL if k not in READ + READING]),
        ("status:Unread", [k for k in ALL if k not in READ + READING]),  # an alias
        ("status:read kangaroo", []),
        ("venue:neurips", ["sparse_tf", "diffusion", "graphs"]),
        ("venue:workshop", ["graphs"]),
        ("venue:cvpr", ["vision_tf"]),
        ("doi:10.1000/abc.def", ["schutze"]),
        ("doi:10.1000/ABC.DEF", ["schutze"]),
        ("doi:10.5555/xyz.42", ["porous"]),
        ("doi:10.5555/XYZ.42", ["porous"]),
        ("doi:10.5555/xyz", []),
        ("arxiv:2401.12345", ["sparse_tf"]),
        ("arxiv:2401.1234", []),
        # -- years and dates
        ("year:2023", ["sparse_tf", "hyper"]),
        ("year:2020..2022", ["vision_tf", "diffusion", "low_rank", "low_sparse", "tuned",
                             "graphs"]),
        ("year:2022..", YEAR_2022_ON),
        ("year:..2019", ["schutze", "porous"]),
        ("year:>2021", YEAR_2022_ON),
        ("year:>=2023", ["sparse_tf", "low_far", "audio_tf", "hyper"]),
        ("year:<2020", ["schutze", "porous"]),
        ("year:<=2019", ["schutze", "porous"]),
        ("year:1000..2019", ["schutze", "porous"]),
        ("year:1..2", []),
        ("year:1900..2019", ["schutze", "porous"]),
        ("year:2019..2100", ["sparse_tf", "vision_tf", "schutze", "diffusion", "low_rank",
                             "low_sparse", "low_far", "tuned", "audio_tf", "hyper", "graphs"]),
        ("year:2017", []),
        ("added:>2000-01-01", ALL),
        ("added:<2000-01-01", []),
        ("added:2000-01-01..", ALL),
        ("added:..2000-01-01", []),
        ("year:2022 added:>2000-01-01", ["vision_tf", "low_sparse", "graphs"]),
        # -- prefixes
        ("diffus*", ["diffusion", "porous", "diffuser"]),
        ("diff*", ["diffusion", "porous", "diffuser", "different"]),
        ("title:diffus*", ["diffusion", "diffuser"]),
        ("DIFFUS*", ["diffusion", "porous", "diffuser"]),
        ("axo*", ["axo_limb", "axo_blastema", "axo_signals"]),
        # -- fuzzy words
        ("transformer", TRANSFORMER),
        ("transfromer", []),
        ("transfromer~", TRANSFORMER),
        ("transfromer~1", []),  # "fro" -> "for" takes 2 edits
        ("transfromer~2", TRANSFORMER),
        # two substitutions: found with the default 2 edits, not with 1
        ("trensfarmer~", TRANSFORMER),
        ("trensfarmer~1", []),
        ("trensfarmer~2", TRANSFORMER),
        ("hipopotamus", []),
        ("hipopotamus~", ["hippo"]),
        ("hipopotamus~1", ["hippo"]),
        # -- stems and case
        ("tuning", ["ft_hyphen", "ft_space", "tuned"]),
        ("TUNING", ["ft_hyphen", "ft_space", "tuned"]),
        ("tunes", ["ft_hyphen", "ft_space", "tuned"]),
        ("fine-tuning", ["ft_hyphen", "ft_space", "ft_closed"]),
        ("Fine-Tuning", ["ft_hyphen", "ft_space", "ft_closed"]),
        ("finetuning", ["ft_hyphen", "ft_closed"]),
        ('"fine tuning"', ["ft_hyphen", "ft_space"]),
        ("diffusion", ["diffusion", "porous", "diffuser"]),
        # -- stop words among other words do not have to match
        ("attention for documents", ["sparse_tf"]),
        ("the kangaroo", ["kangaroo", "marsupial"]),
        ("title:(kangaroo of locomotion)", ["kangaroo"]),
    ],
)
def test_query_finds_exactly(fx, query, expected):
    assert fx.keys(query) == expected


def test_arxiv_url_is_stored_as_the_bare_id(fx):
    paper = fx.lib.add("Temporary arXiv paper", arxiv_id="https://arxiv.org/abs/2402.54321v3").paper
    try:
        assert paper.arxiv_id == "2402.54321"
        assert fx.lib.search("arxiv:2402.54321").ids == [paper.id]
    finally:
        fx.lib.delete(paper.id)
    assert fx.lib.search("arxiv:2402.54321").ids == []


# -- errors ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ('"kangaroo hopping', "the quote opened at column 1 is never closed"),
        ('axolotl "blastema cells', "the quote opened at column 9 is never closed"),
        ("kangaroo)", "unmatched ')' at column 9"),
        ("(kangaroo OR wombat) axolotl)", "unmatched ')' at column 29"),
        ("(kangaroo OR wombat", "the '(' at column 1 is never closed"),
        ("((kangaroo OR wombat)", "the '(' at column 1 is never closed"),
        ("((kangaroo", "the '(' at column 1 is never closed"),
        ("foo:bar", "unknown field 'foo:' at column 1"),
        ("kangaroo Foo:bar", "unknown field 'Foo:' at column 10"),
        ("(kangaroo OR foo:bar)", "unknown field 'foo:' at column 14"),
        ("a*", "'a*' is too short: type at least 2 letters before *"),
        ("kangaroo A*", "'a*' is too short"),
        ("year:..", "a range needs a start or an end"),
    ],
)
def test_unreadable_query_names_the_problem(fx, query, message):
    with pytest.raises(QueryError) as caught:
        fx.lib.search(query)
    assert message in str(caught.value)


def test_errors_are_raised_by_facets_and_snippets_too(fx):
    with pytest.raises(QueryError, match="never closed"):
        fx.lib.facets('"kangaroo')
    with pytest.raises(QueryError, match="unknown field 'foo:'"):
        fx.lib.snippets("foo:bar", [fx.ids["kangaroo"]])


def test_field_lookalikes_in_phrases_are_text(fx):
    assert fx.keys('"foo:bar"') == []
    assert fx.keys('"foo:bar" OR kangaroo') == ["kangaroo", "marsupial"]


# -- ranking and snippets -----------------------------------------------------------------


def hit_words(hit: SearchHit) -> list[str]:
    return [s.text for s in hit.snippet if s.hit]


def test_title_match_ranks_above_abstract_only_match(fx):
    results = fx.lib.search("kangaroo")
    assert [fx.key_of(i) for i in results.ids] == ["kangaroo", "marsupial"]
    assert results.hits[0].score > results.hits[1].score > 0
    assert results.total == 2


def test_snippet_comes_from_the_field_that_matched(fx):
    hits = {fx.key_of(h.paper_id): h for h in fx.lib.search("kangaroo").hits}
    assert hits["kangaroo"].snippet_field == "title"
    assert hit_words(hits["kangaroo"]) == ["Kangaroo"]
    assert hits["marsupial"].snippet_field == "abstract"
    assert hit_words(hits["marsupial"]) == ["kangaroo"]
    assert hits["marsupial"].snippet_text().startswith("Observations of a [kangaroo] population")

    [note_hit] = fx.lib.search("zebrafish").hits
    assert note_hit.snippet_field == "note"
    assert hit_words(note_hit) == ["zebrafish"]
    assert note_hit.snippet_text().startswith("Revisit the ablation on [zebrafish]")


def test_snippet_marks_every_matched_word(fx):
    [hit] = fx.lib.search("axolotl amputation").hits
    assert fx.key_of(hit.paper_id) == "axo_blastema"
    assert hit.snippet_field == "abstract"
    assert sorted(w.lower() for w in hit_words(hit)) == ["amputation", "axolotl"]


def test_snippet_marks_stemmed_and_prefixed_forms(fx):
    [hit] = fx.lib.search("tuning abstract:system").hits
    assert fx.key_of(hit.paper_id) == "tuned"
    assert sorted(hit_words(hit)) == ["system", "tuned"]
    hits = {fx.key_of(h.paper_id): h for h in fx.lib.search("abstract:diffus*").hits}
    assert set(hits) == {"porous"}
    assert hit_words(hits["porous"]) == ["diffusive"]


def test_snippet_keeps_user_text_as_plain_characters(fx):
    [hit] = fx.lib.search("wombat").hits
    assert fx.key_of(hit.paper_id) == "markup"
    assert hit.snippet_field == "abstract"
    assert hit_words(hit) == ["wombat"]
    text = "".join(s.text for s in hit.snippet)
    assert "<b>x</b>" in text and "<i>y</i>" in text
    assert "&lt;" not in text and "&amp;" not in text
    assert text.startswith("Authors write <b>x</b> and <i>y</i> inside a wombat caption")


def test_short_text_is_its_own_snippet_without_an_ellipsis(fx):
    [hit] = fx.lib.search("grassland").hits
    assert hit.snippet_text() == "Observations of a kangaroo population in dry [grassland]."
    [hit] = fx.lib.search("wombat").hits
    assert "".join(s.text for s in hit.snippet) == fx.lib.get(fx.ids["markup"]).abstract


def test_snippets_method_for_a_page_of_ids(fx):
    wanted = [fx.ids["marsupial"], fx.ids["kangaroo"]]
    found = fx.lib.snippets("kangaroo", wanted)
    assert sorted(found) == sorted(wanted)
    assert found[fx.ids["kangaroo"]].snippet_field == "title"
    assert found[fx.ids["marsupial"]].snippet_field == "abstract"
    assert hit_words(found[fx.ids["marsupial"]]) == ["kangaroo"]


def test_no_snippet_tag_markup_for_any_hit(fx):
    for hit in fx.lib.search("kangaroo OR axolotl OR zebrafish", limit=None).hits:
        assert hit.snippet, fx.key_of(hit.paper_id)
        assert not re.search(r"</?\w+>", hit.snippet_text()), hit.snippet_text()


# -- facets ----------------------------------------------------------------------------


def test_facets_count_every_match_not_only_the_returned_hits(fx):
    query = "tag:biology OR tag:vision OR transformer"
    results = fx.lib.search(query, limit=2, facets=True)
    assert len(results.hits) == 2
    assert results.total == 7
    assert results.facets == {
        "status": {"read": 3, "reading": 1, "inbox": 3},
        "tag": {"biology": 3, "vision": 2, "llm": 1, "generative": 1, "audio": 1},
        "year": {"2024": 1, "2023": 1, "2022": 1, "2020": 1},
    }
    assert fx.lib.search(query, limit=None, facets=True).facets == results.facets
    assert fx.lib.facets(query) == results.facets


def test_facets_of_a_narrow_query(fx):
    assert fx.lib.search("axolotl", facets=True).facets == {
        "status": {"inbox": 3}, "tag": {"biology": 1}, "year": {},
    }
    assert fx.lib.facets("kangaroo") == {
        "status": {"inbox": 2}, "tag": {"biology": 1}, "year": {},
    }


def test_no_facets_unless_asked(fx):
    assert fx.lib.search("axolotl").facets == {}


def test_facets_of_the_whole_library(fx):
    assert fx.lib.facets("") == {
        "status": {"read": 3, "reading": 2, "inbox": 20},
        "tag": {"biology": 3, "llm": 2, "vision": 2, "audio": 1, "generative": 1},
        "year": {"2024": 2, "2023": 2, "2022": 3, "2021": 2, "2020": 1, "2019": 1,
                 "2018": 1},
    }
    assert fx.lib.facets("   ") == fx.lib.facets("")


def test_facets_of_a_query_that_finds_nothing(fx):
    assert fx.lib.search("kangaroo wombat", facets=True).facets == {
        "status": {}, "tag": {}, "year": {},
    }


# -- did you mean ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("query", "suggestion"),
    [
        ("hipopotamus", "hippopotamus"),
        ("kangeroo hopping", "kangaroo hopping"),
        ("title:kangeroo", "title:kangaroo"),
        ("axolotl blastemma", "axolotl blastema"),
    ],
)
def test_typo_that_finds_nothing_gets_a_corrected_query(fx, query, suggestion):
    results = fx.lib.search(query)
    assert results.total == 0
    assert results.suggestion == suggestion
    assert fx.lib.search(suggestion).total > 0


# The suggestion mends the misspelt words in what the user typed and keeps their syntax.
@pytest.mark.parametrize(
    ("query", "suggestion"),
    [
        ("atention year:2020..2024", "attention year:2020..2024"),
        ("atention year:2022..", "attention year:2022.."),
        ("atention -kangaroo", "attention -kangaroo"),
        ("atention transformer?", "attention transformer?"),
        ("TITLE:kangeroo", "TITLE:kangaroo"),
        # syntax the rewrite leaves alone comes back as typed
        ("atention (transformer OR wombat)", "attention (transformer OR wombat)"),
        ('atention "long documents"', 'attention "long documents"'),
        ("KANGEROO  hopping", "kangaroo  hopping"),
    ],
)
def test_suggestion_keeps_the_rest_of_the_query_as_typed(fx, query, suggestion):
    results = fx.lib.search(query)
    assert results.total == 0
    assert results.suggestion == suggestion


@pytest.mark.parametrize(
    "query",
    [
        "kangaroo",  # finds something
        "hipopotamus~",  # finds something through the fuzzy word
        "qzxwvtj",  # no word within reach
        "kangaroo wombat",  # both words exist, only not together
    ],
)
def test_no_suggestion(fx, query):
    assert fx.lib.search(query).suggestion is None


# -- more like this ------------------------------------------------------------------------


@pytest.mark.parametrize("key", ["axo_limb", "axo_blastema", "axo_signals"])
def test_more_like_this_finds_the_papers_on_the_same_topic(fx, key):
    similar = fx.lib.more_like_this(fx.ids[key])
    found = [fx.key_of(h.paper_id) for h in similar]
    assert key not in found
    others = {"axo_limb", "axo_blastema", "axo_signals"} - {key}
    assert set(found[:2]) == others
    assert all(h.score > 0 for h in similar)


def test_more_like_this_never_returns_the_paper_itself(fx):
    for key, paper_id in fx.ids.items():
        assert paper_id not in [h.paper_id for h in fx.lib.more_like_this(paper_id)], key
