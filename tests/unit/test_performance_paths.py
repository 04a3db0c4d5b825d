"""The fast paths give the same answers as the plain ones: bibliography cache, worker pool."""

from __future__ import annotations

from pathlib import Path

from briefgen.checks.quotes import PARALLEL_MIN_SOURCES, check_quotes
from briefgen.model import Config, Entry, Evidence, Finding, Project, Source, Span
from briefgen.project import BIB_CACHE_MIN_BYTES, load_bibliographies


def _big_bib(path: Path) -> None:
    blocks = [
        f"@article{{key{i},\n  author = {{Doe, J.}},\n  title = {{Title number {i} "
        f"{'padding ' * 20}}},\n  year = {{2001}},\n}}\n"
        for i in range(1200)
    ]
    blocks.insert(5, "@article{broken,\n  title = {no closing brace\n\n")
    blocks.append("@article{key7,\n  title = {A duplicate},\n  year = {2002},\n}\n")
    path.write_text("\n".join(blocks), encoding="utf-8")
    assert path.stat().st_size > BIB_CACHE_MIN_BYTES


def test_bibliography_cache_gives_the_parsed_result(tmp_path: Path) -> None:
    _big_bib(tmp_path / "refs.bib")
    cache = tmp_path / "build" / ".briefgen-cache"
    plain = load_bibliographies(tmp_path, ["refs.bib"])
    first = load_bibliographies(tmp_path, ["refs.bib"], cache)
    files = list(cache.iterdir())
    assert len(files) == 1 and files[0].name.startswith("bib-")
    again = load_bibliographies(tmp_path, ["refs.bib"], cache)
    assert plain == first == again
    assert plain[2] == 1202
    assert any(d.code == "BIB002" for d in plain[1])


def test_a_corrupt_bibliography_cache_is_ignored(tmp_path: Path) -> None:
    _big_bib(tmp_path / "refs.bib")
    cache = tmp_path / "cache"
    plain = load_bibliographies(tmp_path, ["refs.bib"], cache)
    for path in cache.iterdir():
        path.write_text('{"entries": [[1]]}', encoding="utf-8")
    assert load_bibliographies(tmp_path, ["refs.bib"], cache) == plain


def test_a_changed_bibliography_misses_the_cache(tmp_path: Path) -> None:
    _big_bib(tmp_path / "refs.bib")
    cache = tmp_path / "cache"
    load_bibliographies(tmp_path, ["refs.bib"], cache)
    with (tmp_path / "refs.bib").open("a", encoding="utf-8") as handle:
        handle.write("@book{added,\n  title = {New},\n  year = {2020},\n}\n")
    entries, _, count = load_bibliographies(tmp_path, ["refs.bib"], cache)
    assert "added" in entries and count == 1203
    assert len(list(cache.iterdir())) == 2


def _corpus_project(n: int) -> Project:
    words = ["alpha", "beta", "gamma", "delta", "epsilon", "zeta", "eta", "theta"]
    sources = {}
    entries = {}
    findings = []
    for i in range(n):
        key = f"s{i:03d}"
        text = " ".join(f"{words[(i + j) % 8]}{(i * 7 + j) % 13}" for j in range(300))
        text = f"Source {key} says: the unique phrase number {i} stands here.\n{text}\f{text}"
        sources[key] = Source(key=key, path=f"sources/{key}.txt", text=text,
                              pages=None)
        entries[key] = Entry(key=key, type="article", fields={}, span=Span("bib/r.bib", i + 1))
        quotes = [
            (key, f"the unique phrase number {i} stands here"),  # verified
            (key, f"the unique phrase number {i} stood here"),  # not found
            (f"s{(i + 1) % n:03d}", f"the unique phrase number {i} stands here"),  # elsewhere
        ]
        for j, (cited, quote) in enumerate(quotes):
            findings.append(Finding(
                id=f"f{i}-{j}", claim="c",
                evidence=(Evidence(cited, quote, None, Span("findings/f.yaml", 1, 1)),),
                span=Span("findings/f.yaml", 1, 1)))
    return Project(root=Path("."), config=Config(root=Path(".")), entries=entries,
                   sources=sources, findings=tuple(findings), documents=())


def test_the_worker_pool_gives_the_serial_result() -> None:
    project = _corpus_project(PARALLEL_MIN_SOURCES + 10)
    serial = check_quotes(project, jobs=1)
    pooled = check_quotes(project, jobs=2)
    assert serial == pooled
    statuses = [r.evidence[0].status for r in serial[0]]
    assert statuses[:3] == ["verified", "not-found", "wrong-source"]


def test_the_corpus_index_built_by_workers_is_the_one_built_here() -> None:
    from briefgen.checks.quotes import prepare_index
    from briefgen.quotes.matcher import CorpusIndex

    project = _corpus_project(PARALLEL_MIN_SOURCES + 10)
    texts = {key: source.text for key, source in project.sources.items()}
    quotes = [e.quote for f in project.findings for e in f.evidence] + ["absent words here"]
    here, pooled = CorpusIndex(texts), CorpusIndex(texts)
    here.prepare(quotes)
    here.prepare_pairs(quotes)
    prepare_index(pooled, quotes, jobs=2)
    assert pooled._masks == here._masks and pooled._pair_masks == here._pair_masks
    assert here._masks["absent"] == 0 and here._masks["unique"] == (1 << len(texts)) - 1


# --------------------------------------------------------------------------- fast paths


_FRONT_MATTERS = [
    "title: A paper\nauthor: Jo Doe\n",
    "title: A paper\nnocite_: x\n\ndate: 2024-01-02\n",
    "title:\nsubtitle: Words, more words (and some) - here.\n",
    "title: A paper\nnocite: '@a'\n",  # quoted: PyYAML reads it
    "title: A paper\nnocite: |\n  @b\n",
    "- a list\n- of things\n",  # not a mapping: not front matter
    "title: a: b\n",  # invalid YAML
    "title: A paper\n  continued on a second line\n",
]


def test_simple_front_matter_reads_as_pyyaml_reads_it(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    from briefgen import citations

    for yaml_text in _FRONT_MATTERS:
        doc = f"---\n{yaml_text}---\n\nText [@k1] and @k2.\n\n---\n{yaml_text}...\n\n[@k3]\n"
        fast = citations.extract_citations(doc, "d.md")
        monkeypatch.setattr(citations, "_simple_yaml_keys", lambda body: None)
        plain = citations.extract_citations(doc, "d.md")
        monkeypatch.undo()
        assert fast == plain, yaml_text


def test_simple_front_matter_is_recognised() -> None:
    from briefgen.citations import _Line, _simple_yaml_keys

    def lines(text: str) -> list[_Line]:
        return [_Line(t, i + 1, 0) for i, t in enumerate(text.splitlines())]

    assert _simple_yaml_keys(lines("title: A paper\n\nauthor: Jo\n")) == ["title", "author"]
    assert _simple_yaml_keys(lines("title: see @a\n")) is None
    assert _simple_yaml_keys(lines("title: a: b\n")) is None
    assert _simple_yaml_keys(lines("title: A\n  more\n")) is None
    assert _simple_yaml_keys(lines("\n")) is None


def test_normalise_fast_paths_keep_offsets() -> None:
    from briefgen.quotes.normalise import normalise

    text = "The \u201cCSTO\u201d \u2014 as  it was \u2013 suspend-\ned\x0c2011-\n2012\u2028x\t y"
    norm = normalise(text)
    assert norm.text == 'the "csto" - as it was - suspended 2011-2012 x y'
    for i, ch in enumerate(norm.text):
        if ch.isalnum():
            assert text[norm.offsets[i]].lower() == ch
    assert norm.offsets[len(norm.text)] == len(text)
    # A text with characters outside the simple folds takes the general path.
    assert normalise("e\u0301t\u00e9 \ufb01n").text == "\u00e9t\u00e9 fin"
