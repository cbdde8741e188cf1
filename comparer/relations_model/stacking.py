"""The classifier: gradient-boosted trees over the pair features, with the 768 embedding
interaction features (|u-v|, u*v) first condensed by a logistic regression into four
probabilities.

Trees over 800 dense columns took over ten minutes to fit on two shared cores; the logistic
regression reads the interaction columns well (they are what sentence-pair NLI heads use) and
the trees then combine its output with the lexical, cue, figure and attribution features.
The regression is fitted on sentence pairs; its outputs used to train the trees are
out-of-fold for those pairs, so the trees learn how far to trust it on pairs it has not seen.
"""
from __future__ import annotations

import numpy as np
from threadpoolctl import threadpool_limits

from comparer.relations_model.features import SCALAR_NAMES

FOLDS = 5
# One OpenMP thread: on a busy machine the trees' thread barriers spin, and fitting with two
# threads measured 20 times slower than with one (7.5 s against 146 s for the same fit).
THREADS = 1


class StackedRelationClassifier:
    def __init__(self, seed: int = 13, tree_params: dict | None = None, regression_c: float = 0.5):
        self.seed = seed
        self.tree_params = tree_params or {}
        self.regression_c = regression_c

    def _split(self, features: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        n = len(SCALAR_NAMES)
        return features[:, :n], features[:, n:]

    def _regression(self):
        from sklearn.linear_model import LogisticRegression
        from sklearn.pipeline import make_pipeline
        from sklearn.preprocessing import StandardScaler

        return make_pipeline(StandardScaler(), LogisticRegression(C=self.regression_c, max_iter=200))

    def _interaction_proba(self, model, interactions: np.ndarray) -> np.ndarray:
        proba = np.zeros((len(interactions), len(self.classes_)), dtype=np.float32)
        columns = np.searchsorted(self.classes_, model.classes_)
        proba[:, columns] = model.predict_proba(interactions)
        return proba

    def fit(self, features: np.ndarray, labels: np.ndarray, sample_weight: np.ndarray):
        with threadpool_limits(THREADS):
            return self._fit(features, labels, sample_weight)

    def _fit(self, features: np.ndarray, labels: np.ndarray, sample_weight: np.ndarray):
        from sklearn.ensemble import HistGradientBoostingClassifier
        from sklearn.model_selection import StratifiedKFold

        self.classes_ = np.unique(labels)
        scalars, interactions = self._split(features)
        # The regression learns from sentence pairs only (SICK, Emergent, claim pairs): that is
        # where |u-v| and u*v describe the whole pair. Document pairs get its reading of the
        # claim against the best-matching sentence.
        sentence_rows = np.flatnonzero(scalars[:, SCALAR_NAMES.index("is_document")] == 0)
        stacked = np.zeros((len(features), len(self.classes_)), dtype=np.float32)
        self.interaction_model_ = self._regression()
        self.interaction_model_.fit(interactions[sentence_rows], labels[sentence_rows],
                                    logisticregression__sample_weight=sample_weight[sentence_rows])
        stacked[:] = self._interaction_proba(self.interaction_model_, interactions)
        folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=self.seed)
        for train_rows, held_rows in folds.split(sentence_rows, labels[sentence_rows]):
            train_rows, held_rows = sentence_rows[train_rows], sentence_rows[held_rows]
            model = self._regression()
            model.fit(interactions[train_rows], labels[train_rows],
                      logisticregression__sample_weight=sample_weight[train_rows])
            stacked[held_rows] = self._interaction_proba(model, interactions[held_rows])
        params = dict(max_iter=400, learning_rate=0.06, max_leaf_nodes=31, min_samples_leaf=30, l2_regularization=1.0,
                      early_stopping=True, validation_fraction=0.1, n_iter_no_change=30, random_state=self.seed)
        params.update(self.tree_params)
        self.trees_ = HistGradientBoostingClassifier(**params)
        self.trees_.fit(np.hstack([scalars, stacked]), labels, sample_weight=sample_weight)
        self.n_iter_ = self.trees_.n_iter_
        return self

    def predict_proba(self, features: np.ndarray) -> np.ndarray:
        scalars, interactions = self._split(features)
        with threadpool_limits(THREADS):
            stacked = np.hstack([scalars, self._interaction_proba(self.interaction_model_, interactions)])
            proba = np.zeros((len(features), len(self.classes_)))
            proba[:, np.searchsorted(self.classes_, self.trees_.classes_)] = self.trees_.predict_proba(stacked)
        return proba
