"""The engine of this installation: the shipped knowledge, the current codebook, and what people here decided.

Training takes seconds (10 s with the demo on 2 cores), so a coder never waits for it:
- a process keeps its engine in memory, and the last trained engine is kept on disk in ``KVS_DATA_DIR`` (a
  restarted server, or a second one, starts with it at once; ``kvs demo`` trains one at the end of set-up);
- when people have coded since, a new engine is trained in a background thread — at most once per
  ``REFRESH_SECONDS`` — and the old one answers until it is ready;
- only a process with no engine at all trains while the request waits (``KVS_SUGGEST_BACKGROUND=0``, used by
  the tests, always trains in the request).
"""

from __future__ import annotations

import logging
import os
import pickle
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections
from django.db.models import Count, Max

from krachtvansamen.coding.models import Coding, CodingPass, Fragment, SuggestionDecision
from krachtvansamen.coding.selectors import codings_counted
from krachtvansamen.framework.selectors import codebook_current, codes_current
from krachtvansamen.framework.services import codebook_load_shipped

from . import knowledge
from .engine import Encoder, Engine, Example

logger = logging.getLogger(__name__)

REFRESH_SECONDS = 60
# Bump when the engine's shape changes: an engine saved by another version is not loaded.
ENGINE_FORMAT = 2

_lock = threading.Lock()
_encoder = Encoder(known=knowledge.shipped_embeddings)
_state: dict[str, object] = {}


def codebook_keys(*, load_if_missing: bool = False) -> set[str]:
    """The keys of the current codebook's codes; on a fresh install (``load_if_missing``) the shipped codebook
    is loaded first, as `kvs demo` would."""
    if load_if_missing and codebook_current() is None:
        codebook_load_shipped()
    return set(codes_current().filter(depth__gt=0).values_list("key", flat=True))


def codebook_examples() -> list[Example]:
    rows = codes_current().filter(depth__gt=0).values("key", "definition_nl", "include_nl", "examples")
    return knowledge.codebook_examples(rows)


def installation_examples() -> list[Example]:
    """Every text people here coded, with the codes they gave (as analyses count them), every text someone went
    through and found no code for, and the suggestions people rejected. Identical texts are learnt once."""
    labels: dict[str, set[str]] = defaultdict(set)
    sources: dict[str, str] = {}
    for text, source, key in codings_counted().values_list("fragment__text", "fragment__source", "code__key"):
        labels[text].add(key)
        sources.setdefault(text, source)
    passed = Fragment.objects.filter(passes__isnull=False).values_list("text", "source").distinct()
    for text, source in passed:
        labels.setdefault(text, set())
        sources.setdefault(text, source)
    rejected: dict[str, set[str]] = defaultdict(set)
    decisions = SuggestionDecision.objects.filter(decision=SuggestionDecision.Decision.REJECTED)
    for text, key in decisions.values_list("fragment__text", "code__key"):
        rejected[text].add(key)
        labels.setdefault(text, set())
    return [
        Example(
            text=text,
            labels=frozenset(keys),
            rejected=frozenset(rejected.get(text, ())),
            origin="installation",
        )
        for text, keys in labels.items()
    ]


def base_examples() -> list[Example]:
    """What the engine knows on a fresh install: shipped examples and the current codebook."""
    return [*knowledge.shipped_examples(), *codebook_examples()]


def new_engine(encoder: Encoder | None = None) -> Engine:
    return Engine(cues=knowledge.cues(), encoder=encoder or _encoder)


def engine_build(extra: Iterable[Example] = ()) -> Engine:
    return new_engine().fit([*base_examples(), *installation_examples(), *extra])


def training_version() -> tuple[object, ...]:
    """Changes whenever a coding, a pass or a decision is added, changed or removed, or the codebook changes."""
    codings = Coding.objects.aggregate(n=Count("id"), last=Max("id"))
    passes = CodingPass.objects.aggregate(n=Count("id"), last=Max("finished_at"))
    decisions = SuggestionDecision.objects.aggregate(n=Count("id"), last=Max("decided_at"))
    codebook = codes_current().aggregate(n=Count("id"), last=Max("id"))
    return (ENGINE_FORMAT, *(str(v) for d in (codings, passes, decisions, codebook) for v in d.values()))


# --- kept on disk --------------------------------------------------------------------------------------------


def _engine_file() -> Path:
    return Path(settings.DATA_DIR) / "suggest-engine.pickle"


def engine_save(engine: Engine, version: tuple[object, ...]) -> None:
    """Write the engine next to the database (whole or not at all). The file is the installation's own, like
    the database: pickle is safe because nobody else writes into ``KVS_DATA_DIR``."""
    path = _engine_file()
    path.parent.mkdir(parents=True, exist_ok=True)
    encoder, engine.encoder = engine.encoder, Encoder()  # the embedding cache stays in memory
    try:
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=".suggest-", delete=False) as handle:
            pickle.dump({"version": version, "engine": engine}, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, path)
    finally:
        engine.encoder = encoder


def _engine_load() -> tuple[Engine, tuple[object, ...]] | None:
    path = _engine_file()
    try:
        with path.open("rb") as handle:
            saved = pickle.load(handle)  # noqa: S301 - our own file, see engine_save
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ModuleNotFoundError):
        return None
    version = tuple(saved.get("version") or ())
    engine = saved.get("engine")
    if not isinstance(engine, Engine) or not version or version[0] != ENGINE_FORMAT:
        return None
    engine.encoder = _encoder
    return engine, version


# --- this process's engine ----------------------------------------------------------------------------------


def _background() -> bool:
    return os.environ.get("KVS_SUGGEST_BACKGROUND", "1") != "0"


def _train_and_keep(version: tuple[object, ...]) -> Engine:
    engine = engine_build()
    with _lock:
        _state.update(engine=engine, version=version, at=time.monotonic())
    try:
        engine_save(engine, version)
    except OSError:
        logger.warning("Could not keep the suggestion engine on disk", exc_info=True)
    return engine


def _train_in_background(version: tuple[object, ...]) -> None:
    def run() -> None:
        try:
            _train_and_keep(version)
        except Exception:  # a failed training leaves the old engine answering
            logger.exception("Training the suggestion engine failed")
        finally:
            with _lock:
                _state.pop("training", None)
            close_old_connections()

    threading.Thread(target=run, name="kvs-suggest-training", daemon=True).start()


def installation_engine(*, wait_for_fresh: bool = False) -> Engine:
    """This process's engine (see the module's notes): trained on what people here decided up to at most
    ``REFRESH_SECONDS`` ago, or at once with ``wait_for_fresh``."""
    with _lock:
        if "engine" not in _state:
            loaded = _engine_load()
            if loaded is not None:
                _state.update(engine=loaded[0], version=loaded[1], at=0.0)
        engine = _state.get("engine")
        recent = time.monotonic() - float(_state.get("at", 0.0)) < REFRESH_SECONDS  # type: ignore[arg-type]
        # Within the refresh time the engine answers without asking the database (a page asks on every view).
        if isinstance(engine, Engine) and recent and not wait_for_fresh:
            return engine
    version = training_version()
    with _lock:
        engine = _state.get("engine")
        if isinstance(engine, Engine) and _state.get("version") == version:
            return engine
        if isinstance(engine, Engine) and not wait_for_fresh and _background():
            if "training" not in _state:
                _state["training"] = True
                _state["at"] = time.monotonic()  # one training per REFRESH_SECONDS, even if it fails
                _train_in_background(version)
            return engine
    return _train_and_keep(version)


def installation_engine_warm() -> None:
    """Have an engine ready before the first coder asks (``kvs serve``, at the end of ``kvs demo``)."""
    installation_engine()


def installation_engine_forget() -> None:
    """Tests: start from a process without an engine in memory."""
    with _lock:
        _state.clear()
