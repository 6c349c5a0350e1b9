"""Realistic synthetic papers for benchmarks, deterministic for a given seed.

Text comes from a word bigram model of the 68 abstracts (and titles) in the bundled
Hugging Face Daily Papers sample, so abstracts read like ML abstracts and use the same
vocabulary. Each paper also gets its own method name ("LuMiFormer"), used in the title
and the abstract, which gives the index the long tail of rare words real libraries have.

    python benchmarks/generate.py --papers 5 --seed 1          # print five papers
    python benchmarks/generate.py --papers 10000 --jsonl out.jsonl

From code: ``generate_papers(10_000, seed=1)`` returns a list of PaperRecord.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import sys
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from functools import lru_cache
from pathlib import Path

from readinglist.domain import PaperRecord
from readinglist.importers import parse_file

try:  # an older commit on PYTHONPATH, for comparisons (before the modules were grouped);
    # tried first: the editable install would otherwise fill in the new modules from here
    from readinglist.locations import sample_page_path  # type: ignore[import-not-found]
    from readinglist.textutil import title_key  # type: ignore[import-not-found]
except ModuleNotFoundError:
    from readinglist.system.locations import sample_page_path
    from readinglist.text.normalize import title_key

SOURCE = "synthetic benchmark"
END = "."  # sentence end token
_PUNCT = {".", ",", ";", ":"}
# Words (with inner hyphens, dots, apostrophes, %, e.g. "fine-tuning", "46.7%") or punctuation.
_TOKEN = re.compile(r"[\w][\w'’\-./%+]*[\w%]|[\w]|[.,;:]")
_URL = re.compile(r"https?://\S+")

FIRST_NAMES = (
    "Adrián",
    "Agnieszka",
    "Ahmed",
    "Aïcha",
    "Alejandro",
    "Amélie",
    "Ana",
    "Anders",
    "André",
    "Ángel",
    "Anja",
    "Arjun",
    "Aurélien",
    "Benoît",
    "Bjørn",
    "Camille",
    "Chen",
    "Chloé",
    "Cristóbal",
    "Dániel",
    "David",
    "Dmitri",
    "Élodie",
    "Emma",
    "Étienne",
    "Fatima",
    "Felipe",
    "François",
    "Gaël",
    "Giulia",
    "Hana",
    "Hélène",
    "Hiroshi",
    "Ingrid",
    "Inês",
    "Jakub",
    "Jan",
    "Jérôme",
    "Jiahui",
    "João",
    "Jonas",
    "José",
    "Julia",
    "Jürgen",
    "Karim",
    "Katarzyna",
    "Kenji",
    "Lars",
    "Léa",
    "Lei",
    "Lucía",
    "Łukasz",
    "Maël",
    "Magnus",
    "María",
    "Mateo",
    "Mei",
    "Mehmet",
    "Miguel",
    "Minh",
    "Noémie",
    "Nuno",
    "Olga",
    "Ömer",
    "Pál",
    "Paula",
    "Pedro",
    "Priya",
    "Rafał",
    "Raúl",
    "Renée",
    "Ruoxi",
    "Sakura",
    "Sandeep",
    "Sébastien",
    "Siddharth",
    "Søren",
    "Stefan",
    "Sun-hee",
    "Tomás",
    "Valentina",
    "Wei",
    "Xiaoming",
    "Yannick",
    "Yuki",
    "Zoë",
    "Zsófia",
    "Çağrı",
    "Yiwen",
    "Haoran",
    "Ji-woo",
    "Olusegun",
)
LAST_NAMES = (
    "Abadi",
    "Álvarez",
    "Andersen",
    "Bauer",
    "Bernard",
    "Björklund",
    "Chen",
    "Čapek",
    "Dąbrowski",
    "Dubois",
    "Dvořák",
    "Eriksson",
    "Fernández",
    "Fischer",
    "García",
    "García-López",
    "Gonçalves",
    "Guo",
    "Gupta",
    "Hämäläinen",
    "Han",
    "Hernández",
    "Ibáñez",
    "Ito",
    "Jansen",
    "Jiménez",
    "Kowalczyk",
    "Kumar",
    "Lefèvre",
    "Li",
    "Liu",
    "López",
    "Løvås",
    "Martínez",
    "Møller",
    "Müller",
    "Nakamura",
    "Nguyễn",
    "Novák",
    "Núñez",
    "O'Brien",
    "Öztürk",
    "Park",
    "Patel",
    "Pérez",
    "Petrović",
    "Rodríguez",
    "Rossi",
    "Saïd",
    "Schäfer",
    "Schütze",
    "Singh",
    "Sánchez",
    "Søndergaard",
    "Suzuki",
    "Szabó",
    "Tanaka",
    "Thiébaut",
    "Wang",
    "Weiß",
    "Wójcik",
    "Xu",
    "Yılmaz",
    "Zhang",
    "Zhao",
    "Ziółkowski",
    "Żukowski",
    "Okafor",
    "Adeyemi",
    "Kim",
    "Lee",
    "Sato",
    "Ivanova",
    "Haddad",
    "Mendoza",
    "Costa",
)
VENUES = (
    "NeurIPS",
    "ICML",
    "ICLR",
    "CVPR",
    "ICCV",
    "ECCV",
    "ACL",
    "EMNLP",
    "NAACL",
    "AAAI",
    "IJCAI",
    "TMLR",
    "JMLR",
    "KDD",
    "SIGIR",
    "COLING",
    "Interspeech",
    "IEEE TPAMI",
    "WACV",
    "CoRL",
    "arXiv preprint",
)
# Tags with Zipf-like popularity: early ones are used much more often.
TAGS = (
    "llm",
    "diffusion",
    "to-read",
    "vision",
    "nlp",
    "fine-tuning",
    "multimodal",
    "rl",
    "efficiency",
    "benchmark",
    "survey",
    "alignment",
    "agents",
    "retrieval",
    "theory",
    "robotics",
    "speech",
    "graphs",
    "Reading Group",
    "thesis",
    "reproduce",
    "lora",
    "quantization",
    "evaluation",
    "datasets",
    "safety",
    "3d",
    "video",
    "compression",
    "medical",
)
DOI_PREFIXES = ("10.48550", "10.1109", "10.1145", "10.18653", "10.1007", "10.1016")
# Words a title should not end with.
_DANGLING = {
    "a",
    "an",
    "the",
    "for",
    "of",
    "with",
    "via",
    "and",
    "or",
    "in",
    "on",
    "to",
    "by",
    "from",
    "as",
    "at",
    "is",
    "are",
    "using",
    "without",
    "into",
    "towards",
}
_SYLLABLES = (
    "Lu",
    "Mi",
    "Ze",
    "Ro",
    "Ka",
    "Vi",
    "No",
    "Da",
    "Sa",
    "Te",
    "Qu",
    "Fi",
    "Or",
    "Ul",
    "Pi",
    "Ne",
    "Ha",
    "Yo",
    "Xe",
    "Bo",
)
_SUFFIXES = (
    "Former",
    "Net",
    "GPT",
    "Diff",
    "LM",
    "-VL",
    "Fusion",
    "Align",
    "Mix",
    "Gen",
    "Bench",
    "RL",
    "Tune",
    "Edit",
    "Flow",
    "Seg",
    "Det",
    "Agent",
    "Rank",
    "Distill",
)


class BigramModel:
    """Next-word counts from a corpus of sentences; generates sentences from them."""

    def __init__(self, texts: Sequence[str]) -> None:
        following: dict[str, list[str]] = defaultdict(list)
        starts: list[str] = []
        for text in texts:
            tokens = _TOKEN.findall(_URL.sub(" ", text))
            prev = END
            for token in tokens:
                if prev == END:
                    if token in _PUNCT:
                        continue
                    starts.append(token)
                else:
                    following[prev].append(token)
                prev = token
            if prev != END:
                following[prev].append(END)
        # Lists keep duplicates, so a uniform choice is a frequency-weighted one.
        self.following = dict(following)
        self.starts = starts

    def sentence(self, rng: random.Random, min_words: int = 8, max_words: int = 45) -> list[str]:
        words = [rng.choice(self.starts)]
        while True:
            options = self.following.get(words[-1])
            if not options:
                break
            token = rng.choice(options)
            if token == END:
                if len(words) >= min_words:
                    break
                # Too short: try once more for a word that keeps the sentence going.
                token = rng.choice(options)
                if token == END:
                    break
            if len(words) >= max_words and token in _PUNCT:
                break
            words.append(token)
            if len(words) >= max_words + 15:
                break
        while words and words[-1] in _PUNCT:
            words.pop()
        return words


def join_tokens(tokens: Sequence[str]) -> str:
    out: list[str] = []
    for token in tokens:
        if out and token not in _PUNCT:
            out.append(" ")
        out.append(token)
    return "".join(out)


@lru_cache(maxsize=1)
def seed_models() -> tuple[BigramModel, BigramModel]:
    """(abstract model, title model) built from the bundled sample."""
    records = parse_file(sample_page_path()).records
    abstracts = BigramModel([r.abstract for r in records if r.abstract])
    # The part after "Name:" reads like a description; learn titles from that.
    titles = BigramModel([r.title.split(": ", 1)[-1] for r in records])
    return abstracts, titles


class PaperGenerator:
    def __init__(self, seed: int = 1) -> None:
        self.rng = random.Random(seed)
        self.abstracts, self.titles = seed_models()
        self._title_keys: set[str] = set()
        self._names: set[str] = set()
        self._arxiv: set[str] = set()

    # -- parts --------------------------------------------------------------------------

    def method_name(self) -> str:
        rng = self.rng
        for _ in range(100):
            stem = "".join(rng.choice(_SYLLABLES) for _ in range(rng.randint(1, 3)))
            name = stem + rng.choice(_SUFFIXES)
            if rng.random() < 0.15:
                name += f"-{rng.randint(1, 4)}"
            if name not in self._names:
                break
        else:  # the name space is exhausted for this length: number it
            name = f"{name}{len(self._names)}"
        self._names.add(name)
        return name

    def title(self, name: str) -> tuple[str, str]:
        """A unique title, and its descriptive part (the title without the name)."""
        rng = self.rng
        for attempt in range(20):
            words = self.titles.sentence(rng, min_words=4, max_words=10)
            words = words[: rng.randint(5, 11)]
            while words and (words[-1].lower() in _DANGLING or words[-1] in _PUNCT):
                words.pop()
            text = join_tokens(words)
            if len(words) < 3:
                continue
            text = text[0].upper() + text[1:]
            title = f"{name}: {text}" if rng.random() < 0.65 else text
            if attempt >= 10:
                title = f"{name}: {text}"
            key = title_key(title)
            if key not in self._title_keys:
                self._title_keys.add(key)
                return title, text
        raise RuntimeError("could not make a unique title")  # pragma: no cover

    def abstract(self, name: str, description: str) -> str:
        rng = self.rng
        target = int(min(2200, max(900, rng.gauss(1400, 150))))
        sentences: list[str] = []
        length = 0
        intro = rng.choice(
            (
                "In this paper, we propose {}, a new approach to {}.",
                "We introduce {}, a framework for {}.",
                "We present {}: {}.",
                "To address this, we propose {}, which targets {}.",
            )
        ).format(name, description)
        insert_at = rng.randint(1, 3)
        while length < target:
            if len(sentences) == insert_at:
                text = intro
            else:
                text = join_tokens(self.abstracts.sentence(rng)) + "."
                if rng.random() < 0.12:
                    text = f"{name} " + text[0].lower() + text[1:]
            text = text[0].upper() + text[1:]
            sentences.append(text)
            length += len(text) + 1
        if rng.random() < 0.25:
            user = rng.choice(LAST_NAMES).lower().replace("'", "")
            sentences.append(f"Code is available at https://github.com/{_ascii(user)}/{name}.")
        return " ".join(sentences)

    def authors(self) -> list[str]:
        rng = self.rng
        count = rng.choices(range(1, 9), weights=(6, 10, 14, 16, 14, 10, 7, 5))[0]
        names: list[str] = []
        while len(names) < count:
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            if name not in names:
                names.append(name)
        return names

    def year(self) -> int:
        years = range(2015, 2027)
        return self.rng.choices(years, weights=[1, 1, 2, 2, 3, 4, 5, 6, 8, 10, 10, 4])[0]

    def arxiv_id(self, year: int) -> str:
        while True:
            month, number = self.rng.randint(1, 12), self.rng.randint(1, 99999)
            ident = f"{year % 100:02d}{month:02d}.{number:05d}"
            if ident not in self._arxiv:
                self._arxiv.add(ident)
                return ident

    def tags(self) -> list[str]:
        rng = self.rng
        count = rng.choices(range(4), weights=(30, 35, 25, 10))[0]
        weights = [1 / (rank + 1) for rank in range(len(TAGS))]
        chosen: list[str] = []
        while len(chosen) < count:
            tag = rng.choices(TAGS, weights=weights)[0]
            if tag not in chosen:
                chosen.append(tag)
        return chosen

    # -- papers ---------------------------------------------------------------------------

    def paper(self, number: int) -> PaperRecord:
        rng = self.rng
        name = self.method_name()
        year = self.year()
        arxiv = self.arxiv_id(year) if rng.random() < 0.6 else ""
        doi = ""
        if rng.random() < 0.35:
            doi = f"{rng.choice(DOI_PREFIXES)}/{name.lower()}.{year}.{number:06d}"
        url = (
            f"https://arxiv.org/abs/{arxiv}" if arxiv else (f"https://doi.org/{doi}" if doi else "")
        )
        title, description = self.title(name)
        return PaperRecord(
            title=title,
            authors=self.authors(),
            year=year,
            venue=rng.choice(VENUES) if rng.random() < 0.8 else "",
            arxiv_id=arxiv,
            doi=doi,
            url=url,
            abstract=self.abstract(name, description),
            source=SOURCE,
            tags=self.tags(),
        )

    def papers(self, count: int) -> Iterator[PaperRecord]:
        for number in range(1, count + 1):
            yield self.paper(number)


def generate_papers(count: int, seed: int = 1) -> list[PaperRecord]:
    """`count` synthetic papers; the same seed always gives the same papers."""
    return list(PaperGenerator(seed).papers(count))


def _ascii(text: str) -> str:
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isascii() and (c.isalnum() or c == "-"))


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--papers", type=int, default=3, metavar="N")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--jsonl",
        type=Path,
        metavar="FILE",
        help="write the papers as JSON lines instead of printing them",
    )
    args = parser.parse_args(argv)
    papers = generate_papers(args.papers, args.seed)
    if args.jsonl:
        with args.jsonl.open("w", encoding="utf-8") as out:
            for paper in papers:
                out.write(json.dumps(asdict(paper), ensure_ascii=False) + "\n")
        print(f"wrote {len(papers)} papers to {args.jsonl}", file=sys.stderr)
        return 0
    for paper in papers:
        print(paper.title)
        print(f"  {'; '.join(paper.authors)} ({paper.year}, {paper.venue or 'no venue'})")
        print(f"  arXiv {paper.arxiv_id or '-'}  DOI {paper.doi or '-'}  tags {paper.tags}")
        print(f"  {paper.abstract}\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
