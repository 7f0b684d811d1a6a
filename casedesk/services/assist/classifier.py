"""The category classifier: TF-IDF over words and word pairs, then a multinomial
logistic regression (scikit-learn).

A trained model is kept as compressed JSON (vocabulary, idf, weights, classes), never as
a pickle, so reading one back from the database cannot run code. Prediction rebuilds the
vectorizer from the stored vocabulary and applies the weights with numpy.
"""

from __future__ import annotations

import json
import zlib
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:  # scikit-learn (and scipy) weigh some 100 MB: loaded when first used
    from sklearn.feature_extraction.text import TfidfVectorizer

_VECTORIZER: dict[str, Any] = {
    "ngram_range": (1, 2),
    "sublinear_tf": True,
    "min_df": 1,
    "max_features": 20_000,
    "token_pattern": r"(?u)\b[^\W\d_]{2,}\b",
}


@dataclass(frozen=True)
class Model:
    vectorizer: TfidfVectorizer
    coef: np.ndarray[Any, Any]
    intercept: np.ndarray[Any, Any]
    classes: list[int]


def eligible(labels: Sequence[int], min_examples: int) -> set[int]:
    """The categories with at least ``min_examples`` examples."""
    return {label for label, n in Counter(labels).items() if n >= min_examples}


def train(texts: Sequence[str], labels: Sequence[int], min_examples: int) -> Model | None:
    """A model over the categories with enough examples; None if fewer than two have."""
    keep = eligible(labels, min_examples)
    if len(keep) < 2:
        return None
    pairs = [(t, y) for t, y in zip(texts, labels, strict=True) if y in keep]
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    vectorizer = TfidfVectorizer(**_VECTORIZER)
    x = vectorizer.fit_transform([t for t, _ in pairs])
    y = [label for _, label in pairs]
    fitted = LogisticRegression(C=10.0, max_iter=300).fit(x, y)
    coef, intercept = fitted.coef_, fitted.intercept_
    if len(fitted.classes_) == 2:  # one row of weights for two classes: make it two
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    return Model(vectorizer, coef, intercept, [int(c) for c in fitted.classes_])


def predict(model: Model, text: str, k: int = 3) -> list[tuple[int, float]]:
    """The ``k`` most likely categories with their probability, most likely first."""
    x = model.vectorizer.transform([text])
    logits = np.asarray(x @ model.coef.T).ravel() + model.intercept
    logits -= logits.max()
    probs = np.exp(logits)
    probs /= probs.sum()
    order = np.argsort(-probs)[:k]
    return [(model.classes[i], float(probs[i])) for i in order]


def dumps(model: Model) -> bytes:
    vocabulary = {term: int(i) for term, i in model.vectorizer.vocabulary_.items()}
    data = {
        "vocabulary": vocabulary,
        "idf": [round(float(v), 5) for v in model.vectorizer.idf_],
        "coef": [[round(float(v), 5) for v in row] for row in model.coef],
        "intercept": [float(v) for v in model.intercept],
        "classes": model.classes,
    }
    return zlib.compress(json.dumps(data, separators=(",", ":")).encode())


def loads(blob: bytes) -> Model:
    data = json.loads(zlib.decompress(blob))
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(**_VECTORIZER, vocabulary=data["vocabulary"])
    vectorizer.idf_ = np.array(data["idf"])
    return Model(
        vectorizer,
        np.array(data["coef"]),
        np.array(data["intercept"]),
        [int(c) for c in data["classes"]],
    )
