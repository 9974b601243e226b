"""Reports computed once per state of their data: the report objects and their PDFs in Django's cache.

What is cached is what every reader of a report sees alike: the report object (the analysis arranged for
reading, its charts, its quotes), built from arguments that access has already narrowed (the neighbourhood, or
the exact set of neighbourhoods and programmes this reader may see, which is part of the key), and a PDF by the
hash of the very HTML it is drawn from. The page itself is rendered for each request: the reader's name, menu,
rights on the publication steps and the CSRF token are never cached.

A key holds the report's kind and arguments, the data versions of the neighbourhoods it reads and of "all"
(``neighbourhoods.data_versions``, read *before* the report is built, so data newer than the token can only be
cached under an older token, never the reverse) and the language (labels and texts are translated as the report
is built). A write bumps the versions (``reports.cache_invalidation``), so the first view after it is cold.

Reports live in a cache of their own (settings.CACHES["reports"], else the default one): a database cache culls
its entries in key order once full, and thousands of reports must never push the log-in throttles out. Being
apart, it can be emptied when a person is erased (``report_cache_purge``): a bump makes their words unreachable,
the purge removes them from the cache's storage too.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any, TypeVar

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.cache.backends.redis import RedisCache
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.safestring import SafeString, mark_safe

from krachtvansamen.analysis.services import analyse_neighbourhood
from krachtvansamen.analysis.synthesis import NeighbourhoodAnalysis
from krachtvansamen.neighbourhoods.data_versions import data_versions_pending, data_versions_token
from krachtvansamen.neighbourhoods.models import Neighbourhood, Programme
from krachtvansamen.reports.beleidssignalen import Beleidssignalen, beleidssignalen_report
from krachtvansamen.reports.buurtbeeld import Buurtbeeld, buurtbeeld_report
from krachtvansamen.reports.financier import Financier, financier_report
from krachtvansamen.reports.portfolio import Portfolio, portfolio_report
from krachtvansamen.reports.services import html_to_pdf
from krachtvansamen.reports.synthese import Synthese, synthese_report

T = TypeVar("T")
logger = logging.getLogger(__name__)

# A bump retires a report at once; the expiry only bounds how long a report can outlive a bump that was lost
# (a process that died between a commit and its bump) and frees the room of reports nobody opens again.
REPORT_SECONDS = 24 * 60 * 60
# A PDF larger than this is drawn for each request: one report must not take a large share of the cache.
PDF_MAX_BYTES = 8 * 1024 * 1024
REPORTS_ALIAS = "reports"
# After a cache error the reports leave the cache alone for a while: a Redis that hangs would otherwise cost its
# time-out (settings: 5 s) at every read and write of every page, four of them for a Buurtbeeld.
PAUSE_AFTER_ERROR_SECONDS = 30.0
_paused_until = 0.0  # time.monotonic() before which the cache is not asked (per process)
_MISSING = object()


def _report_cache() -> BaseCache:
    return caches[REPORTS_ALIAS if REPORTS_ALIAS in settings.CACHES else "default"]


def report_cache_key(*, kind: str, arguments: tuple[Any, ...], versions: str, language: str) -> str:
    text = repr((kind, arguments, versions, language))
    return f"kvs:report:{kind}:{hashlib.sha256(text.encode()).hexdigest()}"


def cached(
    *,
    kind: str,
    arguments: tuple[Any, ...],
    neighbourhood_ids: Iterable[int],
    build: Callable[[], T],
    valid: Callable[[object], bool] = lambda found: found is not None,
) -> T:
    """``build()``, or what it returned before for the same kind, arguments, data versions and language.

    Inside a transaction that wrote report data not yet committed, builds and caches nothing: that data may
    still be rolled back, and its versions are bumped only at the commit. An entry that is not ``valid`` (one an
    older version of the code wrote, say) is built anew, not served."""
    if data_versions_pending():
        return build()
    key = report_cache_key(
        kind=kind,
        arguments=arguments,
        versions=data_versions_token(neighbourhood_ids=neighbourhood_ids),  # before the data: see above
        language=translation.get_language() or "",
    )
    found = _cache_get(key)
    if found is not _MISSING and valid(found):
        return found  # type: ignore[return-value]  # what build() returned for this key
    value = build()
    _cache_set(key, value)
    return value


def _cache_paused() -> bool:
    return time.monotonic() < _paused_until


def _cache_failed() -> None:
    global _paused_until  # noqa: PLW0603 (one flag per process, shared by its threads on purpose)
    _paused_until = time.monotonic() + PAUSE_AFTER_ERROR_SECONDS


def _cache_get(key: str) -> Any:
    if _cache_paused():
        return _MISSING
    try:
        return _report_cache().get(key, _MISSING)
    except Exception:  # a cache that is down slows the reports down, it does not break them
        logger.warning("report cache: could not read %s", key, exc_info=True)
        _cache_failed()
        return _MISSING


def _cache_set(key: str, value: Any) -> None:
    if _cache_paused():
        return
    try:
        _report_cache().set(key, value, REPORT_SECONDS)
    except Exception:
        logger.warning("report cache: could not write %s", key, exc_info=True)
        _cache_failed()


def report_cache_purge() -> None:
    """Remove every cached report and PDF from the cache's storage (after a person's erasure). Only a cache of
    reports alone is emptied: the default one holds the sessions and throttles, so there a bump must do."""
    if REPORTS_ALIAS not in settings.CACHES:
        return
    store = _report_cache()
    try:
        if isinstance(
            store, RedisCache
        ):  # clear() would empty the whole Redis database: delete our keys only
            client = store._cache.get_client(None, write=True)
            pattern = store.make_key("*")
            for keys in _batches(client.scan_iter(match=pattern, count=1000), 1000):
                client.delete(*keys)
        else:
            store.clear()
    except Exception:  # the bump already made them unreachable; the expiry removes them at the latest
        logger.warning("report cache: could not empty it", exc_info=True)


def _batches(items: Iterable[T], size: int) -> Iterable[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def _ids(neighbourhoods: Sequence[Neighbourhood]) -> tuple[int, ...]:
    return tuple(sorted(n.pk for n in neighbourhoods))


# --- The reports ---------------------------------------------------------------------------------------------


def buurtbeeld_cached(*, neighbourhood: Neighbourhood, year: int, site: str = "") -> Buurtbeeld:
    return cached(
        kind="buurtbeeld", arguments=(neighbourhood.pk, year, site), neighbourhood_ids=[neighbourhood.pk],
        build=lambda: buurtbeeld_report(neighbourhood=neighbourhood, year=year, site=site),
        valid=lambda found: isinstance(found, Buurtbeeld),
    )  # fmt: skip


def buurtbeeld_page_cached(*, neighbourhood: Neighbourhood, year: int) -> tuple[Buurtbeeld, SafeString]:
    """The Buurtbeeld and its sections rendered for the web page (``reports/_buurtbeeld_sections.html``: what
    every reader sees alike; the page around them, with the reader's menu, the publication steps and the CSRF
    token, is rendered for each request). Rendering them is most of a page view once the report is cached."""

    def build() -> tuple[Buurtbeeld, SafeString]:
        # Not through buurtbeeld_cached: that would pickle and store the same report (800 kB for the biggest
        # buurt) a second time on every cold view, and only this page reads it without a site.
        report = buurtbeeld_report(neighbourhood=neighbourhood, year=year)
        return report, buurtbeeld_sections_html(report)

    return cached(kind="buurtbeeld-page", arguments=(neighbourhood.pk, year), neighbourhood_ids=[neighbourhood.pk],
                  build=build, valid=_page_valid)  # fmt: skip


def _page_valid(found: object) -> bool:
    return (isinstance(found, tuple) and len(found) == 2 and isinstance(found[0], Buurtbeeld)
            and isinstance(found[1], str))  # fmt: skip


def buurtbeeld_sections_html(report: Buurtbeeld) -> SafeString:
    context = {"r": report, "n": report.neighbourhood, "a": report.analysis, "pdf": False}
    return mark_safe(render_to_string("reports/_buurtbeeld_sections.html", context))  # noqa: S308 (our template)


def financier_cached(*, neighbourhood: Neighbourhood, year: int, site: str = "") -> Financier:
    return cached(
        kind="financier", arguments=(neighbourhood.pk, year, site), neighbourhood_ids=[neighbourhood.pk],
        build=lambda: financier_report(neighbourhood=neighbourhood, year=year, site=site),
        valid=lambda found: isinstance(found, Financier),
    )  # fmt: skip


def synthese_cached(
    *,
    programme: Programme,
    neighbourhoods: Sequence[Neighbourhood],
    year: int,
    other_programmes: Sequence[tuple[Programme, Sequence[Neighbourhood]]] = (),
    site: str = "",
) -> Synthese:
    # The reader's access shapes this report (which neighbourhoods, which other programmes): all in the key.
    others = tuple((p.pk, _ids(ns)) for p, ns in other_programmes)
    ids = set(_ids(neighbourhoods)) | {i for _p, ns in others for i in ns}
    return cached(
        kind="synthese", arguments=(programme.pk, _ids(neighbourhoods), others, year, site), neighbourhood_ids=ids,
        build=lambda: synthese_report(programme=programme, neighbourhoods=neighbourhoods, year=year,
                                      other_programmes=other_programmes, site=site),
        valid=lambda found: isinstance(found, Synthese),
    )  # fmt: skip


def portfolio_cached(
    *, neighbourhoods: Sequence[Neighbourhood], year: int, funders: Sequence[str] = (), site: str = ""
) -> Portfolio:
    ids = _ids(neighbourhoods)
    return cached(
        kind="portfolio", arguments=(ids, tuple(funders), year, site), neighbourhood_ids=ids,
        build=lambda: portfolio_report(neighbourhoods=neighbourhoods, year=year, funders=funders, site=site),
        valid=lambda found: isinstance(found, Portfolio),
    )  # fmt: skip


def beleidssignalen_cached(
    *, municipality_code: str, neighbourhoods: Sequence[Neighbourhood], year: int, site: str = ""
) -> Beleidssignalen:
    ids = _ids(neighbourhoods)
    return cached(
        kind="beleidssignalen", arguments=(municipality_code, ids, year, site), neighbourhood_ids=ids,
        build=lambda: beleidssignalen_report(municipality_code=municipality_code, neighbourhoods=neighbourhoods,
                                             year=year, site=site),
        valid=lambda found: isinstance(found, Beleidssignalen),
    )  # fmt: skip


def analysis_cached(*, neighbourhood_id: int, year: int) -> NeighbourhoodAnalysis:
    """One neighbourhood's analysis, for the evidence pages behind its reports' numbers."""
    return cached(
        kind="analysis", arguments=(neighbourhood_id, year), neighbourhood_ids=[neighbourhood_id],
        build=lambda: analyse_neighbourhood(neighbourhood_id=neighbourhood_id, year=year),
        valid=lambda found: isinstance(found, NeighbourhoodAnalysis),
    )  # fmt: skip


def _pdf_key(html: str) -> str:
    return f"kvs:report-pdf:{hashlib.sha256(html.encode()).hexdigest()}"


def pdf_from_cache(*, html: str) -> bytes | None:
    """The PDF of this HTML if it was drawn before, else None (the page then draws it in a background job)."""
    found = _cache_get(_pdf_key(html))
    return found if isinstance(found, bytes) else None


def pdf_cached(*, html: str) -> bytes:
    """The PDF of this HTML. The HTML is everything the PDF shows (the reader's variant included), so its hash
    is the whole key: no data version, no reader, no language needed."""
    found = pdf_from_cache(html=html)
    if found is not None:
        return found
    content = html_to_pdf(html)
    if len(content) <= PDF_MAX_BYTES:
        _cache_set(_pdf_key(html), content)
    return content
