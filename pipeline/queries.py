"""Questions asked of the program database, as a Python API returning dataclasses.

The CLI formats these; a web application can call the same functions. Every
function takes an open `Store` (pipeline.store.open_store) and raises
`QueryError` for input a person can correct (an unknown document, a bad status).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from pathlib import Path

import regex

from extractors.bodies import canonical_body
from extractors.legal_keys import TYPE_CODES
from pipeline.store import Store, now
from pipeline.store.bodies import body_key
from pipeline.store.keys import document_keys, number_key, title_key
from pipeline.store.searchtext import fold_same_length, index_text, search_words, snippet

RELATIONS = ["căn cứ", "thực hiện", "thay thế", "bãi bỏ", "sửa đổi", "hướng dẫn", "dẫn chiếu"]
REPLACING = {"thay thế", "bãi bỏ"}
TASK_STATUSES = ["open", "in_progress", "done", "cancelled", "blocked"]
CLOSED = ("done", "cancelled")


class QueryError(Exception):
    """The question cannot be answered as asked (unknown document, bad value)."""


@dataclass
class DocumentSummary:
    id: int
    doc_type: str | None
    number: str | None
    issue_date: str | None
    issuer: str | None
    subject: str | None
    source_path: str

    @property
    def label(self) -> str:
        head = " ".join(x for x in (self.doc_type, self.number) if x) or Path(self.source_path).name
        return f"{head} ({self.issue_date})" if self.issue_date else head


_SUMMARY = "d.id, d.doc_type, d.number, d.issue_date, d.issuer, d.subject, d.source_path"


def _summary(row: dict, prefix: str = "") -> DocumentSummary:
    return DocumentSummary(row[prefix + "id"], row[prefix + "doc_type"], row[prefix + "number"],
                           row[prefix + "issue_date"], row[prefix + "issuer"], row[prefix + "subject"],
                           row[prefix + "source_path"])


# ---------------------------------------------------------------- search
#
# A search reads the index, never the documents' texts, until it knows which
# hits it shows. The results come in tiers, each a query the index answers
# alone (SQLite FTS5 MATCH, PostgreSQL tsquery over the GIN index), with the
# filters inside the same query:
#   0. a query that names a document ("nghị định 45", "NĐ 45/2012",
#      "2211/QĐ-UBND", "luật đầu tư công"): that document (stored or only cited)
#      and the documents citing it, from the keys and the references table;
#   1. the words side by side as typed, in the title (type, number, subject);
#   2. the words side by side in the body;
#   3. all the words, apart, in the title;   } only when no document holds the words
#   4. all the words, apart, in the body.    } side by side, or with match="all"
# Quoted text is a phrase that must be there ("khuyen cong" tram): no loose tiers.
# A tier is counted in the index (up to COUNT_CAP) and listed newest first: the
# index walks its rowids backwards and stops at the page's end, so a query costs
# the same at 100k documents as at 2k. With RANK_CAP > 0, a tier's newest RANK_CAP
# hits are ranked instead (bm25 / ts_rank, title weighted) and the rest follow
# newest first; off by default, because FTS5's bm25 weighs each phrase by reading
# its every match in the whole index (at 20k documents 40 ms for one body phrase,
# growing with the archive) and ts_rank reads each hit's whole tsvector.
#
# On PostgreSQL (migration 11) a tier is a condition over three GIN-indexed tsvectors:
# search_vector (title and body words, positions), search_title_vector (the title alone) and
# search_pairs (the body's words side by side, one lexeme a pair: "khuyen_cong", no positions).
# Words and pairs are answered by the index alone, never re-checked on a row; a title phrase is
# re-checked on the short title vector; a body phrase of three words or more is narrowed to the
# documents holding each of its pairs, and only those have their positions read (ts_match_vq, a
# filter, never an index condition). The planner is kept off sequential scans, which would read
# every row's vectors (see _Index.scans).
# Migration 12 adds search_numbers: each number in the body with the two words before it as one lexeme
# ("nghi_dinh_45"), and after "so" with the three ("nghi_dinh_so_45"). A phrase that is one of them (a
# designation's spellings: "nghi dinh 45", "nghi dinh so 45") is answered by that index alone; a longer
# phrase holding a number has its positions read only in the documents holding its numbered lexemes.

RANK_CAP = 0
COUNT_CAP = 1000  # past this many hits the count says "more than" (a query that broad wants more words)
SNIPPET_WIDTH = 200


@dataclass
class SearchHit:
    document: DocumentSummary
    score: float
    snippet: str
    why: str = ""  # named | cites | title | body | words-title | words


@dataclass
class NamedDocument:
    """A document the query names: stored in the archive (`document`) or only cited by it."""

    key: str
    label: str
    document: DocumentSummary | None
    citing: int  # documents citing it


@dataclass
class SearchPage:
    query: str
    hits: list[SearchHit]
    total: int
    offset: int
    limit: int
    named: list[NamedDocument] = field(default_factory=list)
    apart: int = 0  # documents holding every word but never side by side, left out (match="all" lists them)
    exact: bool = True  # False: more than `total` documents match (counting stops at COUNT_CAP)

    @property
    def page(self) -> int:
        return self.offset // max(1, self.limit) + 1

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // max(1, self.limit)))

    @property
    def next_offset(self) -> int | None:
        return self.offset + self.limit if self.offset + self.limit < self.total else None


@dataclass
class _Query:
    words: list[str]  # every word, in order
    phrases: list[list[str]]  # quoted
    free: list[str]  # unquoted


_QUOTED = regex.compile(r'["“”„«»]([^"“”„«»]*)["“”„«»]?')


def parse_query(text: str) -> _Query:
    """Quoted stretches are phrases; the rest are words."""
    phrases, free = [], []
    pos = 0
    for m in _QUOTED.finditer(text):
        free += search_words(text[pos:m.start()])
        ws = search_words(m[1])
        if len(ws) > 1:
            phrases.append(ws)
        else:
            free += ws
        pos = m.end()
    free += search_words(text[pos:])
    return _Query(search_words(text), phrases, free)


# ---- query text for each dialect: words are [a-z0-9]+ (search_words), safe to quote

class _Sqlite:
    @staticmethod
    def phrase(ws: list[str], title: bool = False) -> str:
        p = '"' + " ".join(ws) + '"'
        return "{search_title} : " + p if title else p

    @staticmethod
    def all(parts: list[str]) -> str:
        return "(" + " AND ".join(parts) + ")"

    @staticmethod
    def any(parts: list[str]) -> str:
        return "(" + " OR ".join(parts) + ")"

    @staticmethod
    def but_not(a: str, b: str) -> str:
        return f"({a} NOT {b})"


class _Postgres:
    """tsquery text of the ranking tsquery a PostgreSQL tier carries (the conditions are _Pg, below)."""

    @staticmethod
    def phrase(ws: list[str], title: bool = False) -> str:
        return _pg_phrase(ws, ":A" if title else "")

    @staticmethod
    def all(parts: list[str]) -> str:
        return "(" + " & ".join(parts) + ")"

    @staticmethod
    def any(parts: list[str]) -> str:
        return "(" + " | ".join(parts) + ")"


PAIR_WORD = 100  # a word is cut to this many characters in a pair, as vanban_word_pairs() (migration 11) cuts it
_META = "/*filters*/"  # where an index condition takes the filters' lexemes (_Index._sql), with _FILTERS its parameter
_FILTERS = object()


def _no_filters(sql: str, params: tuple) -> tuple[str, tuple]:
    return sql.replace(_META, ""), tuple(x for x in params if x is not _FILTERS)


@dataclass(frozen=True)
class _Pg:
    """A PostgreSQL condition on `documents d` with its parameters; `rank`: the tsquery a tier is ranked by
    (RANK_CAP > 0); `simple`: the same tier when no document holds the words side by side."""

    sql: str
    params: tuple = ()
    rank: str = ""
    simple: _Pg | None = None
    late: str = ""  # a check of positions, made after every other condition (see _Index._sql)
    late_params: tuple = ()

    def _whole(self) -> tuple[str, tuple]:
        if not self.late:
            return self.sql, self.params
        return f"{self.sql} AND {self.late}", self.params + self.late_params

    def __and__(self, other: _Pg) -> _Pg:
        late = " AND ".join(x for x in (self.late, other.late) if x)
        return _Pg(f"{self.sql} AND {other.sql}", self.params + other.params, self.rank,
                   late=late, late_params=self.late_params + other.late_params)

    def __invert__(self) -> _Pg:  # the filters' lexemes stay out of a negation: NOT (words AND filters) is not it
        sql, params = _no_filters(*self._whole())
        return _Pg(f"NOT ({sql})", params)

    def __or__(self, other: _Pg) -> _Pg:
        (a, pa), (b, pb) = self._whole(), other._whole()
        return _Pg(f"(({a}) OR ({b}))", pa + pb, self.rank)

    def ranked(self, rank: str, simple: _Pg | None = None) -> _Pg:
        return _Pg(self.sql, self.params, rank, simple, self.late, self.late_params)


def _pg_phrase(ws: list[str], weight: str = "") -> str:
    return "(" + " <-> ".join(w + weight for w in ws) + ")"


def _pg_title(phrases: list[list[str]], any_: bool = False) -> _Pg:
    """All (or any) of the phrases in the title: its own short vector, re-checked there alone."""
    q = (" | " if any_ else " & ").join(_pg_phrase(p) for p in phrases)
    return _Pg(f"d.search_title_vector @@ (to_tsquery('simple', ?){_META})", (q, _FILTERS))


def _pg_words(words: list[str]) -> _Pg:
    """Every word, anywhere (title or body): the index alone answers."""
    return _Pg(f"d.search_vector @@ (to_tsquery('simple', ?){_META})", (" & ".join(words), _FILTERS))


def _pg_pairs(phrases: list[list[str]]) -> _Pg:
    """Documents whose body holds every pair of one of the phrases (two words or more each)."""
    q = " | ".join("(" + " & ".join(f"'{a[:PAIR_WORD]}_{b[:PAIR_WORD]}'" for a, b in zip(p, p[1:], strict=False))
                   + ")" for p in phrases)
    return _Pg(f"d.search_pairs @@ (?::tsquery{_META})", (q, _FILTERS))


def _is_number(w: str) -> bool:
    return "0" <= w[:1] <= "9"  # as vanban_numbered_words() (migration 12) tells one: the first character


def _pg_numbered(p: list[str]) -> list[str]:
    """The lexemes of search_numbers (migration 12) inside a phrase: each number with the two words
    before it ("nghi_dinh_45"), and after "so" with the three ("nghi_dinh_so_45")."""
    w = [x[:PAIR_WORD] for x in p]
    out = [f"{w[i - 2]}_{w[i - 1]}_{w[i]}" for i in range(2, len(w)) if _is_number(w[i])]
    out += [f"{w[i - 2]}_{w[i - 1]}_so_{w[i + 1]}" for i in range(2, len(w) - 1)
            if w[i] == "so" and _is_number(w[i + 1])]
    return out


def _pg_whole(p: list[str]) -> str | None:
    """The search_numbers lexeme that is the phrase itself ("nghi dinh 45", "nghi dinh so 45"), if any."""
    w = [x[:PAIR_WORD] for x in p]
    if len(w) == 3 and _is_number(w[2]):
        return f"{w[0]}_{w[1]}_{w[2]}"
    if len(w) == 4 and w[2] == "so" and _is_number(w[3]):
        return f"{w[0]}_{w[1]}_so_{w[3]}"
    return None


def _pg_numbers(groups: list[list[str]]) -> _Pg:
    """Documents whose body holds every lexeme of one of the groups of search_numbers lexemes."""
    q = " | ".join("(" + " & ".join(f"'{x}'" for x in g) + ")" for g in groups)
    return _Pg(f"d.search_numbers @@ (?::tsquery{_META})", (q, _FILTERS))


def _pg_phrase_body(p: list[str]) -> _Pg:
    """Documents whose body may hold the phrase (two words or more): exactly for two words (a pair) or
    a phrase that is one numbered lexeme; else a superset whose positions _pg_positions reads."""
    whole = _pg_whole(p)
    if whole:
        return _pg_numbers([[whole]])
    numbered = _pg_numbered(p)
    return _pg_numbers([numbered]) if numbered else _pg_pairs([p])


def _pg_positions(phrases: list[list[str]], weight: str = "", any_: bool = True) -> _Pg:
    """The phrases checked on a row's positions: a filter (ts_match_vq is no index condition), read only
    for the rows the index conditions beside it let through."""
    q = (" | " if any_ else " & ").join(_pg_phrase(p, weight) for p in phrases)
    return _Pg("true", late="ts_match_vq(d.search_vector, to_tsquery('simple', ?))", late_params=(q,))


def _pg_body(phrases: list[list[str]]) -> _Pg:
    """One of the phrases in the body (one-word phrases: anywhere; the tiers take the titles away)."""
    one, more = [p[0] for p in phrases if len(p) == 1], [p for p in phrases if len(p) > 1]
    whole, rest = [p for p in more if _pg_whole(p)], [p for p in more if not _pg_whole(p)]
    c = None
    if rest:
        numbered = [_pg_numbered(p) for p in rest]
        # the words before a number are rarer than its pairs ("nghi_dinh_so_45" against "nghi_dinh" and
        # "so_45"): the documents holding them are those whose positions are read
        c = _pg_numbers(numbered) if all(numbered) else _pg_pairs(rest)
        if any(len(p) > 2 for p in rest):  # a pair at a time is not yet the phrase: its positions are read
            c = c & _pg_positions(rest, ":B")
    if whole:  # "nghi dinh 45", "nghi dinh so 45": one lexeme each, nothing read on a row
        w = _pg_numbers([[_pg_whole(p)] for p in whole])
        c = w if c is None else w | c
    if one:
        w = _Pg(f"d.search_vector @@ (to_tsquery('simple', ?){_META})", (" | ".join(one), _FILTERS))
        c = w if c is None else w | c
    return c


def _pg_every(atoms: list[list[str]]) -> _Pg:
    """Every word and phrase, each in the title or in the body."""
    parts = []
    one, more = [a[0] for a in atoms if len(a) == 1], [a for a in atoms if len(a) > 1]
    if one:
        parts.append(_pg_words(one))
    parts += [_pg_title([a]) | _pg_phrase_body(a) for a in more]
    loose = [a for a in more if len(a) > 2 and not _pg_whole(a)]
    if loose:
        parts.append(_pg_positions(loose, any_=False))
    c = parts[0]
    for x in parts[1:]:
        c = c & x
    return c


def _pg_tiers(q: _Query, match: str, near: list[list[str]] | None) -> list[tuple[str, _Pg | str, None]]:
    """The tiers of _tiers as PostgreSQL conditions (same documents, same order)."""
    P = _Postgres
    if near is not None:
        title = _pg_title(near, any_=True)
        return [("title", title.ranked(P.any([P.phrase(p, True) for p in near])), None),
                ("body", (_pg_body(near) & ~title).ranked(P.any([P.phrase(p) for p in near])), None)]
    atoms = q.phrases + [[w] for w in q.free]
    rank_t, rank = P.all([P.phrase(a, True) for a in atoms]), P.all([P.phrase(a) for a in atoms])
    if q.phrases or len(q.free) < 2:
        title = _pg_title(atoms)
        every = _pg_body(atoms) if len(atoms) == 1 else _pg_every(atoms)
        return [("title", title.ranked(rank_t), None), ("body", (every & ~title).ranked(rank), None)]
    side_t, side_b = _pg_title([q.free]), _pg_body([q.free])
    words_t = _pg_title([[w] for w in q.free])
    words = _pg_words(q.free) & ~words_t
    tiers = [("title", side_t.ranked(P.phrase(q.free, True)), None),
             ("body", (side_b & ~side_t).ranked(P.phrase(q.free)), None),
             ("words-title", (words_t & ~side_t & ~side_b).ranked(rank_t, words_t.ranked(rank_t)), None),
             ("words", (words & ~side_b).ranked(rank, words.ranked(rank)), None)]
    return tiers if match == "all" else tiers[:2] + [("apart", "", None)] + tiers[2:]


def _tiers(store: Store, q: _Query, match: str,
           near: list[list[str]] | None = None) -> list[tuple[str, str, str | None]]:
    """(why, index query, with the tier before) of each tier, in order; each excludes the ones before it.
    The third, for a tier that is a query less the tier before it, is the query alone: counting it and
    taking the tier before's count away reads no positions of the excluded words."""
    if store.dialect != "sqlite":
        return _pg_tiers(q, match, near)
    D = _Sqlite
    strict = [D.phrase(p) for p in q.phrases] + [D.phrase([w]) for w in q.free]
    strict_t = [D.phrase(p, True) for p in q.phrases] + [D.phrase([w], True) for w in q.free]
    if near is not None:  # a document's designation: its spellings side by side, nothing looser
        n_any, n_title = D.any([D.phrase(p) for p in near]), D.any([D.phrase(p, True) for p in near])
        return [("title", n_title, None), ("body", D.but_not(n_any, n_title), n_any)]
    if q.phrases or len(q.free) < 2:
        everything, title = D.all(strict), D.all(strict_t)
        return [("title", title, None), ("body", D.but_not(everything, title), everything)]
    side, side_t = D.phrase(q.free), D.phrase(q.free, True)
    everything, title = D.all(strict), D.all(strict_t)
    tiers = [("title", side_t, None), ("body", D.but_not(side, side_t), side),
             ("words-title", D.but_not(title, side), None),
             ("words", D.but_not(D.but_not(everything, side), title), None)]
    return tiers if match == "all" else tiers[:2] + [("apart", "", None)] + tiers[2:]


class _Index:
    """Counting and ranking one tier inside the index, filters included."""

    def __init__(self, store: Store, doc_type: str | None, issuer: str | None, year: int | None,
                 exclude: list[int], program_id: int | None = None):
        self.store, self.exclude = store, exclude
        self.sqlite = store.dialect == "sqlite"
        if self.sqlite:
            meta = []
            if year:
                meta.append(f"y{int(year)}")
            if doc_type:
                meta.append("t" + body_key(doc_type).replace(" ", ""))
            if issuer:  # the issuer's words are indexed as "i" + word (migration 9), found only there
                ws = search_words(body_key(canonical_body(issuer)))
                if ws:
                    meta.append('"' + " ".join("i" + w for w in ws) + '"')
            # the filter first: FTS5 then looks for the words only in the documents it lets through
            self.meta = "{search_meta} : (" + " AND ".join(meta) + ") AND " if meta else ""
            self.where = ""
            self.params: list = []
            if exclude:
                self.where = " AND rowid NOT IN (SELECT value FROM json_each(?))"
                self.params = [json.dumps(exclude)]
            if program_id is not None:
                self.where += f" AND rowid IN ({_linked()})"
                self.params.append(program_id)
        else:
            # Filters on the row alone, in forms no index answers: the words' own index (GIN) then always
            # gives the candidates, and a filter costs a look at a few columns of each. Were the type, year
            # or issuer index taken instead (the planner does whenever the filter looks more selective), each
            # document it let through would have its whole vectors read to test the words.
            # The filters are also lexemes of every search vector (migration 11: "#y2016", "#tquyetdinh",
            # "#i" + each of the issuer's words), and go into the words' own index condition (_META).
            where, params, lexemes = [], [], []
            if doc_type:
                where.append("d.type_key || '' = ?")
                params.append(body_key(doc_type))
                lexemes.append("#t" + body_key(doc_type).replace(" ", "")[:200])
            if year:
                where.append("d.issue_year + 0 = ?")
                params.append(int(year))
                lexemes.append(f"#y{int(year)}")
            if issuer:  # the issuer's words side by side, as SQLite's index and _filtered find them
                ws = search_words(body_key(canonical_body(issuer)))
                if ws:
                    where.append("' ' || COALESCE(d.issuer_key, '') || ' ' LIKE ?")
                    params.append("% " + " ".join(ws) + " %")
                    lexemes += ["#i" + w[:PAIR_WORD] for w in dict.fromkeys(ws)]
            self.lexemes = " & ".join(f"'{x}'" for x in lexemes)
            if exclude:
                where.append("NOT (d.id = ANY(?))")
                params.append(exclude)
            self.cheap, self.cheap_params = " AND ".join(where), list(params)
            if program_id is not None:
                where.append(f"d.id IN ({_linked()})")
                params.append(program_id)
            self.where = "".join(f" AND {w}" for w in where)
            self.params = params

    @contextmanager
    def scans(self) -> Iterator[None]:
        """Where the tiers are read. PostgreSQL: one transaction that keeps the planner off sequential scans
        (its cost model does not see that a row's vectors are read and decompressed for each row a sequential
        scan filters: 80 ms for the body pairs of 1,700 documents, where the index answers in 2), off JIT
        (which a disabled plan's cost would start) and on plans made for the words asked (a statement the
        driver has prepared would otherwise get a generic plan, blind to how common the words are)."""
        if self.sqlite:
            yield
            return
        with self.store.transaction():
            self.store.query("SELECT set_config('enable_seqscan', 'off', true) AS a, set_config('jit', 'off', true) AS b, "
                             "set_config('plan_cache_mode', 'force_custom_plan', true) AS c")
            yield

    def _sql(self, select: str, expr: str | _Pg, tail: str = "", title: bool = False,
             select_params: tuple = ()) -> tuple[str, list]:
        if self.sqlite:  # a tier of title matches alone reads the titles' index (migration 9)
            t = "documents_title_fts" if title else "documents_fts"
            return (f"SELECT {select} FROM {t} WHERE {t} MATCH ?{self.where}{tail}",
                    [self.meta + expr, *self.params])
        assert isinstance(expr, _Pg)
        if self.lexemes:
            expr = _Pg(expr.sql.replace(_META, " && ?::tsquery"),
                       tuple(self.lexemes if x is _FILTERS else x for x in expr.params), late=expr.late,
                       late_params=expr.late_params)
        else:
            expr = _Pg(*_no_filters(expr.sql, expr.params), late=expr.late, late_params=expr.late_params)
        late, late_params = "", []
        if expr.late:  # positions read last, and only for the rows the filters let through
            late = f" AND CASE WHEN {self.cheap} THEN {expr.late} ELSE false END" if self.cheap else f" AND {expr.late}"
            late_params = [*(self.cheap_params if self.cheap else []), *expr.late_params]
        return (f"SELECT {select} FROM documents d WHERE {expr.sql}{self.where}{late}{tail}",
                [*select_params, *expr.params, *self.params, *late_params])

    @property
    def _id(self) -> str:
        return "rowid" if self.sqlite else "d.id"

    def count(self, expr: str | _Pg, cap: int, title: bool = False) -> int:
        """Hits of a tier, counted up to `cap` (the index stops there)."""
        i = self._id
        sql, params = self._sql(f"{i} AS id", expr, " LIMIT ?", title)
        return int(self.store.scalar(f"SELECT COUNT(*) AS n FROM ({sql}) AS t", [*params, cap]) or 0)

    def rows(self, expr: str | _Pg, total: int, start: int, stop: int,
             title: bool = False) -> list[tuple[int, float]]:
        """Positions start..stop of the tier: its newest RANK_CAP hits ranked, then the older ones newest first."""
        i = self._id
        score = ("bm25(documents_title_fts, 10.0, 0.0)" if title else "bm25(documents_fts, 10.0, 1.0, 0.0)") \
            if self.sqlite else "ts_rank(d.search_vector, to_tsquery('simple', ?))"
        score_params = () if self.sqlite else (expr.rank,)
        out: list[tuple[int, float]] = []
        if RANK_CAP <= 0:  # newest first: the index walks its rowids backwards and stops at `stop`
            sql, params = self._sql(f"{i} AS id", expr, f" ORDER BY {i} DESC LIMIT ? OFFSET ?", title)
            return [(r["id"], 0.0) for r in self.store.query(sql, [*params, stop - start, start])]
        floor = None
        if total > RANK_CAP:
            sql, params = self._sql(f"{i} AS id", expr, f" ORDER BY {i} DESC LIMIT 1 OFFSET ?", title)
            floor = self.store.scalar(sql, [*params, RANK_CAP - 1])
        if start < RANK_CAP:
            cond = f" AND {i} >= ?" if floor is not None else ""
            order = "score" if self.sqlite else "score DESC"
            sql, params = self._sql(f"{i} AS id, {score} AS score", expr, f"{cond} ORDER BY {order}, {i} DESC LIMIT ?",
                                    title, score_params)
            extra = [floor] if floor is not None else []
            for r in self.store.query(sql, [*params, *extra, stop]):
                out.append((r["id"], -float(r["score"]) if self.sqlite else float(r["score"])))
            out = out[start:]
        if floor is not None and stop > RANK_CAP:
            skip = max(0, start - RANK_CAP)
            sql, params = self._sql(f"{i} AS id", expr, f" AND {i} < ? ORDER BY {i} DESC LIMIT ? OFFSET ?", title)
            n = stop - max(start, RANK_CAP)
            out += [(r["id"], 0.0) for r in self.store.query(sql, [*params, floor, n, skip])]
        return out


def search_page(store: Store, text: str, *, doc_type: str | None = None, issuer: str | None = None,
                year: int | None = None, program: str | None = None, limit: int = 20, offset: int = 0,
                match: str = "auto", mark: tuple[str, str] = ("[", "]")) -> SearchPage:
    """One page of ranked results with the total count; see the tiers above.

    Diacritics and case are ignored; `match="all"` also lists documents holding the
    words apart when some hold them side by side (the default leaves them out and
    counts them in `apart`). `program` (a key, a unique prefix or words of a program's name) keeps the
    documents linked to that program, inside the index as the other filters."""
    q = parse_query(text)
    if not q.words:
        raise QueryError("nothing to search for: give at least one word")
    pid = resolve_program(store, program)
    limit, offset = max(1, int(limit)), max(0, int(offset))
    cited = _named(store, text, doc_type, issuer, year, pid) if not q.phrases else None
    named, near = (cited.named, cited.spellings) if cited else ([], None)
    stop = offset + limit
    stored = {n.document.id for n in named if n.document}
    n_named = cited.count if cited else 0
    hits = [(i, 0.0, "named" if i in stored else "cites") for i in (cited.page(offset, stop) if cited else [])]
    pos = n_named
    # the tiers leave out the named documents and their citers (read only when the tiers are looked at)
    index = _Index(store, doc_type, issuer, year, cited.all() if cited and n_named < COUNT_CAP else [], pid)
    apart, listing, exact = 0, True, True
    before = None  # the tier before's count, when exact
    side_by_side = None  # documents holding the words side by side (title and body tiers), once counted
    with index.scans():
        for why, expr, with_before in _tiers(store, q, match, near):
            if why == "apart":  # words apart are listed only when no document holds them side by side
                listing = pos == n_named
                continue
            if not listing:  # counted as "all the words" less "side by side": no positions read
                if why == "words-title" and exact:
                    every = index.count(_Sqlite.all([_Sqlite.phrase([w]) for w in q.free]) if store.dialect == "sqlite"
                                        else _pg_words(q.free), COUNT_CAP + pos + 1)
                    apart = max(0, every - (pos - n_named)) if every <= COUNT_CAP + pos else 0
                continue
            if isinstance(expr, _Pg) and expr.simple is not None and side_by_side == 0:
                expr = expr.simple  # no document holds the words side by side: none to leave out
            room = COUNT_CAP - pos  # the named documents and their citers count too: a decree cited by
            if room <= 0:             # thousands is not followed by a scan of every text printing its number
                exact = False
                break
            title = why == "title"  # words side by side in the title: the titles' own index answers
            if with_before is not None and before is not None:
                n = index.count(with_before, room + before + 1) - before
            else:
                n = index.count(expr, room + 1, title)
            before = n if n <= room else None
            if n > room:
                n, exact = room, False
            if n and pos + n > offset and pos < stop:
                hits += [(i, s, why) for i, s in index.rows(expr, n, max(0, offset - pos), min(n, stop - pos), title)]
            pos += n
            if why == "body":
                side_by_side = pos - n_named
    docs = _documents(store, [h[0] for h in hits])
    cite_refs = cited.refs if cited else {}
    quoted = [cite_refs[i][1] for i, _, why in hits if why == "cites" and i in cite_refs]
    ref_texts = {r["id"]: r["text"] for r in store.query(
        f"SELECT id, text FROM doc_references WHERE id IN ({', '.join('?' * len(quoted))})", quoted)} if quoted else {}
    out = []
    for i, score, why in hits:
        d = docs[i]
        if why == "cites" and i in cite_refs:
            snip = f"{cite_refs[i][0]}: " + snippet(ref_texts[cite_refs[i][1]], q.words, SNIPPET_WIDTH, mark,
                                                    phrase=False).text
        else:
            snip = snippet(d["text"], q.words, SNIPPET_WIDTH, mark, phrase=True, body=d["search_body"]).text
        out.append(SearchHit(_summary(d), round(score, 4), snip, why))
    return SearchPage(text, out, pos, offset, limit, named, apart, exact)


def search(store: Store, text: str, *, doc_type: str | None = None, issuer: str | None = None,
           year: int | None = None, program: str | None = None, limit: int = 20, offset: int = 0,
           match: str = "auto") -> list[SearchHit]:
    """The hits of `search_page` alone."""
    return search_page(store, text, doc_type=doc_type, issuer=issuer, year=year, program=program, limit=limit,
                       offset=offset, match=match).hits


def resolve_program(store: Store, program: str | None) -> int | None:
    """The id of the program a filter names (pipeline.programs.find_program); None for no filter."""
    if program is None or not program.strip():
        return None
    from pipeline.programs import find_program  # it reads this module

    return find_program(store, program)[0]


def _linked() -> str:
    """The documents linked to a program (one parameter: its id), as pipeline.programs keeps them."""
    from pipeline.programs import LINKED_DOCUMENTS

    return LINKED_DOCUMENTS


def _documents(store: Store, ids: list[int]) -> dict[int, dict]:
    """The shown hits' rows, texts included (and only theirs)."""
    if not ids:
        return {}
    return {r["id"]: r for r in store.query(
        f"SELECT {_SUMMARY}, d.text, d.search_body FROM documents d WHERE d.id IN ({', '.join('?' * len(ids))})",
        list(ids))}


# ---- queries that name a document

_TYPE_WORDS: dict[str, str] = {}  # folded type name or code → type code
for _code, _name in TYPE_CODES.items():
    _TYPE_WORDS[index_text(_name)] = _code
    _TYPE_WORDS.setdefault(index_text(_code), _code)
for _w in ("l", "bb", "ctr", "qdi"):  # one-letter or ambiguous codes are not typed as a type
    _TYPE_WORDS.pop(_w, None)
_TYPE_ALT = "|".join(sorted((regex.escape(k).replace(r"\ ", r"\s+") for k in _TYPE_WORDS), key=len, reverse=True))
_DESIGNATION = regex.compile(  # on fold_same_length(query): "nghi dinh so 45/2012", "nd 45 2012", "qd 2211/qd-ubnd"
    rf"^(?P<type>{_TYPE_ALT})\.?\s*(?:so\s*:?\s*)?(?P<serial>\d{{1,5}})(?:\s*[/ ]\s*(?P<year>(?:19|20)\d\d))?"
    r"(?P<rest>\s*[/-]\s*[a-z][a-z0-9]*(?:\s*[-/]\s*[a-z0-9]+)*)?\s*$")
_FULL_NUMBER = regex.compile(r"^\s*\d{1,5}(?:\s*/\s*(?:19|20)\d\d)?\s*/\s*\p{L}[\p{L}\d]*(?:\s*[-/]\s*[\p{L}\d]+)*\s*$")
_LAW = regex.compile(r"^(?P<name>(?:bo\s+)?luat|phap\s+lenh)\b(?P<rest>[\sa-z]*?)(?:\s+(?:nam\s+)?(?P<year>(?:19|20)\d\d))?$")


@lru_cache(maxsize=1)
def _laws_unmarked() -> dict[str, list]:
    from extractors.legal_keys import laws

    return {index_text(k): v for k, v in laws().items()}


def _designation(text: str) -> tuple[list[str], list[str], str | None, list[list[str]]] | None:
    """(exact keys, key prefixes, type code, spellings) of a query that names a document, else None."""
    if _FULL_NUMBER.match(text):
        key = number_key(text)
        if key:
            return [key, *document_keys(text, None)[1][:1]], [], None, [search_words(text)]
    f = " ".join(fold_same_length(text).split())
    m = _DESIGNATION.match(f)
    if m and m["rest"]:
        number = f"{m['serial']}/{m['year'] + '/' if m['year'] else ''}" + m["rest"].strip(" /-").replace(" ", "")
        if "/" not in m["rest"] and "-" not in number.split("/")[-1]:
            number = number.replace(m["rest"].strip(" /-"), " ".join(m["type"].split()).replace(" ", "") + "-"
                                    + m["rest"].strip(" /-"))
        return _designation(number)
    if m:
        code = _TYPE_WORDS[" ".join(m["type"].split())]
        serial, year = m["serial"].lstrip("0") or "0", m["year"]
        keys = [f"{code}:{serial}/{year}" if year else f"{code}:{serial}"]
        tw, y = search_words(TYPE_CODES[code]), [year] if year else []
        return keys, [f"{serial}/{year}/" if year else f"{serial}/"], code, [tw + [serial] + y, tw + ["so", serial] + y]
    m = _LAW.match(" ".join(search_words(text)))
    if m and m["rest"].strip():
        versions = _laws_unmarked().get(index_text(m["name"] + m["rest"]), [])
        if m["year"]:
            versions = [v for v in versions if v.year == int(m["year"])]
        keys = [k for k in (number_key(v.number) for v in versions) if k]
        if keys:
            return keys, [], None, [search_words(m["name"] + m["rest"])]
    return None


def _key_codes(key: str) -> set[str]:
    return {t for t in regex.split(r"[-/:]", key) if t and not t[0].isdigit()}


def _named(store: Store, text: str, doc_type, issuer, year, program_id=None):
    """The documents a query names and the documents citing them, in that order (ids), with the
    citing references (for snippets) and the spellings to look for in texts."""
    d = _designation(text)
    if d is None:
        return None
    keys, prefixes, code, spellings = d
    keys = [k for k in dict.fromkeys(keys) if k]
    found: dict[str, list[int]] = {}  # cited key → stored documents answering to it
    marks = ", ".join("?" * len(keys))
    for r in store.query(f"SELECT key, document_id FROM document_keys WHERE key IN ({marks})", keys):
        found.setdefault(r["key"], []).append(r["document_id"])
    cited_keys = set(keys)
    for p in prefixes:
        hi = p[:-1] + chr(ord(p[-1]) + 1)
        col = "cited_key" if store.dialect == "sqlite" else 'cited_key COLLATE "C"'
        for r in store.query(f"SELECT DISTINCT cited_key, doc_type FROM doc_references WHERE {col} >= ? AND {col} < ?",
                             (p, hi)):
            if code is None or code in _key_codes(r["cited_key"]) or \
                    index_text(r["doc_type"]) == index_text(TYPE_CODES[code]):
                cited_keys.add(r["cited_key"])
    stored_ids = sorted({i for ids in found.values() for i in ids})
    if stored_ids:
        for r in store.query(f"SELECT key FROM document_keys WHERE alias = 0 AND document_id IN "
                             f"({', '.join('?' * len(stored_ids))})", stored_ids):
            cited_keys.add(r["key"])
    ck = sorted(cited_keys)
    # the citing references, counted, grouped and ordered in the database from the covering index:
    # a law cited by thousands of documents sends back one page of them, never every reference
    cols = "id, document_id, cited_key, cited_document_id, relation"
    src = f"SELECT {cols} FROM doc_references WHERE cited_key IN ({', '.join('?' * len(ck))})"
    src_params: list = list(ck)
    node = "COALESCE(r.cited_key, '')"
    if stored_ids:  # references resolved to a stored document under a key not typed (a second union arm, indexed)
        # (SQLite's statistics see one value, NULL, in nearly every row of that column and would scan the table)
        hint = " INDEXED BY ix_doc_references_cited_document" if store.dialect == "sqlite" else ""
        marks = ", ".join("?" * len(stored_ids))
        src += f" UNION SELECT {cols} FROM doc_references{hint} WHERE cited_document_id IN ({marks})"
        src_params += stored_ids
        node = f"CASE WHEN r.cited_document_id IN ({marks}) THEN '#' || r.cited_document_id ELSE {node} END"
    nodes = store.query(f"SELECT {node} AS node, COUNT(DISTINCT r.document_id) AS n, MIN(r.id) AS first "
                        f"FROM ({src}) r GROUP BY 1", [*stored_ids, *src_params])
    if not nodes and not stored_ids:
        return None
    # the nodes: stored documents, and cited keys no stored document answers to
    stored = {r["id"]: _summary(r) for r in store.query(
        f"SELECT {_SUMMARY} FROM documents d WHERE d.id IN ({', '.join('?' * len(stored_ids))})", stored_ids)} \
        if stored_ids else {}
    unstored = {r["node"]: r for r in nodes if not r["node"].startswith("#")}
    labels = {}
    if unstored:
        firsts = [r["first"] for r in unstored.values()]
        for r in store.query(f"SELECT id, doc_type, number, title FROM doc_references WHERE id IN "
                             f"({', '.join('?' * len(firsts))})", firsts):
            labels[r["id"]] = " ".join(x for x in (r["doc_type"], r["number"] or r["title"]) if x)
    citing = {r["node"]: r["n"] for r in nodes}
    named = [NamedDocument(f"#{i}", s.label, s, citing.get(f"#{i}", 0)) for i, s in stored.items()]
    named += [NamedDocument(k, labels.get(r["first"]) or k, None, r["n"]) for k, r in unstored.items()]
    named.sort(key=lambda n: (n.document is None, -n.citing))
    filtered = bool(doc_type or issuer or year or program_id is not None)
    ids = [i for i in stored_ids if not filtered or i in _filtered(store, [i], doc_type, issuer, year, program_id)]
    return _Citers(store, named, ids, stored_ids, src, src_params, filtered and (doc_type, issuer, year, program_id),
                   spellings)


_RANK = f"{len(RELATIONS)}000000000000"  # a relation's order and a reference id in one integer (ids below 10^12)
_RELATION_ORDER = ("CASE r.relation " + " ".join(f"WHEN '{rel}' THEN {i}" for i, rel in enumerate(RELATIONS))
                   + f" ELSE {len(RELATIONS)} END")


class _Citers:
    """The documents a query names (`ids`) then the documents citing them, strongest relation first
    (căn cứ …), newest first within a relation; each citer with the reference its snippet quotes."""

    def __init__(self, store, named, ids, stored_ids, src, src_params, filters, spellings):
        self.store, self.named, self.stored_ids, self.spellings = store, named, ids, spellings
        self._src, self._params = src, src_params
        self._not = f" WHERE r.document_id NOT IN ({', '.join('?' * len(stored_ids))})" if stored_ids else ""
        self._not_params = list(stored_ids)
        self.refs: dict[int, tuple[str, int]] = {}  # citing document → (relation, reference id), for those read
        self._all: list[int] | None = None
        if filters:  # filters apply to the citing documents as to any hit
            every = self._citers()
            keep = set(_filtered(store, every, *filters)) if every else set()
            self._all = [i for i in every if i in keep]
        self.count = len(ids) + (len(self._all) if self._all is not None else int(self.store.scalar(
            f"SELECT COUNT(DISTINCT r.document_id) AS n FROM ({self._src}) r{self._not}",
            [*self._params, *self._not_params]) or 0))

    def _citers(self, limit: int | None = None, offset: int = 0) -> list[int]:
        tail = " LIMIT ? OFFSET ?" if limit is not None else ""
        best = f"MIN(({_RELATION_ORDER}) * {_RANK} + r.id)"
        rows = self.store.query(
            f"SELECT r.document_id AS id, {best} AS best FROM ({self._src}) r"
            f"{self._not} GROUP BY r.document_id ORDER BY {best} / {_RANK}, r.document_id DESC{tail}",
            [*self._params, *self._not_params, *([limit, offset] if limit is not None else [])])
        for r in rows:
            best = int(r["best"])
            rel = best // int(_RANK)
            self.refs[r["id"]] = (RELATIONS[rel] if rel < len(RELATIONS) else "", best % int(_RANK))
        return [r["id"] for r in rows]

    def page(self, start: int, stop: int) -> list[int]:
        head = self.stored_ids[start:stop]
        a, b = max(0, start - len(self.stored_ids)), max(0, stop - len(self.stored_ids))
        if b <= a:
            return head
        if self._all is not None:
            return head + self._all[a:b]
        return head + self._citers(b - a, a)

    def all(self) -> list[int]:
        if self._all is None:
            self._all = self._citers()
        return self.stored_ids + self._all


def _filtered(store: Store, ids: list[int], doc_type, issuer, year, program_id=None) -> list[int]:
    where, params = [f"d.id IN ({', '.join('?' * len(ids))})"], list(ids)
    if program_id is not None:
        where.append(f"d.id IN ({_linked()})")
        params.append(program_id)
    if doc_type:
        where.append("d.type_key = ?")
        params.append(body_key(doc_type))
    if year:
        where.append("d.issue_year = ?")
        params.append(int(year))
    rows = store.query(f"SELECT d.id, d.issuer_key FROM documents d WHERE {' AND '.join(where)}", params)
    if issuer:
        want = " " + " ".join(search_words(body_key(canonical_body(issuer)))) + " "
        rows = [r for r in rows if want in f" {r['issuer_key'] or ''} "]
    return [r["id"] for r in rows]


# ---------------------------------------------------------------- documents

def find_document(store: Store, ref: str | int) -> DocumentSummary:
    """A document by id, number (any spacing/case) or source file path."""
    s = str(ref).strip()
    if s.isdigit():
        row = store.one(f"SELECT {_SUMMARY} FROM documents d WHERE d.id = ?", (int(s),))
        if row:
            return _summary(row)
    p = Path(s)
    if p.exists():
        row = store.one(f"SELECT {_SUMMARY} FROM documents d WHERE d.source_path = ?", (str(p.resolve()),))
        if row:
            return _summary(row)
    rows = _by_key(store, s)
    if not rows:
        rows = store.query(f"SELECT {_SUMMARY} FROM documents d WHERE d.source_path LIKE ? ORDER BY d.id",
                           (f"%/{p.name}",))
    if len(rows) == 1:
        return _summary(rows[0])
    if len(rows) > 1:
        ids = ", ".join(str(r["id"]) for r in rows[:10])
        raise QueryError(f"{s!r} matches {len(rows)} documents (ids {ids}); give the id")
    raise QueryError(f"no document {s!r} in the database (give an id, a number or a file path)")


def _by_key(store: Store, number: str) -> list[dict]:
    keys = list({k for k in (number_key(number), document_keys(number, None)[0]) if k}) or [""]
    return store.query(f"SELECT {_SUMMARY} FROM documents d WHERE d.id IN (SELECT document_id FROM document_keys "
                       f"WHERE alias = 0 AND key IN ({', '.join('?' * len(keys))})) ORDER BY d.id", keys)


@dataclass
class ReferenceRow:
    relation: str
    cited_key: str | None
    doc_type: str | None
    number: str | None
    date: str | None
    issuer: str | None
    title: str | None
    pinpoint: str | None
    text: str
    cited_document: DocumentSummary | None = None


@dataclass
class Bases:
    document: DocumentSummary
    references: list[ReferenceRow]

    @property
    def legal_bases(self) -> list[ReferenceRow]:
        return [r for r in self.references if r.relation == "căn cứ"]


def _relation_order(rel: str) -> int:
    return RELATIONS.index(rel) if rel in RELATIONS else len(RELATIONS)


def bases(store: Store, doc: str | int) -> Bases:
    """The legal bases (căn cứ) and every other reference of a document, bases first."""
    d = find_document(store, doc)
    rows = store.query(
        "SELECT r.*, c.id AS c_id, c.doc_type AS c_doc_type, c.number AS c_number, c.issue_date AS c_issue_date, "
        "c.issuer AS c_issuer, c.subject AS c_subject, c.source_path AS c_source_path FROM doc_references r "
        "LEFT JOIN documents c ON c.id = r.cited_document_id WHERE r.document_id = ? ORDER BY r.seq", (d.id,))
    refs = [ReferenceRow(r["relation"], r["cited_key"], r["doc_type"], r["number"], r["cited_date"], r["issuer"],
                         r["title"], r["pinpoint"], r["text"], _summary(r, "c_") if r["c_id"] else None)
            for r in rows]
    refs.sort(key=lambda r: _relation_order(r.relation))
    return Bases(d, refs)


@dataclass
class Citation:
    relation: str
    document: DocumentSummary
    text: str
    pinpoint: str | None


@dataclass
class Cites:
    key: str
    cited: DocumentSummary | None  # the cited document when it is in the database
    citations: list[Citation]

    @property
    def by_relation(self) -> dict[str, list[Citation]]:
        out: dict[str, list[Citation]] = {}
        for c in sorted(self.citations, key=lambda c: (_relation_order(c.relation), c.document.id)):
            out.setdefault(c.relation, []).append(c)
        return out

    @property
    def replaced_by(self) -> list[DocumentSummary]:
        """Documents that replace or repeal the cited one."""
        return [c.document for c in self.citations if c.relation in REPLACING]


def cites(store: Store, key: str) -> Cites:
    """Documents citing a given document (by number, title, id or path), grouped by relation."""
    s = key.strip()
    if not s:
        raise QueryError("give a document number, title, id or path")
    keys = {k for k in (number_key(s), title_key(None, s)) if k}
    keys |= {a for a in document_keys(s, None)[1] if "/" in a}  # "NĐ:45/2012": cited without the code
    cited = None
    if s.isdigit() or Path(s).exists():
        cited = find_document(store, s)
    else:
        rows = _by_key(store, s)
        cited = _summary(rows[0]) if rows else None
    if cited is not None:
        keys |= {r["key"] for r in store.query("SELECT key FROM document_keys WHERE document_id = ?", (cited.id,))}
    marks = ", ".join("?" * len(keys))
    params: list = list(keys)
    cond = f"r.cited_key IN ({marks})"
    if cited is not None:
        cond = f"({cond} OR r.cited_document_id = ?)"
        params.append(cited.id)
    rows = store.query(f"SELECT r.relation, r.text, r.pinpoint, {_SUMMARY} FROM doc_references r "
                       f"JOIN documents d ON d.id = r.document_id WHERE {cond} ORDER BY d.id, r.seq", params)
    seen: set[tuple[int, str]] = set()
    out = []
    for r in rows:
        if (r["id"], r["relation"]) in seen:
            continue
        seen.add((r["id"], r["relation"]))
        out.append(Citation(r["relation"], _summary(r), r["text"], r["pinpoint"]))
    return Cites(number_key(s) or s, cited, out)


# ---------------------------------------------------------------- tasks

@dataclass
class TaskRow:
    id: int
    document: DocumentSummary
    assignees: list[str]
    coordinators: list[str]
    action: str | None
    text: str
    due_date: str | None
    deadline_text: str | None
    recurrence: str | None
    status: str
    overdue: bool
    section: str | None = None
    extracted: bool = True
    history: list[TaskChange] = field(default_factory=list)


@dataclass
class TaskChange:
    old_status: str | None
    new_status: str
    note: str | None
    changed_by: str | None
    changed_at: str


def _body_condition(name: str) -> tuple[str, list]:
    key = body_key(canonical_body(name))
    raw = body_key(name)
    return ("(b.name_key = ? OR b.name_key LIKE ? OR b.id IN (SELECT body_id FROM body_aliases WHERE alias_key IN (?, ?)))",
            [key, key + " %", key, raw])


def task_bodies(store: Store, ids: list[int]) -> dict[int, dict[str, list[str]]]:
    """Task id → role (assignee, coordinator) → body names in printed order, read 500 tasks at a time."""
    out: dict[int, dict[str, list[str]]] = {}
    for i in range(0, len(ids), 500):
        chunk = ids[i:i + 500]
        for b in store.query(f"SELECT tb.task_id, tb.role, b.name FROM task_bodies tb JOIN bodies b ON b.id = tb.body_id "
                             f"WHERE tb.task_id IN ({', '.join('?' * len(chunk))}) ORDER BY tb.task_id, tb.role, tb.seq",
                             chunk):
            out.setdefault(b["task_id"], {}).setdefault(b["role"], []).append(b["name"])
    return out


def tasks(store: Store, *, assignee: str | None = None, status: str | None = None, due_before: str | None = None,
          overdue: bool = False, from_doc: str | int | None = None, today: str | None = None,
          ids: list[int] | None = None) -> list[TaskRow]:
    """Tasks sorted by due date (undated last); `overdue` = past due and not done or cancelled."""
    today = today or date.today().isoformat()
    where, params = [], []
    if assignee:
        cond, p = _body_condition(assignee)
        where.append("t.id IN (SELECT tb.task_id FROM task_bodies tb JOIN bodies b ON b.id = tb.body_id "
                     f"WHERE tb.role = 'assignee' AND {cond})")
        params += p
    if status:
        if status not in TASK_STATUSES:
            raise QueryError(f"unknown status {status!r}; one of: {', '.join(TASK_STATUSES)}")
        where.append("t.status = ?")
        params.append(status)
    if due_before:
        where.append("t.due_date IS NOT NULL AND t.due_date < ?")
        params.append(iso_date(due_before))
    if overdue:
        where.append("t.due_date IS NOT NULL AND t.due_date < ? AND t.status NOT IN ('done', 'cancelled')")
        params.append(today)
    if from_doc is not None:
        where.append("t.document_id = ?")
        params.append(find_document(store, from_doc).id)
    if ids is not None:
        where.append(f"t.id IN ({', '.join('?' * len(ids))})" if ids else "1 = 0")
        params += ids
    sql = (f"SELECT t.*, {_SUMMARY.replace('d.id', 'd.id AS d_id')} FROM tasks t JOIN documents d ON d.id = t.document_id"
           + (" WHERE " + " AND ".join(where) if where else "")
           + " ORDER BY CASE WHEN t.due_date IS NULL THEN 1 ELSE 0 END, t.due_date, t.document_id, t.seq")
    rows = store.query(sql, params)
    bodies = task_bodies(store, [r["id"] for r in rows])
    out = []
    for r in rows:
        bb = bodies.get(r["id"], {})
        doc = DocumentSummary(r["d_id"], r["doc_type"], r["number"], r["issue_date"], r["issuer"], r["subject"],
                              r["source_path"])
        is_overdue = bool(r["due_date"] and r["due_date"] < today and r["status"] not in CLOSED)
        out.append(TaskRow(r["id"], doc, bb.get("assignee", []), bb.get("coordinator", []), r["action"], r["text"],
                           r["due_date"], r["deadline_text"], r["recurrence"], r["status"], is_overdue, r["section"],
                           bool(r["extracted"])))
    return out


def iso_date(s: str) -> str:
    """A date typed by a user (YYYY-MM-DD, DD/MM/YYYY, DD-MM-YYYY) as ISO, or a QueryError saying how to write it."""
    from datetime import datetime

    s = s.strip()
    for fmt in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y"):
        try:
            return datetime.strptime(s, fmt).date().isoformat()
        except ValueError:
            continue
    raise QueryError(f"cannot read date {s!r}: write YYYY-MM-DD or DD/MM/YYYY")


def task(store: Store, task_id: int) -> TaskRow:
    rows = tasks(store, ids=[task_id])
    if not rows:
        raise QueryError(f"no task {task_id}")
    t = rows[0]
    t.history = [TaskChange(h["old_status"], h["new_status"], h["note"], h["changed_by"], h["changed_at"])
                 for h in store.query("SELECT * FROM task_status_history WHERE task_id = ? ORDER BY id", (task_id,))]
    return t


def set_task_status(store: Store, task_id: int, status: str, *, note: str | None = None,
                    by: str | None = None) -> TaskRow:
    """Change a task's status, recording who, when and why; kept across re-imports."""
    if status not in TASK_STATUSES:
        raise QueryError(f"unknown status {status!r}; one of: {', '.join(TASK_STATUSES)}")
    with store.transaction():
        row = store.one("SELECT status FROM tasks WHERE id = ?", (task_id,))
        if row is None:
            raise QueryError(f"no task {task_id}")
        at = now()
        store.execute("INSERT INTO task_status_history (task_id, old_status, new_status, note, changed_by, changed_at) "
                      "VALUES (?, ?, ?, ?, ?, ?)", (task_id, row["status"], status, note, by, at))
        store.execute("UPDATE tasks SET status = ?, status_changed_at = ?, status_changed_by = ? WHERE id = ?",
                      (status, at, by, task_id))
    return task(store, task_id)


# ---------------------------------------------------------------- export

@dataclass
class Table:
    name: str
    columns: list[str]
    rows: list[dict]


EXPORTS = {
    "documents": ("SELECT d.id, d.doc_type, d.number, d.issue_date, d.issue_place, d.issuer, d.issuer_parent, "
                  "d.subject, d.effective_date, d.signer_name, d.signer_position, d.signer_authority, d.recipients, "
                  "d.status, d.source_path, d.content_hash, d.extractor_version, d.imported_at, d.updated_at "
                  "FROM documents d ORDER BY d.id"),
    "references": ("SELECT r.id, r.document_id, d.number AS document_number, r.relation, r.cited_key, r.doc_type, "
                   "r.number, r.cited_date, r.issuer, r.title, r.pinpoint, r.cited_document_id, r.text "
                   "FROM doc_references r JOIN documents d ON d.id = r.document_id ORDER BY r.document_id, r.seq"),
    "budgets": ("SELECT b.id, b.document_id, d.number AS document_number, b.amount_vnd, b.currency, b.source, "
                "b.purpose, b.status, b.text FROM budgets b JOIN documents d ON d.id = b.document_id "
                "ORDER BY b.document_id, b.seq"),
}
TASK_COLUMNS = ["id", "document_id", "document_number", "assignees", "coordinators", "action", "due_date",
                "deadline_text", "recurrence", "status", "overdue", "section", "text"]


def export_table(store: Store, name: str) -> Table:
    """A whole table, flat, for CSV/JSON/XLSX."""
    if name == "tasks":
        rows = [{"id": t.id, "document_id": t.document.id, "document_number": t.document.number,
                 "assignees": "; ".join(t.assignees), "coordinators": "; ".join(t.coordinators),
                 "action": t.action, "due_date": t.due_date, "deadline_text": t.deadline_text,
                 "recurrence": t.recurrence, "status": t.status, "overdue": t.overdue, "section": t.section,
                 "text": t.text} for t in tasks(store)]
        return Table(name, TASK_COLUMNS, rows)
    if name not in EXPORTS:
        raise QueryError(f"unknown table {name!r}; one of: documents, tasks, references, budgets")
    rows = store.query(EXPORTS[name])
    if name == "documents":
        for r in rows:
            r["recipients"] = "; ".join(json.loads(r["recipients"] or "[]"))
    columns = list(rows[0]) if rows else [c.strip().split(" AS ")[-1].split(".")[-1]
                                          for c in EXPORTS[name].split(" FROM ")[0][len("SELECT "):].split(",")]
    return Table(name, columns, rows)


# ---------------------------------------------------------------- a document's files and OCR (issue 13)

@dataclass
class SourceFile:
    """One file a document was read from: the primary gives its text, copies are the same document."""

    id: int
    document_id: int
    path: str
    format: str | None
    size_bytes: int | None
    sha256: str
    role: str  # primary | copy
    status: str  # ok | needs_ocr
    ocr_pages: int
    ocr_confidence: float | None

    @property
    def name(self) -> str:
        return Path(self.path).name


@dataclass
class TextOrigin:
    """Where a document's text came from: `ocr_pages` of `pages` read by Tesseract, with its mean word
    confidence (0-100); `needs_ocr`: scanned pages are still unread."""

    pages: int
    ocr_pages: int
    ocr_confidence: float | None
    needs_ocr: bool

    @property
    def from_ocr(self) -> bool:
        return self.ocr_pages > 0


def _source_file(r: dict) -> SourceFile:
    return SourceFile(r["id"], r["document_id"], r["source_path"], r["format"], r["size_bytes"], r["content_hash"],
                      r["role"], r["status"], r["ocr_pages"], r["ocr_confidence"])


def source_files(store: Store, doc_id: int) -> list[SourceFile]:
    """Every file of a document, the primary first."""
    return [_source_file(r) for r in store.query(
        "SELECT * FROM document_files WHERE document_id = ? "
        "ORDER BY CASE WHEN role = 'primary' THEN 0 ELSE 1 END, source_path", (doc_id,))]


def source_file(store: Store, file_id: int) -> SourceFile:
    """One file by its id (a download link names it so, never by path)."""
    r = store.one("SELECT * FROM document_files WHERE id = ?", (file_id,))
    if r is None:
        raise QueryError(f"no file {file_id}")
    return _source_file(r)


def text_origin(store: Store, doc_id: int) -> TextOrigin:
    r = store.one("SELECT pages, ocr_pages, ocr_confidence, status FROM documents WHERE id = ?", (doc_id,))
    if r is None:
        raise QueryError(f"no document {doc_id}")
    return TextOrigin(r["pages"] or 0, r["ocr_pages"] or 0, r["ocr_confidence"], r["status"] == "needs_ocr")


def needs_ocr_count(store: Store) -> int:
    """Documents whose scanned pages wait for OCR (`vanban import --ocr-pending` reads them)."""
    return store.scalar("SELECT COUNT(*) AS n FROM documents WHERE status = 'needs_ocr'") or 0
