"""Our ``ParsedQuery`` as tantivy query objects: the parser stays the injection boundary.

No query string is ever built from user text: words become ``term_query``/``phrase_query``
objects over the folded fields, filters become term, regex (with every character
escaped) or range queries. The semantics follow ``search.py``'s SQL: a text term is a
phrase in the title, summary or body (``title:`` the title only), weighted 10/3/1 as
FTS5's ``bm25()``; section and author match a substring of the folded value, language
its tag or a subtag prefix, site its host, a subdomain or its name (resolved to site ids
in SQL, since a site's name may be learned after its articles were indexed).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from archive.db.query import ParsedQuery, Term
from archive.db.searchindex import SearchIndex, analyzer, section_key, term_cache

_WEIGHTS = (("title", 10.0), ("summary", 3.0), ("body", 1.0))
_REGEX_META = set("\\.+*?()|[]{}^$#&-~\"<>@")


def search_ids(idx: SearchIndex, session: Session, parsed: ParsedQuery | None, filters: Any) -> list[int]:
    """Article ids of the requested page, in order (``filters`` is a ``SearchFilters``)."""
    import tantivy

    query, compiler = build_query(idx, session, parsed, filters)
    limit = max(1, min(filters.limit, 1000))
    offset = max(0, filters.offset)
    searcher = idx.index.searcher()
    kw: dict[str, Any] = {}
    if filters.sort != "relevance" or parsed is None or not parsed.has_text or not compiler.scored:
        kw = {"order_by_field": "oldest" if filters.sort == "oldest" else "newest", "order": tantivy.Order.Desc}
    result = searcher.search(query, limit=limit, count=False, offset=offset, **kw)
    return [searcher.doc(address)["article_id"][0] for _, address in result.hits]


def build_query(idx: SearchIndex, session: Session, parsed: ParsedQuery | None, filters: Any) -> tuple[Any, _Compiler]:
    """The tantivy query for ``parsed`` AND ``filters``, and the compiler (which knows if it scores)."""
    import tantivy

    compiler = _Compiler(idx, session)
    musts = [(tantivy.Occur.Must, q) for q in compiler.option_filters(filters)]
    if parsed is not None:
        musts += compiler.groups(parsed)
    if not any(occur == tantivy.Occur.Must for occur, _ in musts):
        musts.append((tantivy.Occur.Must, tantivy.Query.all_query()))
    return tantivy.Query.boolean_query(musts), compiler


class _Compiler:
    def __init__(self, idx: SearchIndex, session: Session) -> None:
        self.idx = idx
        self.schema = idx.index.schema
        self.session = session
        self.analyzer = analyzer()
        self.scored = False  # whether any positive text term gives a score

    def groups(self, parsed: ParsedQuery) -> list[tuple[Any, Any]]:
        import tantivy

        out = []
        for group in parsed.groups:
            if len(group) == 1 and group[0].negated:
                out.append((tantivy.Occur.MustNot, self.term(group[0])))
                continue
            parts = [self._signed(t) for t in group]
            query = parts[0] if len(parts) == 1 else tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, p) for p in parts])
            out.append((tantivy.Occur.Must, query))
        return out

    def _signed(self, term: Term) -> Any:
        """A term inside an OR group: a negated one matches every document without it."""
        import tantivy

        query = self.term(term)
        if not term.negated:
            if not term.is_filter:
                self.scored = True
            return query
        return tantivy.Query.boolean_query([(tantivy.Occur.Must, tantivy.Query.all_query()),
                                            (tantivy.Occur.MustNot, query)])

    def term(self, term: Term) -> Any:
        """The query for ``term`` ignoring its sign."""
        if term.is_filter:
            return self.field_filter(term.field or "", term.text)
        return self._any([self._phrase(s, term.field) for s in term.spellings])

    def _phrase(self, spelling: str, field: str | None) -> Any:
        import tantivy

        words = self.analyzer.analyze(spelling)
        fields = [("title", 1.0)] if field == "title" else _WEIGHTS
        parts = []
        for name, weight in fields:
            if not words:
                parts.append(tantivy.Query.empty_query())
                continue
            query = (tantivy.Query.term_query(self.schema, name, words[0]) if len(words) == 1
                     else tantivy.Query.phrase_query(self.schema, name, words))
            parts.append(query if weight == 1.0 else tantivy.Query.boost_query(query, weight))
        return self._any(parts)

    @staticmethod
    def _any(queries: list[Any]) -> Any:
        import tantivy

        if len(queries) == 1:
            return queries[0]
        return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in queries])

    def option_filters(self, filters: Any) -> list[Any]:
        import tantivy

        out = [self.field_filter(f, getattr(filters, f)) for f in ("site", "section", "author", "language")
               if getattr(filters, f)]
        if filters.since or filters.until:
            out.append(tantivy.Query.range_query(
                self.schema, "published", tantivy.FieldType.Date, _naive(filters.since), _naive(filters.until),
                include_lower=True, include_upper=filters.until is None))
        if filters.page_type:
            out.append(tantivy.Query.term_query(self.schema, "page_type", filters.page_type))
        return out

    def field_filter(self, field: str, raw: str) -> Any:
        """``search._field_condition`` for the index."""
        import tantivy

        from archive.db.search import _CONTROL, _fold_key  # the same cleaning and folding as SQL

        value = " ".join(_CONTROL.sub(" ", raw).split())
        key = _fold_key(value)
        if field == "language":
            lang = value.lower()
            return self._any([tantivy.Query.term_query(self.schema, "language", lang),
                              tantivy.Query.regex_query(self.schema, "language", _escape(lang) + "-.*")])
        if field in ("section", "author"):  # contains: the matching terms, found in Python (see _terms)
            part = section_key(key) if field == "section" else key
            terms = [t for t in _terms(self.idx, field) if part in t]
            return tantivy.Query.term_set_query(self.schema, field, terms) if terms else tantivy.Query.empty_query()
        if field == "site":
            ids = self._site_ids(value, key)
            if not ids:
                return tantivy.Query.empty_query()
            return tantivy.Query.term_set_query(self.schema, "site_id", ids)
        return tantivy.Query.empty_query()

    def _site_ids(self, value: str, key: str) -> list[int]:
        """Sites by host, subdomain or folded name, as ``search._field_condition`` finds them."""
        from archive.db.models import Site
        from archive.db.search import _escape_like, _Fold

        host = value.lower().removeprefix("www.")
        stmt = select(Site.id).where(or_(Site.host == host, Site.host.like("%." + _escape_like(host), escape="\\"),
                                         _Fold(func.lower(Site.name)) == key))
        return list(self.session.scalars(stmt))


# Every term of a filter field, per index state. A contains-filter as a regular expression
# (``.*word.*``) cost 13 ms to compile per search; the sections and authors of an archive
# are a few thousand terms, scanned in Python in well under a millisecond.
def _terms(idx: SearchIndex, field: str) -> list[str]:
    """The terms of ``field`` in ``idx``, cached until the index changes (its watermark moves)."""
    key, state = (str(idx.path), field), (idx.watermark, idx.documents)
    cached = term_cache.get(key)
    if cached is None or cached[0] != state:
        cached = (state, [term for term, _ in idx.index.searcher().terms_with_prefix(field, "")])
        term_cache[key] = cached
    return cached[1]


def _escape(value: str) -> str:
    """``value`` as a literal inside a tantivy (Rust) regular expression."""
    return "".join("\\" + c if c in _REGEX_META else c for c in value)


def _naive(when: dt.datetime | None) -> dt.datetime | None:
    if when is None:
        return None
    return (when.astimezone(dt.UTC) if when.tzinfo else when).replace(tzinfo=None)
