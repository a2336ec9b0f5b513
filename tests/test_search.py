"""Search (issues 13 and 15): words side by side first, quotes make a phrase,
queries that name a document, filters inside the index, count and paging,
snippets without letterhead. Every test runs on SQLite and, when
VANBAN_TEST_PG_URL is set, on PostgreSQL.

The archive: the five seeds and the dev documents with gold records (imported
with their gold records), plus four dev documents imported with no records at
all (only their text matters here): 010, 031 and 068 hold "khuyến" and "công"
apart only, 018 holds "khuyến công".
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from pipeline import queries
from pipeline.cli import main as cli
from pipeline.importer import import_paths
from pipeline.ingest import load
from pipeline.queries import QueryError, search, search_page
from pipeline.records import Extraction
from pipeline.run import Result
from pipeline.segment import segment
from pipeline.store import open_store
from pipeline.store.searchtext import furniture_spans, index_body, index_text, search_words, snippet
from tests.test_store import BACKENDS, DEV, GOLD_BY_FILE, PG_URL, SEEDS, fresh_db, gold_extract

TEXT_ONLY = ["010_sct_Huong-dan-thu-tuc-cap-GP-loai-1-", "031_congbao_quyet-dinh-so-844-qd-ttg-469",
             "068_vbpl_doc_000328", "018_sct_QD-16-2026-Quy-che-CCN-Lao-Cai-O"]


def extract(path) -> Result:
    if Path(path).name in GOLD_BY_FILE:
        return gold_extract(path)
    doc = load(path)
    return Result(doc, segment(doc), Extraction())


@pytest.fixture(scope="module", params=BACKENDS)
def archive(request, tmp_path_factory):
    tmp = tmp_path_factory.mktemp("search")
    docs = tmp / "docs"
    docs.mkdir()
    for p in [*SEEDS.glob("*.txt"), *DEV.glob("*.txt")]:
        if p.name in GOLD_BY_FILE or any(p.name.startswith(t) for t in TEXT_ONLY):
            shutil.copy(p, docs / p.name)
    url = fresh_db(request.param, tmp)
    store = open_store(url, create=True)
    summary = import_paths(store, [docs], workers=0, extract=extract, extractor_version="gold")
    assert summary.failed == 0 and summary.added == len(list(docs.iterdir()))
    yield store, url
    store.close()


def ids(store) -> dict[str, int]:
    return {Path(r["source_path"]).name[:3]: r["id"] for r in store.query("SELECT id, source_path FROM documents")}


def unmarked_body(store, doc_id: int) -> str:
    return " " + index_body(store.scalar("SELECT text FROM documents WHERE id = ?", (doc_id,))) + " "


# ---------------------------------------------------------------- right results

def test_khuyen_cong_lists_only_documents_holding_the_words_side_by_side(archive):
    store, _ = archive
    n = ids(store)
    page = search_page(store, "khuyen cong", limit=50)
    got = [h.document.id for h in page.hits]
    assert set(got) == {n[k] for k in ("000", "001", "002", "003", "004", "018")}
    assert page.total == 6 and page.apart == 3  # 010, 031, 068: "khuyến … công" apart, left out and counted
    for h in page.hits:
        assert " khuyen cong " in unmarked_body(store, h.document.id)
    assert [h.why for h in page.hits] == ["title"] * 5 + ["body"]  # the seeds' subjects say it; 018 only in its body
    # asking for everything lists them too, below every document holding the words side by side
    every = search_page(store, "khuyen cong", limit=50, match="all")
    assert every.total == 9 and [h.document.id for h in every.hits][:6] == got
    assert {h.document.id for h in every.hits[6:]} == {n["010"], n["031"], n["068"]}


def test_letterhead_is_not_indexed(archive):
    store, _ = archive
    n = ids(store)
    # every document prints the motto; none is found by it (only documents holding the words apart)
    page = search_page(store, "doc lap tu do hanh phuc", limit=50)
    assert page.total > 0 and {h.why for h in page.hits} <= {"words", "words-title"}
    assert search_page(store, '"doc lap tu do hanh phuc"').total == 0
    # "Cộng hòa xã hội chủ nghĩa Việt Nam" in running text stays searchable, the capitals of the letterhead do not
    hits = {h.document.id for h in search(store, '"cong hoa xa hoi chu nghia"', limit=50)}
    assert n["021"] not in hits and n["022"] not in hits
    for i in hits:
        assert " cong hoa xa hoi chu nghia " in unmarked_body(store, i)
    text = (SEEDS / "002_1b2955494293e451.txt").read_text("utf-8")
    assert [text[a:b].strip() for a, b in furniture_spans(text)] == [
        "Loading", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert "loading" not in index_body(text).split() and "loading" in index_text(text).split()


def test_quotes_make_a_phrase(archive):
    store, _ = archive
    n = ids(store)
    # unquoted, words no document holds side by side find the documents holding both
    loose = {h.document.id for h in search(store, "nghiep khoang", limit=100)}
    both = {i for i in n.values() if {"nghiep", "khoang"} <= set(unmarked_body(store, i).split())}
    assert loose == both and len(both) > 2
    assert search_page(store, '"nghiep khoang"').total == 0
    # a quoted phrase and a word: the phrase side by side, the word anywhere
    page = search_page(store, '"khuyen cong" an giang', limit=50)
    assert [h.document.id for h in page.hits] == [n["004"]] and page.apart == 0
    assert "[KHUYẾN] [CÔNG]" in page.hits[0].snippet.upper()


def test_nghi_dinh_45_finds_the_decree_and_the_documents_citing_it(archive):
    store, _ = archive
    n = ids(store)
    page = search_page(store, "nghi dinh 45", limit=50)
    assert [(x.label, x.document) for x in page.named] == [("Nghị định 45/2012/NĐ-CP", None)]
    citers = [h for h in page.hits if h.why == "cites"]
    assert page.hits[:len(citers)] == citers and n["004"] in {h.document.id for h in citers}
    assert page.named[0].citing == len(citers)
    h = next(h for h in citers if h.document.id == n["004"])
    assert h.snippet.startswith("căn cứ: [Nghị] [định] số [45]/2012/NĐ-CP")
    first = [h.document.id for h in citers]
    paged = [h.document.id for o in range(0, len(page.hits), 3) for h in search(store, "nghi dinh 45", limit=3, offset=o)]
    assert paged == [h.document.id for h in page.hits]  # citers paged in the database, in the same order
    for typed in ("nd 45", "NĐ 45/2012", "45/2012/nđ-cp", "Nghị định số 45/2012/NĐ-CP"):
        assert [h.document.id for h in search(store, typed, limit=len(first))] == first, typed
    # a stored document by its number: itself first
    page = search_page(store, "2211/QĐ-UBND")
    assert page.hits[0].document.id == n["004"] and page.hits[0].why == "named"
    assert page.named[0].document.id == n["004"]
    assert search_page(store, "qd 2211").hits[0].document.id == n["004"]


def test_a_law_by_name_lists_the_documents_citing_it(archive):
    from extractors.legal_keys import laws, number_key

    store, _ = archive
    cited_keys = {r["cited_key"] for r in store.query("SELECT DISTINCT cited_key FROM doc_references")}
    law = next(v for vs in laws().values() for v in vs if number_key(v.number) in cited_keys)
    versions = {number_key(v.number) for v in laws()[next(k for k, vs in laws().items() if law in vs)]}
    cited = {r["document_id"] for r in store.query(
        f"SELECT document_id FROM doc_references WHERE cited_key IN ({', '.join('?' * len(versions))})",
        sorted(versions))}
    page = search_page(store, index_text(law.name), limit=100)  # typed without marks
    assert {x.key for x in page.named} <= versions and page.named
    assert {h.document.id for h in page.hits if h.why == "cites"} == cited


# ---------------------------------------------------------------- filters, count, paging

def test_filters_inside_the_index(archive):
    store, _ = archive
    n = ids(store)
    assert [h.document.id for h in search(store, "khuyen cong", doc_type="Quyết định", year=2016)] == [n["004"]]
    assert [h.document.id for h in search(store, "khuyen cong", issuer="UBND tỉnh An Giang")] == [n["004"]]
    lao_cai = {h.document.id for h in search(store, "kiem tra", issuer="Sở Công Thương tỉnh Lào Cai", limit=50)}
    assert lao_cai == {n["021"], n["022"]}
    # the type is matched whole: "Thông tư" does not take in "Thông tư liên tịch"
    types = {r["doc_type"] for r in store.query("SELECT doc_type FROM documents")}
    for t in types - {None}:
        page = search_page(store, "cac", doc_type=t, limit=200)
        assert {h.document.doc_type for h in page.hits} == {t}
        assert page.total == store.scalar(
            "SELECT COUNT(*) FROM documents WHERE doc_type = ? AND ' ' || search_body || ' ' LIKE '% cac %'", (t,))
    assert search(store, "khuyen cong", year=1999) == []
    # a named document's citers are filtered too
    in_2016 = search(store, "nghi dinh 45", year=2016)
    assert n["004"] in {h.document.id for h in in_2016} and {h.document.issue_date[:4] for h in in_2016} == {"2016"}
    assert len(in_2016) < len(search(store, "nghi dinh 45", limit=50))
    with pytest.raises(QueryError):
        search(store, " ;; ")


def test_count_and_pages_without_gaps_or_repeats(archive, monkeypatch):
    store, _ = archive
    for cap in (0, 500, 3):  # 0: newest first; 3: every tier longer than the ranked head, its tail paged newest first
        monkeypatch.setattr(queries, "RANK_CAP", cap)
        whole = search_page(store, "quy dinh", limit=500)
        assert whole.total == len(whole.hits) > 20 and whole.next_offset is None
        pages, offset = [], 0
        while offset is not None:
            p = search_page(store, "quy dinh", limit=7, offset=offset)
            assert p.total == whole.total and p.pages == -(-whole.total // 7)
            pages += [h.document.id for h in p.hits]
            offset = p.next_offset
        assert sorted(pages) == sorted(h.document.id for h in whole.hits) and len(set(pages)) == len(pages)
        if cap in (0, 500):
            assert pages == [h.document.id for h in whole.hits]


def test_tiers_list_newest_first_by_default(archive):
    store, _ = archive
    assert queries.RANK_CAP == 0  # bm25 weighs each phrase over the whole index: not per query at 100k documents
    page = search_page(store, "quy dinh", limit=500)
    for why in {h.why for h in page.hits}:
        got = [h.document.id for h in page.hits if h.why == why]
        assert got == sorted(got, reverse=True), why


def test_a_named_documents_citers_count_toward_the_cap(archive, monkeypatch):
    store, _ = archive
    citers = [h.document.id for h in search_page(store, "nghi dinh 45", limit=500).hits if h.why == "cites"]
    assert len(citers) > 2
    monkeypatch.setattr(queries, "COUNT_CAP", len(citers))
    page = search_page(store, "nghi dinh 45", limit=500)  # no text printing the number is looked for past the cap
    assert [h.document.id for h in page.hits] == citers and page.total == len(citers) and not page.exact


def test_issuer_words_are_tokens_of_their_own(archive):
    store, _ = archive
    if store.dialect != "sqlite":
        pytest.skip("the SQLite index's filter column")
    n = ids(store)
    meta = store.scalar("SELECT search_meta FROM documents WHERE id = ?", (n["004"],))
    assert meta == "y2016 tquyetdinh iuy iban inhan idan itinh ian igiang"
    # the issuer's words are found in the filter column only, never by a word of a body
    assert store.scalar("SELECT COUNT(*) FROM documents_fts WHERE documents_fts MATCH 'iuy'") == \
        store.scalar("SELECT COUNT(*) FROM documents WHERE ' ' || issuer_key || ' ' LIKE '% uy %'")


# ---------------------------------------------------------------- snippets

@pytest.mark.parametrize("q", ["khuyen cong", "nghi dinh 45", "cong hoa", "doc lap", "banner", "ubnd tinh"])
def test_snippets_show_no_letterhead_or_site_chrome(archive, q):
    store, _ = archive
    for h in search(store, q, limit=50):
        for chrome in ("Loading", "bannerclient", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA", "Độc lập - Tự do", "CÔNG BÁO/Số"):
            assert chrome not in h.snippet, (q, h.document.id, h.snippet)


def test_snippet_opens_on_the_words_side_by_side_and_reads_only_around_them():
    text = (SEEDS / "002_1b2955494293e451.txt").read_text("utf-8")
    s = snippet(text, search_words("khuyen cong"), 160)
    assert "hoạt động [khuyến] [công] và" in s.text and not s.text.startswith("Loading")
    words = search_words("quy dinh")
    for p in [*sorted(DEV.glob("0[1-4]*.txt"))[:12], *SEEDS.glob("*.txt")]:
        t = p.read_text("utf-8")
        for ws in (search_words("khuyen cong"), words, search_words("ke hoach")):
            slow, fast = snippet(t, ws, 200), snippet(t, ws, 200, body=index_body(t))
            assert fast.text == slow.text, p.name


# ---------------------------------------------------------------- the same documents as the texts hold

def _holds(row: dict, words: list[str], where: str) -> bool:
    return f" {' '.join(words)} " in f" {row[where]} "


def _expected(store, atoms: list[list[str]], type_key: str | None = None) -> list[int]:
    """The tiers worked out from the indexed texts themselves: every word and phrase in the title, then
    each in the title or in the body (not all in the title), newest first within a tier."""
    rows = store.query("SELECT id, type_key, search_title, search_body FROM documents ORDER BY id DESC")
    rows = [r for r in rows if type_key is None or r["type_key"] == type_key]
    title = [r["id"] for r in rows if all(_holds(r, a, "search_title") for a in atoms)]
    body = [r["id"] for r in rows if r["id"] not in title
            and all(_holds(r, a, "search_title") or _holds(r, a, "search_body") for a in atoms)]
    return title + body


@pytest.mark.parametrize("q, atoms", [
    ('"khuyen cong"', [["khuyen", "cong"]]),
    ('"quy dinh ve"', [["quy", "dinh", "ve"]]),
    ('"cum cong nghiep"', [["cum", "cong", "nghiep"]]),
    ('"ke hoach thuc hien"', [["ke", "hoach", "thuc", "hien"]]),
    ("uy ban nhan dan", [["uy", "ban", "nhan", "dan"]]),
    ("cong nghiep", [["cong", "nghiep"]]),
    ('"khuyen cong" "ke hoach"', [["khuyen", "cong"], ["ke", "hoach"]]),
    ('"cum cong nghiep" tinh', [["cum", "cong", "nghiep"], ["tinh"]]),
    ("khoang", [["khoang"]]),
    ('"nghi dinh so 45"', [["nghi", "dinh", "so", "45"]]),
    ('"khoan 1 dieu"', [["khoan", "1", "dieu"]]),
    ('"tai khoan 2"', [["tai", "khoan", "2"]]),
    ('"luat so 64"', [["luat", "so", "64"]]),
    ('"chinh phu so 63"', [["chinh", "phu", "so", "63"]]),
    ('"boi luat so 87"', [["boi", "luat", "so", "87"]]),  # one more document holds "luat so 87" alone
    ('"dinh so 45 2012"', [["dinh", "so", "45", "2012"]]),
    ('"tai khoan 2" "thi hanh"', [["tai", "khoan", "2"], ["thi", "hanh"]]),
    ('"tai khoan 1 dieu" "quy dinh"', [["tai", "khoan", "1", "dieu"], ["quy", "dinh"]]),
])
def test_phrases_find_the_documents_the_texts_hold(archive, q, atoms):
    """PostgreSQL finds phrases through its word pairs and title vector, SQLite through FTS5 positions:
    both list exactly what the texts hold, in the same order."""
    store, _ = archive
    want = _expected(store, atoms)
    assert len(want) > 1, q
    page = search_page(store, q, limit=500)
    assert [h.document.id for h in page.hits] == want and page.total == len(want)
    typed = _expected(store, atoms, "quyet dinh")
    assert [h.document.id for h in search(store, q, doc_type="Quyết định", limit=500)] == typed


def test_postgres_vectors_hold_the_title_the_body_pairs_the_numbers_and_the_filters(archive):
    store, _ = archive
    if store.dialect != "postgres":
        pytest.skip("PostgreSQL's search vectors (migration 11)")
    assert store.scalar("SELECT vanban_word_pairs('a b c a b')::text AS v") == "'a_b' 'b_c' 'c_a'"
    assert store.scalar("SELECT vanban_word_pairs(?)::text AS v", ("x" * 150 + " y",)) == f"'{'x' * 100}_y'"
    assert store.scalar("SELECT vanban_word_pairs('')::text AS v") == ""
    assert store.scalar("SELECT vanban_word_pairs('one')::text AS v") == ""
    assert store.scalar("SELECT vanban_search_meta(2016, 'quyet dinh', 'so cong thuong')::text AS v") == \
        "'#icong' '#iso' '#ithuong' '#tquyetdinh' '#y2016'"
    assert store.scalar("SELECT vanban_search_meta(NULL, NULL, NULL)::text AS v") == ""
    numbered = "SELECT vanban_numbered_words(?)::text AS v"
    assert store.scalar(numbered, ("nghi dinh so 45 2012 nd cp ngay 3 thang 5",)) == \
        "'3_thang_5' 'cp_ngay_3' 'dinh_so_45' 'nghi_dinh_so_45' 'so_45_2012'"
    assert store.scalar(numbered, ("x" * 150 + " so 7",)) == f"'{'x' * 100}_so_7'"
    assert store.scalar(numbered, ("a " + "x" * 150 + " so 7",)) == f"'a_{'x' * 100}_so_7' '{'x' * 100}_so_7'"
    assert store.scalar(numbered, ("1 2",)) == ""
    assert store.scalar(numbered, ("",)) == ""
    n = ids(store)
    filters = "'#y2016' & '#tquyetdinh' & '#ian' & '#igiang'"
    row = store.one("SELECT search_title_vector @@ ?::tsquery AS t, search_pairs @@ ?::tsquery AS p, "
                    "search_vector @@ ?::tsquery AS v, search_numbers @@ ?::tsquery AS nb, "
                    "search_pairs @@ 'khuyen_cong'::tsquery AS kc, search_numbers @@ 'nghi_dinh_so_45'::tsquery AS nd, "
                    "search_title_vector @@ 'khuyen <-> cong'::tsquery AS tkc FROM documents WHERE id = ?",
                    (filters, filters, filters, filters, n["004"]))
    assert row == {"t": True, "p": True, "v": True, "nb": True, "kc": True, "nd": True, "tkc": True}


@pytest.mark.parametrize("q, spellings", [
    ("thong tu 38", [["thong", "tu", "38"], ["thong", "tu", "so", "38"]]),
    ("nghi dinh 78", [["nghi", "dinh", "78"], ["nghi", "dinh", "so", "78"]]),
    ("tt 38/2025", [["thong", "tu", "38", "2025"], ["thong", "tu", "so", "38", "2025"]]),
    ("nd 187/2025", [["nghi", "dinh", "187", "2025"], ["nghi", "dinh", "so", "187", "2025"]]),
])
def test_a_designation_printed_in_texts_lists_the_documents_holding_it(archive, q, spellings):
    """After the named document and its citers: the documents whose title, then body, prints one of the
    designation's spellings (PostgreSQL: its numbered lexemes, migration 12), newest first."""
    store, _ = archive
    page = search_page(store, q, limit=500)
    rows = store.query("SELECT id, search_title, search_body FROM documents ORDER BY id DESC")
    cited = {h.document.id for h in page.hits if h.why in ("named", "cites")}
    title = [r["id"] for r in rows if r["id"] not in cited and any(_holds(r, s, "search_title") for s in spellings)]
    body = [r["id"] for r in rows if r["id"] not in cited and r["id"] not in title
            and any(_holds(r, s, "search_body") for s in spellings)]
    assert body, q
    assert [h.document.id for h in page.hits if h.why not in ("named", "cites")] == title + body
    assert [h.why for h in page.hits if h.why not in ("named", "cites")] == ["title"] * len(title) + ["body"] * len(body)


@pytest.mark.parametrize("q, filters", [("khuyen cong", {}), ('"quy dinh ve"', {"year": 2016}),
                                        ("nghi dinh 45", {}), ("kiem tra", {"issuer": "Sở Công Thương"}),
                                        ("cac", {"doc_type": "Quyết định"})])
def test_postgres_reads_the_tiers_from_the_indexes(archive, q, filters):
    """No tier is read by a sequential scan of documents, which would read every row's vectors."""
    store, _ = archive
    if store.dialect != "postgres":
        pytest.skip("PostgreSQL's plans")
    seen = []
    run = store._execute

    def record(sql, params):
        if "FROM documents d WHERE" in sql and "search_" in sql:
            seen.append((sql, list(params)))
        return run(sql, params)

    store._execute = record
    try:
        search_page(store, q, **filters)
    finally:
        store._execute = run
    assert seen
    with queries._Index(store, None, None, None, []).scans():
        for sql, params in seen:
            plan = "\n".join(r["QUERY PLAN"] for r in store.query("EXPLAIN " + sql, params))
            assert "Seq Scan on documents" not in plan, plan


# ---------------------------------------------------------------- migration and CLI

def test_migration_5_reindexes_an_older_database_without_letterhead(tmp_path):
    url = str(tmp_path / "old.db")
    with open_store(url, create=True, upto=4) as s:
        text = (SEEDS / "004_9789b1cfca0ebaa2.txt").read_text("utf-8")
        s.execute("INSERT INTO documents (source_path, content_hash, extractor_version, text, search_title, "
                  "search_body, doc_type, type_key, issue_year, imported_at, updated_at) "
                  "VALUES ('/a.txt', 'h', 'v', ?, 'quyet dinh', ?, 'Quyết định', 'quyet dinh', 2016, 'x', 'x')",
                  (text, index_text(text)))
        assert s.scalar("SELECT COUNT(*) FROM documents_fts WHERE documents_fts MATCH '\"doc lap tu do\"'") == 1
    with open_store(url) as s:
        assert s.schema_version() >= 5
        assert s.scalar("SELECT search_body FROM documents") == index_body(text)
        assert search_page(s, '"doc lap tu do"').total == 0
        assert [h.document.id for h in search(s, "khuyen cong", doc_type="Quyết định", year=2016)] == [1]
        s.execute("INSERT INTO documents_fts(documents_fts) VALUES ('integrity-check')")


def _insert_old_document(s, text: str, title: str) -> None:
    """One document row as an archive of an older schema holds it (Quyết định of UBND tỉnh An Giang, 2016)."""
    s.execute("INSERT INTO documents (source_path, content_hash, extractor_version, text, search_title, "
              "search_body, doc_type, type_key, issuer, issuer_key, issue_year, imported_at, updated_at) "
              "VALUES ('/a.txt', 'h', 'v', ?, ?, ?, 'Quyết định', 'quyet dinh', "
              "'UBND tỉnh An Giang', 'uy ban nhan dan tinh an giang', 2016, 'x', 'x')", (text, title, index_body(text)))


def test_migration_9_indexes_the_issuer_as_tokens_of_its_own(tmp_path):
    url = str(tmp_path / "old.db")
    text = (SEEDS / "004_9789b1cfca0ebaa2.txt").read_text("utf-8")
    with open_store(url, create=True, upto=5) as s:
        _insert_old_document(s, text, "quyet dinh")
        assert s.scalar("SELECT search_meta FROM documents") == "y2016 tquyetdinh uy ban nhan dan tinh an giang"
    with open_store(url) as s:
        assert s.schema_version() >= 9
        assert s.scalar("SELECT search_meta FROM documents") == "y2016 tquyetdinh iuy iban inhan idan itinh ian igiang"
        assert [h.document.id for h in search(s, "khuyen cong", issuer="UBND tỉnh An Giang")] == [1]
        assert search(s, "khuyen cong", issuer="UBND tỉnh Lào Cai") == []
        s.execute("UPDATE documents SET issuer_key = 'so cong thuong tinh an giang' WHERE id = 1")  # a correction
        assert [h.document.id for h in search(s, "khuyen cong", issuer="Sở Công Thương")] == [1]
        s.execute("INSERT INTO documents_fts(documents_fts) VALUES ('integrity-check')")


def _old_postgres_archive(tmp_path, upto: int) -> str:
    """A PostgreSQL archive at schema `upto` holding seed 004 as that schema stored it."""
    url = fresh_db("postgres", tmp_path)
    with open_store(url, create=True, upto=upto) as s:
        _insert_old_document(s, (SEEDS / "004_9789b1cfca0ebaa2.txt").read_text("utf-8"), "quyet dinh ve khuyen cong")
    return url


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="VANBAN_TEST_PG_URL not set")
def test_migration_11_gives_an_older_postgres_archive_its_vectors(tmp_path):
    url = _old_postgres_archive(tmp_path, upto=10)
    with open_store(url) as s:
        assert s.schema_version() >= 11
        i = s.scalar("SELECT id FROM documents")
        assert [h.document.id for h in search(s, "khuyen cong", doc_type="Quyết định", year=2016)] == [i]
        assert [(h.document.id, h.why) for h in search(s, '"kinh phi khuyen cong"')] == [(i, "body")]
        assert [h.document.id for h in search(s, "khuyen cong", issuer="UBND tỉnh An Giang")] == [i]
        assert search(s, "khuyen cong", issuer="UBND tỉnh Lào Cai") == []
        assert search(s, "khuyen cong", year=2017) == []
        s.execute("UPDATE documents SET issuer_key = 'so cong thuong tinh an giang' WHERE id = ?", (i,))  # a correction
        assert [h.document.id for h in search(s, "khuyen cong", issuer="Sở Công Thương")] == [i]
        assert search(s, "khuyen cong", issuer="UBND tỉnh An Giang") == []


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="VANBAN_TEST_PG_URL not set")
def test_migration_12_gives_an_older_postgres_archive_its_numbered_words(tmp_path):
    url = _old_postgres_archive(tmp_path, upto=11)
    with open_store(url) as s:
        assert s.schema_version() >= 12
        i = s.scalar("SELECT id FROM documents")
        assert s.scalar("SELECT search_numbers @@ 'nghi_dinh_so_45' AS v FROM documents") is True
        assert [(h.document.id, h.why) for h in search(s, '"nghi dinh so 45"')] == [(i, "body")]
        assert [h.document.id for h in search(s, '"nghi dinh so 45"', year=2016, doc_type="Quyết định")] == [i]
        assert search(s, '"nghi dinh so 45"', year=2017) == []
        assert [h.document.id for h in search(s, '"dinh so 45 2012"')] == [i]
        assert search(s, '"nghi dinh so 46"') == []


def test_cli_prints_the_count_and_pages(archive):
    _, url = archive
    run = CliRunner().invoke
    r = run(cli, ["search", "khuyen", "cong", "--db", url, "--limit", "4"])
    assert r.exit_code == 0 and "6 documents hold the words side by side" in r.output
    assert "page 1/2" in r.output and "3 more hold the words apart (--all)" in r.output
    r2 = run(cli, ["search", "khuyen cong", "--db", url, "--limit", "4", "--page", "2"])
    assert r2.exit_code == 0 and "page 2/2" in r2.output and r2.output.count("\n#") == 2
    r3 = run(cli, ["search", "nghi dinh 45", "--db", url])
    assert "Nghị định 45/2012/NĐ-CP (not in the archive): cited by" in r3.output
    r4 = run(cli, ["search", "khuyen cong", "--db", url, "--all", "--format", "json"])
    import json

    data = json.loads(r4.output)
    assert data["total"] == 9 and len(data["hits"]) == 9


def test_web_search_page_counts_pages_and_names_the_cited_decree(archive, tmp_path):
    from pipeline.web import create_app

    _, url = archive
    app = create_app(url, import_dir=tmp_path / "imports", TESTING=True)
    c = app.test_client()
    html = c.get("/?q=khuyen+cong").get_data(as_text=True)
    assert "6 kết quả" in html and "Còn 3 văn bản có đủ các từ nhưng không liền nhau" in html
    assert "all=1" in html and "bannerclient" not in html and "Loading" not in html
    html = c.get("/?q=khuyen+cong&all=1").get_data(as_text=True)
    assert "9 kết quả" in html
    html = c.get("/?q=nghi+dinh+45").get_data(as_text=True)
    assert "Nghị định 45/2012/NĐ-CP</strong> (chưa có trong cơ sở dữ liệu)" in html
    html = c.get("/?q=quy+dinh&page=2").get_data(as_text=True)
    assert "trang 2/" in html and "Trang trước" in html


# ---------------------------------------------------------------- the program filter (issue 13, item 5)

AG = "ct-khuyen-cong-an-giang-2016-2020"  # approved by QĐ 2211/QĐ-UBND (seed 004)


@pytest.fixture(scope="module", params=BACKENDS)
def seeded(request, tmp_path_factory):
    """The seeds through the real pipeline, so that their programs are linked as `vanban import` links them."""
    tmp = tmp_path_factory.mktemp("search-programs")
    url = fresh_db(request.param, tmp)
    store = open_store(url, create=True)
    assert import_paths(store, [SEEDS], workers=0).failed == 0
    yield store, url
    store.close()


def test_program_filter_keeps_the_documents_linked_to_it(seeded, tmp_path):
    from pipeline.programs import attach, detach, find_program
    from pipeline.web import create_app

    store, url = seeded
    n = ids(store)

    def linked(key):
        return {r["document_id"] for r in store.query(
            "SELECT document_id FROM program_documents WHERE program_id = ?", (find_program(store, key)[0],))}

    every = search_page(store, "khuyen cong", limit=50)
    assert len(every.hits) > 1
    page = search_page(store, "khuyen cong", program=AG, limit=50)
    assert [h.document.id for h in page.hits] == [n["004"]] and page.total == 1 and linked(AG) == {n["004"]}
    # several documents: each hit linked, every linked document holding the words found, counted in the index
    nat = "ct-khuyen-cong-quoc-gia"
    page = search_page(store, "khuyen cong", program=nat, limit=50)
    got = {h.document.id for h in page.hits}
    assert len(got) > 1 and got == linked(nat) & {h.document.id for h in every.hits} and page.total == len(got)
    assert [h.document.id for h in search_page(store, "khuyen cong", program=nat, limit=1, offset=1).hits] == \
        [h.document.id for h in page.hits][1:2]
    # with the other filters, words of the name, and a query naming a document
    assert [h.document.id for h in search(store, "khuyen cong", program="khuyen cong an giang 2016", year=2016)] == \
        [n["004"]]
    assert search(store, "khuyen cong", program=AG, year=2015) == []
    assert [h.document.id for h in search(store, "2211/QĐ-UBND", program=AG)] == [n["004"]]
    assert search(store, "2211/QĐ-UBND", program=nat) == []
    with pytest.raises(QueryError, match="no program 'ct-khong-co'"):
        search(store, "khuyen cong", program="ct-khong-co")
    # a document attached by hand is linked from then on; detached, it is not
    attach(store, AG, str(n["000"]), by="test")
    assert {h.document.id for h in search(store, "khuyen cong", program=AG)} == {n["004"], n["000"]}
    detach(store, AG, str(n["000"]), by="test")
    assert [h.document.id for h in search(store, "khuyen cong", program=AG)] == [n["004"]]

    run = CliRunner().invoke
    r = run(cli, ["search", "khuyen cong", "--db", url, "--program", AG, "--format", "json"])
    assert r.exit_code == 0, r.output
    import json

    assert [h["document"]["id"] for h in json.loads(r.output)["hits"]] == [n["004"]]
    r = run(cli, ["search", "khuyen cong", "--db", url, "--program", "ct-khong-co"])
    assert r.exit_code != 0 and "no program 'ct-khong-co'" in r.output

    c = create_app(url, import_dir=tmp_path / "imports", TESTING=True).test_client()
    html = c.get(f"/?q=khuyen+cong&program={AG}").get_data(as_text=True)
    assert "1 kết quả" in html and f'href="/van-ban/{n["004"]}"' in html and f'<option value="{AG}" selected>' in html
    assert f'href="/van-ban/{n["000"]}"' not in html
    html = c.get(f"/?program={AG}").get_data(as_text=True)  # no words: the program's documents, newest first
    assert "1 kết quả" in html and f'href="/van-ban/{n["004"]}"' in html
    r = c.get("/?q=khuyen+cong&program=ct-khong-co")
    assert r.status_code == 400 and "no program &#39;ct-khong-co&#39;" in r.get_data(as_text=True)
