"""Suggesting a complaint's category of goods or services and its problem type from its text.

The handler confirms or corrects the suggestion (services/classification.py); the suggestion only saves typing
and makes the statistics consistent, so it must be quick and never fail on odd input.

How: two linear classifiers over one feature space, TF-IDF of jieba words and adjacent word pairs (屏幕/碎了,
食物/中毒) joined with TF-IDF of character 1–3-grams (robust to typos and to words jieba's dictionary splits
badly), sublinear term frequency. Each classifier is a LinearSVC whose scores are calibrated to probabilities
(CalibratedClassifierCV, sigmoid, 3 folds). Chosen by measured accuracy on the independent evaluation set
(bench/complaint_classification.py): top-1 category 76 %, top-3 93 %; multinomial logistic regression on the
same features reached 74 % / 92 % and trained several times slower. Words alone were clearly worse (59 %
top-1 category), characters alone about as good; the words stay because the confirmed complaints bring
the city's own vocabulary (shop and product names), which jieba keeps whole.

Training data: the shipped labelled examples (data/classifier_training.csv, written for this purpose) plus
the complaints whose classification a handler confirmed (newest first, capped so that training stays under
two seconds). The model is trained once per process on first use, behind a lock, and again when it is a
day old, so that the confirmations of the day are learnt without a restart; `classifier_retrain()` trains
it anew at once (a command, a test).
"""

from __future__ import annotations

import csv
import functools
import logging
import re
import threading
import time
import unicodedata
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

from .models import Complaint

DATA_DIR = Path(__file__).resolve().parent / "data"
TRAINING_FILE = DATA_DIR / "classifier_training.csv"
TOP = 3
# Confirmed complaints added to the shipped examples, newest first: enough to learn the city's own wording,
# few enough to train in well under two seconds.
CONFIRMED_CAP = 2000
# Only the beginning of a long text is read: the category and the problem are stated early, and a
# 5,000-character complaint must not cost more than a short one (the subject and its first lines).
TEXT_LIMIT = 200
RANDOM_STATE = 0
RETRAIN_AFTER_SECONDS = 24 * 3600
CALIBRATION_FOLDS = 3

_SPACE = re.compile(r"\s+")
_NOT_A_WORD = re.compile(r"^[\W_]+$")


@dataclass(frozen=True)
class Suggestion:
    category_codes: tuple[str, ...]  # best first (top 3)
    problem_type_codes: tuple[str, ...]  # best first (top 3)
    category_scores: tuple[float, ...] = ()  # the probability of each code, same order
    problem_type_scores: tuple[float, ...] = ()


EMPTY = Suggestion((), ())


@dataclass(frozen=True)
class Example:
    text: str
    category: str
    problem_type: str


def normalise(text: str) -> str:
    """Full-width letters and digits to half-width (ＳＰＦ５０ = SPF50), lower case, one space, bounded."""
    text = unicodedata.normalize("NFKC", text or "")[:TEXT_LIMIT]
    return _SPACE.sub(" ", text).strip().lower()


@functools.cache
def _tokenizer():
    """jieba's tokenizer, its dictionary loaded once per process."""
    # lazy: jieba loads a 5 MB dictionary; only the classifier needs it
    import jieba

    jieba.setLogLevel(logging.WARNING)  # it logs the dictionary loading at INFO on every process start
    cache_dir = Path(settings.VAR_DIR) / "cache"
    cache_dir.mkdir(parents=True, exist_ok=True)
    tokenizer = jieba.Tokenizer()
    tokenizer.tmp_dir = str(cache_dir)  # its prefix-dictionary cache; /tmp by default
    tokenizer.initialize()
    return tokenizer


def words(text: str) -> list[str]:
    """jieba's segmentation as a scikit-learn analyzer: words and adjacent word pairs, punctuation dropped."""
    found = [w for w in _tokenizer().lcut(text) if w.strip() and not _NOT_A_WORD.match(w)]
    return found + [f"{a} {b}" for a, b in zip(found, found[1:], strict=False)]


class Classifier:
    """The two trained models (category, problem type) and the shared features."""

    def __init__(self, examples: list[Example]):
        # lazy: scikit-learn takes a second to import; only the classifier needs it
        from sklearn.calibration import CalibratedClassifierCV
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.pipeline import FeatureUnion
        from sklearn.svm import LinearSVC
        from threadpoolctl import threadpool_limits

        if not examples:
            raise ValueError("no training examples")
        word_features = TfidfVectorizer(analyzer=words, sublinear_tf=True)
        self.features = FeatureUnion([
            ("words", word_features),
            ("chars", TfidfVectorizer(analyzer="char", ngram_range=(1, 3), sublinear_tf=True, min_df=2)),
        ])
        matrix = self.features.fit_transform([normalise(e.text) for e in examples])
        self.word_count = len(word_features.vocabulary_)  # the first columns of a row are the words
        self.models = {}
        for field in ("category", "problem_type"):
            labels = [getattr(e, field) for e in examples]
            # calibration needs each class in every fold: a code with fewer examples (a category an officer
            # has just added) is left out until handlers have confirmed a few
            counts = Counter(labels)
            keep = [i for i, label in enumerate(labels) if counts[label] >= CALIBRATION_FOLDS]
            # one SVM on all rows, its scores calibrated on 3-fold out-of-fold predictions (ensemble=False: as
            # accurate as averaging the three fold models, and half the time per suggestion)
            model = CalibratedClassifierCV(LinearSVC(C=1.0, random_state=RANDOM_STATE), cv=CALIBRATION_FOLDS,
                                           ensemble=False)
            # the calibration's many tiny optimisations are slower with BLAS threads than without (they spin)
            with threadpool_limits(limits=1):
                model.fit(matrix[keep], [labels[i] for i in keep])
            self.models[field] = model
        self.size = len(examples)

    def suggest(self, text: str) -> Suggestion:
        return self.suggest_many([text])[0]

    def suggest_many(self, texts: list[str]) -> list[Suggestion]:
        """One feature transform and one probability call per model for all the texts: scikit-learn's cost is
        mostly per call, so a batch of 20 costs little more than one text (the national hand-over sends
        batches)."""
        texts = [normalise(text) for text in texts]
        found = [i for i, text in enumerate(texts) if text]
        suggestions = [EMPTY] * len(texts)
        if not found:
            return suggestions
        matrix = self.features.transform([texts[i] for i in found])
        # not one known word (only emoji, say): no basis for a suggestion
        known = matrix[:, :self.word_count].getnnz(axis=1) > 0
        keep = [i for i, ok in zip(found, known, strict=True) if ok]
        if not keep:
            return suggestions
        matrix = matrix[known.nonzero()[0]]
        best = {}
        for field, model in self.models.items():
            probabilities = model.predict_proba(matrix)
            orders = probabilities.argsort(axis=1)[:, ::-1][:, :TOP]
            best[field] = [(tuple(str(model.classes_[j]) for j in order),
                            tuple(round(float(row[j]), 3) for j in order))
                           for row, order in zip(probabilities, orders, strict=True)]
        for n, i in enumerate(keep):
            category, problem_type = best["category"][n], best["problem_type"][n]
            suggestions[i] = Suggestion(category[0], problem_type[0], category[1], problem_type[1])
        return suggestions


def training_examples_shipped() -> list[Example]:
    with TRAINING_FILE.open(encoding="utf-8", newline="") as handle:
        return [Example(row["text"], row["category"], row["problem_type"]) for row in csv.DictReader(handle)]


def training_examples_confirmed(limit: int = CONFIRMED_CAP) -> list[Example]:
    """The complaints a handler classified (their subject and facts), newest first."""
    rows = (Complaint.objects.filter(classification_confirmed=True, category__isnull=False,
                                     problem_type__isnull=False)
            .order_by("-id").values_list("subject", "facts", "category__code", "problem_type__code")[:limit])
    return [Example(f"{subject}\n{facts}"[:TEXT_LIMIT], category, problem_type)
            for subject, facts, category, problem_type in rows]


_lock = threading.Lock()
_classifier: Classifier | None = None
_trained_at = 0.0


def _stale() -> bool:
    return _classifier is None or time.monotonic() - _trained_at > RETRAIN_AFTER_SECONDS


def classifier_get() -> Classifier:
    """The process's classifier: trained on first use and when a day old (shipped + confirmed examples);
    other threads keep using the old one while it is retrained."""
    if _stale() and _lock.acquire(blocking=_classifier is None):
        try:
            if _stale():
                classifier_retrain()
        finally:
            _lock.release()
    return _classifier


def classifier_retrain() -> Classifier:
    """Train anew on the shipped examples and the confirmed complaints, and use the result from now on."""
    global _classifier, _trained_at
    classifier = Classifier(training_examples_shipped() + training_examples_confirmed())
    _classifier, _trained_at = classifier, time.monotonic()
    return classifier


def suggest(text: str) -> Suggestion:
    """The three likeliest categories and problem types for a complaint's text, best first; no suggestion
    for a text with nothing to go on (empty, only symbols)."""
    return classifier_get().suggest(text)


def suggest_many(texts: list[str]) -> list[Suggestion]:
    """`suggest` for several texts at once, in their order (much cheaper than one call each)."""
    return classifier_get().suggest_many(texts)
