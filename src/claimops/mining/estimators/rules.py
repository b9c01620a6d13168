"""Association rules (关联规则挖掘) over itemised claims.

1. :class:`Itemizer` turns a feature table into one-hot items: line, region, channel, amount band,
   gender and age band of the customer, red-flag facts (投保后30天内出险, 夜间报案, 整数金额, …) and
   outcome items (拒赔, 调查, 大额, and 欺诈 where demo ground truth is present).
2. :class:`FrequentItemsets` finds every itemset whose support is at least ``min_support``: Apriori,
   level by level, on bitsets. Each item is a packed bit column (``np.packbits``, read as 64-bit
   words); a candidate's support is the popcount of the AND of its prefix's bits and its last item's
   bits (``np.bitwise_count``). Candidates are joined from frequent itemsets sharing a prefix and pruned
   unless all their subsets are frequent. The result equals ``mlxtend``'s ``fpgrowth`` on the same data.
3. :class:`AssociationRules` derives rules with support, confidence, lift, leverage and conviction,
   ranks those that lead to a risk outcome (:meth:`AssociationRules.rank_for`) and says them in plain
   words (:meth:`AssociationRules.describe`), e.g. "车险 + 投保后30天内出险 + 夜间报案 → 拒赔，提升度 4.2".
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from itertools import combinations
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from claimops.errors import ValidationFailed
from claimops.i18n import t
from claimops.mining.estimators.base import Estimator, require_fitted
from claimops.mining.estimators.features import FeatureTable

__all__ = [
    "BANDS",
    "DEFAULT_LABEL_PARAMS",
    "FIELDS",
    "FLAGS",
    "OUTCOMES",
    "RULE_COLUMNS",
    "WIDE_FIELDS",
    "AssociationRules",
    "FrequentItemsets",
    "Itemizer",
    "distinct_rules",
    "item_label",
    "pack_columns",
]

Words = npt.NDArray[np.uint64]
IntArray = npt.NDArray[np.int64]

FIELDS = ("line", "region", "channel", "amount_band", "customer_gender", "age_band")
# Items that reach beyond the red flags: the provider by name, the report hour, and bands of the claim
# ratio, the days from inception and to expiry and the report delay (crossed with the line by the
# miner itself: an itemset line=auto + report_delay=7-30 is the band "by line").
BANDS: dict[str, tuple[str, tuple[float, ...]]] = {
    "report_hour": ("report_hour", (4, 8, 12, 16, 20)),
    "claim_ratio": ("claim_ratio", (0.1, 0.3, 0.5, 0.8)),
    # edges apart from the flags' own thresholds (early_claim, near_expiry, late_report say those)
    "policy_age": ("policy_age_days", (90, 180)),
    "to_expiry": ("days_to_expiry", (30, 90)),
    "report_delay": ("days_to_report", (1, 3, 7)),
}
WIDE_FIELDS = (*FIELDS, "provider", *BANDS)
FREQUENCY = re.compile(r"^prior_(claims|same_line)_(\d+)d$")
FLAGS = (
    "early_claim",
    "night_report",
    "round_amount",
    "late_report",
    "docs_incomplete",
    "same_provider",
    "near_expiry",
    "frequent_claimant",
    "large_ratio",
)
OUTCOMES = ("denied", "investigated", "large_loss", "fraud", "dispute")
DEFAULT_LABEL_PARAMS: dict[str, Any] = {
    "early_claim_days": 30,
    "late_report_days": 30,
    "near_expiry_days": 7,
    "night_start_hour": 22,
    "night_end_hour": 6,
    "prior_window_days": 365,
    "frequent_claims": 3,
    "large_ratio": 0.5,
}


def _age_band_names(edges: Sequence[int]) -> list[str]:
    values = [str(int(e)) for e in edges]
    return [
        f"<{values[0]}",
        *(f"{a}-{b}" for a, b in zip(values, values[1:], strict=False)),
        f">={values[-1]}",
    ]


class Itemizer(Estimator):
    """One-hot items of a feature table, for association rules.

    Parameters
    ----------
    fields : sequence of str
        Categorical fields whose every level becomes an item ``field=level``.
    flags : sequence of str
        Red-flag items (see :data:`FLAGS`).
    outcomes : sequence of str
        Outcome items (see :data:`OUTCOMES`); ``fraud`` only when the labels have it.
    large_ratio : float
        ``large_ratio``: claimed amount at least this share of the sum insured.
    age_bands : sequence of int
        Edges of the customer age bands.
    min_count : int
        Items true in fewer rows of the fitted data are left out.
    frequency_min : int, optional
        With it, each claim-frequency column of the feature table (``prior_claims_<w>d``,
        ``prior_same_line_<w>d``) gives an item ``prior_claims_<w>d>=<frequency_min>``.

    Attributes
    ----------
    items_ : list of str
        Item names, in a fixed order: fields, flags, outcomes.
    params_ : dict
        Thresholds that the item labels quote (from the feature table's builder).
    """

    def __init__(
        self,
        *,
        fields: Sequence[str] = FIELDS,
        flags: Sequence[str] = FLAGS,
        outcomes: Sequence[str] = OUTCOMES,
        large_ratio: float = 0.5,
        age_bands: Sequence[int] = (30, 45, 60),
        min_count: int = 1,
        frequency_min: int | None = None,
    ) -> None:
        self.fields = fields
        self.flags = flags
        self.outcomes = outcomes
        self.large_ratio = large_ratio
        self.age_bands = age_bands
        self.min_count = min_count
        self.frequency_min = frequency_min

    def _frequency_items(self, frame: pd.DataFrame) -> list[str]:
        k = getattr(self, "frequency_min", None)
        if k is None:
            return []
        return [f"{name}>={int(k)}" for name in frame.columns if FREQUENCY.match(str(name))]

    def _columns(self, X: FeatureTable | pd.DataFrame) -> tuple[dict[str, Any], dict[str, Any]]:
        frame = X.frame() if isinstance(X, FeatureTable) else X
        params = {**DEFAULT_LABEL_PARAMS, **(X.params if isinstance(X, FeatureTable) else {})}
        params["large_ratio"] = self.large_ratio
        cols: dict[str, Any] = {}
        for name in self.fields:
            if name == "age_band":
                if "customer_age" in frame:
                    edges = np.asarray(self.age_bands, dtype=np.float64)
                    age = frame["customer_age"].to_numpy(dtype=np.float64)
                    codes = np.where(np.isnan(age), -1, np.searchsorted(edges, age, side="right"))
                    cols[name] = pd.Categorical.from_codes(codes, _age_band_names(self.age_bands))
            elif name in BANDS:
                source, cuts = BANDS[name]
                if source in frame:
                    values = frame[source].to_numpy(dtype=np.float64, na_value=np.nan)
                    codes = np.where(
                        np.isnan(values), -1, np.searchsorted(np.asarray(cuts), values, side="right")
                    )
                    cols[name] = pd.Categorical.from_codes(codes, _band_names(cuts))
            elif name in frame:
                cols[name] = pd.Categorical(frame[name])
        for item in self._frequency_items(frame):
            column, _, least = item.partition(">=")
            cols[item] = frame[column].to_numpy(dtype=np.int64) >= int(least)
        derived = {
            "same_provider": lambda: frame["same_provider_prior"].to_numpy() >= 1,
            "large_ratio": lambda: frame["claim_ratio"].to_numpy(dtype=np.float64) >= self.large_ratio,
        }
        needs = {"same_provider": "same_provider_prior", "large_ratio": "claim_ratio"}
        for name in (*self.flags, *self.outcomes):
            if name in derived and needs[name] in frame:
                cols[name] = np.asarray(derived[name](), dtype=bool)
            elif name in frame:
                cols[name] = frame[name].astype("boolean").fillna(False).to_numpy(dtype=bool)
        return cols, params

    def fit(self, X: FeatureTable | pd.DataFrame, y: Any = None) -> Itemizer:
        """Learn the items (levels present at least ``min_count`` times) and the label thresholds."""
        cols, params = self._columns(X)
        items: list[str] = []
        for name in self.fields:
            if name in cols:
                cat = cols[name]
                counts = np.bincount(np.asarray(cat.codes)[cat.codes >= 0], minlength=len(cat.categories))
                items += [
                    f"{name}={level}"
                    for level, c in zip(cat.categories, counts, strict=True)
                    if c >= self.min_count
                ]
        frame = X.frame() if isinstance(X, FeatureTable) else X
        for name in (*self.flags, *self._frequency_items(frame), *self.outcomes):
            if name in cols and int(cols[name].sum()) >= self.min_count:
                items.append(name)
        self.items_ = items
        self.items_ = self._without_twins(X, items)
        self.params_ = params
        return self

    def _without_twins(self, X: FeatureTable | pd.DataFrame, items: list[str]) -> list[str]:
        """Leave out a band or provider item true on exactly the claims of another item (a band below
        30 days from inception is the early-claim flag again): twins only split one rule in two."""
        matrix = self.transform(X)
        wide = {*BANDS, "provider"}
        first = sorted(items, key=lambda item: item.partition("=")[0] in wide)  # the flags win ties
        seen: set[bytes] = set()
        twins: set[str] = set()
        for item in first:
            key = np.packbits(matrix[item].to_numpy(dtype=bool)).tobytes()
            if key in seen:
                twins.add(item)
            seen.add(key)
        return [item for item in items if item not in twins]

    def transform(self, X: FeatureTable | pd.DataFrame) -> pd.DataFrame:
        """Boolean one-hot frame, one column per item of ``items_`` (same row order as ``X``)."""
        require_fitted(self, "items_")
        cols, _ = self._columns(X)
        index = X.features.index if isinstance(X, FeatureTable) else X.index
        out: dict[str, Any] = {}
        for item in self.items_:
            name, _, level = item.partition("=")
            if ">=" in item and FREQUENCY.match(item.partition(">=")[0]):
                out[item] = cols[item] if item in cols else np.zeros(len(index), dtype=bool)
            elif level or name in self.fields:
                if name in cols:
                    cat = cols[name]
                    out[item] = np.asarray(cat == level, dtype=bool)
                else:
                    out[item] = np.zeros(len(index), dtype=bool)
            else:
                out[item] = cols[name] if name in cols else np.zeros(len(index), dtype=bool)
        return pd.DataFrame(out, index=index, columns=self.items_)

    def fit_transform(self, X: FeatureTable | pd.DataFrame, y: Any = None) -> pd.DataFrame:
        """``fit`` then ``transform``."""
        return self.fit(X).transform(X)

    def label(self, item: str, lang: str = "zh") -> str:
        """The item in plain words."""
        params = getattr(self, "params_", DEFAULT_LABEL_PARAMS)
        return item_label(item, lang, params)


def _band_names(edges: Sequence[float]) -> list[str]:
    values = [f"{float(e):g}" for e in edges]
    return [
        f"<{values[0]}",
        *(f"{a}-{b}" for a, b in zip(values, values[1:], strict=False)),
        f">={values[-1]}",
    ]


def _amount(value: str) -> str:
    return f"{float(value):,.0f}"


def item_label(item: str, lang: str = "zh", params: Mapping[str, Any] | None = None) -> str:
    """An item in plain words: ``line=auto`` → 车险, ``early_claim`` → 投保后30天内出险, …"""
    p = {**DEFAULT_LABEL_PARAMS, **(params or {})}
    column, ge, least = item.partition(">=")
    if ge and (m := FREQUENCY.match(column)):
        return t(f"mining.item.prior_{m[1]}", lang, window=m[2], claims=least)
    name, sep, level = item.partition("=")
    if not sep:
        if name == "large_ratio":
            return t("mining.item.large_ratio", lang, percent=f"{float(p['large_ratio']) * 100:g}")
        if name == "night_report":
            return t("mining.item.night_report", lang, start=p["night_start_hour"], end=p["night_end_hour"])
        return t(
            f"mining.item.{name}",
            lang,
            early=p["early_claim_days"],
            late=p["late_report_days"],
            expiry=p["near_expiry_days"],
            window=p["prior_window_days"],
            claims=p["frequent_claims"],
        )
    if name == "line":
        return t(f"mining.item.line.{level}", lang)
    if name == "customer_gender":
        return t(f"mining.item.gender.{level}", lang)
    if name in ("amount_band", "age_band"):
        kind = "band" if name == "amount_band" else "age"
        fmt = _amount if kind == "band" else str
        if level.startswith("<"):
            return t(f"mining.item.{kind}_below", lang, high=fmt(level[1:]))
        if level.startswith(">="):
            return t(f"mining.item.{kind}_above", lang, low=fmt(level[2:]))
        low, _, high = level.partition("-")
        return t(f"mining.item.{kind}_between", lang, low=fmt(low), high=fmt(high))
    if name in ("region", "channel", "provider"):
        return t(f"mining.item.{name}", lang, value=level)
    if name in BANDS:
        if level.startswith("<"):
            return t(f"mining.item.{name}_below", lang, high=level[1:])
        if level.startswith(">="):
            return t(f"mining.item.{name}_above", lang, low=level[2:])
        low, _, high = level.partition("-")
        return t(f"mining.item.{name}_between", lang, low=low, high=high)
    return f"{name}={level}"


# --- frequent itemsets ---------------------------------------------------------------------------------


def _popcount_rows(words: Words) -> IntArray:
    """Set bits per row of a 2-D uint64 array."""
    if hasattr(np, "bitwise_count"):
        out: IntArray = np.bitwise_count(words).sum(axis=1, dtype=np.int64)
        return out
    table = np.array([bin(i).count("1") for i in range(256)], dtype=np.int64)  # pragma: no cover
    counted: IntArray = table[words.view(np.uint8)].sum(axis=1)  # pragma: no cover
    return counted  # pragma: no cover


def pack_columns(matrix: npt.NDArray[np.bool_]) -> Words:
    """Each column of a boolean (rows × items) matrix as a row of 64-bit words (zero-padded)."""
    n, m = matrix.shape
    packed = np.packbits(np.ascontiguousarray(matrix.T), axis=1)  # (m, ceil(n / 8)) bytes
    pad = (-packed.shape[1]) % 8
    if pad or packed.shape[1] == 0:
        packed = np.pad(packed, ((0, 0), (0, pad or 8)))
    return np.ascontiguousarray(packed).view(np.uint64)


def _bool_matrix(X: Any) -> tuple[list[Any], npt.NDArray[np.bool_]]:
    if isinstance(X, pd.DataFrame):
        names = list(X.columns)
        values = X.to_numpy()
    else:
        values = np.asarray(X)
        names = list(range(values.shape[1])) if values.ndim == 2 else []
    if values.ndim != 2:
        raise ValidationFailed("transactions must be a 2-D table (rows × items)", code="BAD_FRAME")
    if values.dtype != bool:
        if not np.isin(values, [0, 1]).all():
            raise ValidationFailed("transactions must be boolean or 0/1 one-hot values", code="BAD_FRAME")
        values = values.astype(bool)
    return names, values


class FrequentItemsets(Estimator):
    """Frequent itemsets by level-wise Apriori over packed bitsets.

    Parameters
    ----------
    min_support : float
        Least share of rows an itemset must occur in (0 < min_support ≤ 1). As in ``mlxtend``: a count
        of at least ``ceil(min_support × n)`` and ``count / n ≥ min_support``.
    max_len : int, optional
        Longest itemset.

    Attributes
    ----------
    items_ : list
        Item names (the columns of the fitted frame, or 0…m−1 for an array).
    n_transactions_ : int
    itemsets_ : DataFrame
        ``support`` (float) and ``itemsets`` (frozenset of item names), shortest first, then in item
        order; the same frame ``mlxtend.frequent_patterns.fpgrowth(..., use_colnames=True)`` gives,
        up to row order.
    counts_ : dict of frozenset to int
        Rows containing each frequent itemset.
    """

    def __init__(self, min_support: float = 0.01, max_len: int | None = None) -> None:
        self.min_support = min_support
        self.max_len = max_len

    def fit(self, X: Any, y: Any = None) -> FrequentItemsets:
        """Mine ``X``: a boolean DataFrame (items as columns) or a 2-D boolean/0-1 array."""
        if not 0.0 < self.min_support <= 1.0:
            raise ValidationFailed(f"min_support must be in (0, 1], got {self.min_support}", code="BAD_PARAM")
        if self.max_len is not None and self.max_len < 1:
            raise ValidationFailed(f"max_len must be at least 1, got {self.max_len}", code="BAD_PARAM")
        names, matrix = _bool_matrix(X)
        n, m = matrix.shape
        self.items_ = names
        self.n_transactions_ = n
        found: list[tuple[tuple[int, ...], int]] = []
        if n and m:
            found = self._mine(matrix)
        self.counts_ = {frozenset(names[i] for i in key): count for key, count in found}
        self._keys = [key for key, _ in found]
        counts = np.array([count for _, count in found], dtype=np.int64)
        self.itemsets_ = pd.DataFrame(
            {
                "support": counts / float(n) if n else counts.astype(np.float64),
                "itemsets": [frozenset(names[i] for i in key) for key, _ in found],
            }
        )
        return self

    def _frequent(self, counts: IntArray) -> npt.NDArray[np.bool_]:
        n = self.n_transactions_
        least = max(math.ceil(self.min_support * n), 1)
        out: npt.NDArray[np.bool_] = (counts >= least) & (counts / float(n) >= self.min_support)
        return out

    def _mine(self, matrix: npt.NDArray[np.bool_]) -> list[tuple[tuple[int, ...], int]]:
        bits = pack_columns(matrix)
        single = matrix.sum(axis=0, dtype=np.int64)
        keep = np.flatnonzero(self._frequent(single))
        level: list[tuple[int, ...]] = [(int(i),) for i in keep]
        level_bits = bits[keep]
        found = [(key, int(single[key[0]])) for key in level]
        k = 1
        while len(level) > 1 and (self.max_len is None or k < self.max_len):
            known = set(level)
            keys: list[tuple[int, ...]] = []
            blocks: list[Words] = []
            counts: list[IntArray] = []
            start = 0
            while start < len(level):
                stop = start + 1
                while stop < len(level) and level[stop][:-1] == level[start][:-1]:
                    stop += 1
                for a in range(start, stop - 1):
                    head = level[a]
                    tails = [
                        level[b][-1]
                        for b in range(a + 1, stop)
                        if all(head[:i] + head[i + 1 :] + (level[b][-1],) in known for i in range(k - 1))
                    ]
                    if not tails:
                        continue
                    joined = level_bits[a] & bits[tails]
                    support = _popcount_rows(joined)
                    ok = self._frequent(support)
                    if ok.any():
                        keys += [(*head, tail) for tail, good in zip(tails, ok, strict=True) if good]
                        blocks.append(joined[ok])
                        counts.append(support[ok])
                start = stop
            if not keys:
                break
            level = keys
            level_bits = np.concatenate(blocks)
            found += list(zip(keys, np.concatenate(counts).tolist(), strict=True))
            k += 1
        return found

    def support(self, itemset: Iterable[Any]) -> float:
        """Support of a frequent itemset (KeyError if it is not frequent)."""
        require_fitted(self, "counts_")
        return self.counts_[frozenset(itemset)] / float(self.n_transactions_)


# --- rules ----------------------------------------------------------------------------------------------

RULE_COLUMNS = (
    "antecedents",
    "consequents",
    "antecedent_support",
    "consequent_support",
    "support",
    "confidence",
    "lift",
    "leverage",
    "conviction",
)


class AssociationRules(Estimator):
    """Association rules from frequent itemsets.

    Parameters
    ----------
    min_confidence : float
        Least confidence P(consequent | antecedent).
    min_lift : float
        Least lift, confidence / P(consequent).
    consequents : collection of str, optional
        Only rules whose consequent is made of these items and whose antecedent has none of them (e.g.
        the outcome items): one rule per itemset, antecedent = the other items. None: every split of
        every itemset, as ``mlxtend.frequent_patterns.association_rules``.

    Attributes
    ----------
    rules_ : DataFrame
        Columns :data:`RULE_COLUMNS`, highest lift first. ``conviction`` is inf when confidence is 1.
    n_transactions_ : int

    Examples
    --------
    >>> import pandas as pd
    >>> claims = pd.DataFrame({
    ...     "night": [1, 1, 1, 0, 0, 1], "round": [1, 1, 0, 0, 1, 1], "denied": [1, 1, 0, 0, 0, 1],
    ... }).astype(bool)
    >>> itemsets = FrequentItemsets(min_support=0.5).fit(claims)
    >>> rules = AssociationRules(min_confidence=0.8, consequents={"denied"}).fit(itemsets)
    >>> [(sorted(r.antecedents), sorted(r.consequents), r.confidence) for r in rules.rules_.itertuples()]
    [(['night', 'round'], ['denied'], 1.0)]

    (Night alone leads to a denial in 3 of 4 claims, a round amount alone in 3 of 4: below 0.8.)
    """

    def __init__(
        self,
        min_confidence: float = 0.5,
        min_lift: float = 1.0,
        consequents: Collection[str] | None = None,
    ) -> None:
        self.min_confidence = min_confidence
        self.min_lift = min_lift
        self.consequents = consequents

    def fit(self, X: FrequentItemsets, y: Any = None) -> AssociationRules:
        """Derive the rules of a fitted :class:`FrequentItemsets`."""
        require_fitted(X, "counts_")
        self.n_transactions_ = X.n_transactions_
        self.order_ = {item: i for i, item in enumerate(X.items_)}
        n = float(X.n_transactions_)
        supports = {key: count / n for key, count in X.counts_.items()}
        self.supports_ = supports
        targets = frozenset(self.consequents) if self.consequents is not None else None
        ante: list[frozenset[Any]] = []
        cons: list[frozenset[Any]] = []
        for itemset in X.counts_:
            if len(itemset) < 2:
                continue
            if targets is not None:
                c = itemset & targets
                if c and c != itemset:
                    ante.append(itemset - c)
                    cons.append(c)
                continue
            for size in range(1, len(itemset)):
                for left in combinations(sorted(itemset, key=self.order_.__getitem__), size):
                    a = frozenset(left)
                    ante.append(a)
                    cons.append(itemset - a)
        s_a = np.array([supports[a] for a in ante], dtype=np.float64)
        s_c = np.array([supports[c] for c in cons], dtype=np.float64)
        s = np.array([supports[a | c] for a, c in zip(ante, cons, strict=True)], dtype=np.float64)
        confidence = s / s_a if len(s) else s
        lift = confidence / s_c if len(s) else s
        with np.errstate(divide="ignore", invalid="ignore"):
            conviction = np.where(confidence >= 1.0, np.inf, (1.0 - s_c) / (1.0 - confidence))
        rules = pd.DataFrame(
            {
                "antecedents": pd.Series(ante, dtype=object),
                "consequents": pd.Series(cons, dtype=object),
                "antecedent_support": s_a,
                "consequent_support": s_c,
                "support": s,
                "confidence": confidence,
                "lift": lift,
                "leverage": s - s_a * s_c,
                "conviction": conviction,
            }
        )
        keep = (rules["confidence"] >= self.min_confidence) & (rules["lift"] >= self.min_lift)
        rules = rules.loc[keep]
        rules = rules.assign(_len=rules["antecedents"].map(len))
        rules = rules.sort_values(
            ["lift", "confidence", "support", "_len"], ascending=[False, False, False, True], kind="stable"
        )
        self.rules_ = rules.drop(columns="_len").reset_index(drop=True)
        return self

    def rank_for(
        self,
        outcome: str | Collection[str],
        *,
        top: int | None = 10,
        productive: bool = True,
        z: float = 2.0,
    ) -> pd.DataFrame:
        """Rules whose consequent is exactly ``outcome`` (one item or a set, e.g. 调查 + 拒赔), best first.

        Ranked by lift, then confidence and support, shorter antecedents first on ties.

        Parameters
        ----------
        outcome : str or collection of str
            The risk outcome item(s).
        top : int, optional
            How many rules to return (None: all).
        productive : bool
            Leave out redundant rules: a rule is kept only if its confidence beats, by more than ``z``
            binomial standard errors, that of each rule with one antecedent item fewer (for a
            one-item antecedent: the outcome's base rate). A longer rule that says no more than a
            shorter one is noise, however high its lift.
        z : float
            Standard errors a longer rule must gain.

        Returns
        -------
        DataFrame
            The rules' rows with a ``rank`` column (1 = best).
        """
        require_fitted(self, "rules_")
        target = frozenset([outcome] if isinstance(outcome, str) else outcome)
        rules = self.rules_.loc[self.rules_["consequents"].map(target.__eq__).astype(bool)]
        if productive and len(rules):
            rules = rules.loc[
                [
                    self._productive(a, target, conf, z)
                    for a, conf in zip(rules["antecedents"], rules["confidence"], strict=True)
                ]
            ]
        rules = rules.head(top) if top is not None else rules
        return rules.assign(rank=np.arange(1, len(rules) + 1))

    def _productive(
        self, antecedent: frozenset[Any], consequent: frozenset[Any], confidence: float, z: float
    ) -> bool:
        s = self.supports_
        n_a = s[antecedent] * self.n_transactions_
        for item in antecedent:
            rest = antecedent - {item}
            base = s[rest | consequent] / s[rest] if rest else s[consequent]
            se = math.sqrt(max(base * (1.0 - base), 0.0) / n_a)
            if confidence <= base + z * se:
                return False
        return True

    def ordered(self, items: Iterable[Any]) -> list[Any]:
        """Items in the order of the fitted columns (how rules are read out)."""
        order = getattr(self, "order_", {})
        return sorted(items, key=lambda item: (order.get(item, len(order)), str(item)))

    def describe(
        self,
        rule: Mapping[str, Any] | pd.Series,
        lang: str = "zh",
        *,
        itemizer: Itemizer | None = None,
        detail: bool = False,
    ) -> str:
        """A rule in plain words, e.g. "车险 + 投保后30天内出险 + 夜间报案 → 调查后拒赔，提升度 4.2".

        Parameters
        ----------
        rule : row of ``rules_`` or mapping
            Needs ``antecedents``, ``consequents`` and ``lift`` (and ``confidence``, ``support`` with
            ``detail``).
        lang : str
            "zh" or "en".
        itemizer : Itemizer, optional
            Gives the thresholds quoted in item labels (defaults otherwise).
        detail : bool
            Add confidence and support.
        """

        def label(item: Any) -> str:
            return itemizer.label(str(item), lang) if itemizer is not None else item_label(str(item), lang)

        consequents = frozenset(rule["consequents"])
        left = " + ".join(label(item) for item in self.ordered(rule["antecedents"]))
        if consequents == {"investigated", "denied"}:
            right = t("mining.item.investigated_denied", lang)
        else:
            right = " + ".join(label(item) for item in self.ordered(consequents))
        text = t(
            "mining.rule.sentence", lang, antecedent=left, consequent=right, lift=f"{float(rule['lift']):.1f}"
        )
        if detail:
            text += t(
                "mining.rule.detail",
                lang,
                confidence=f"{float(rule['confidence']) * 100:.0f}",
                support=f"{float(rule['support']) * 100:.1f}",
            )
        return text


def distinct_rules(
    ranked: pd.DataFrame, X: pd.DataFrame, outcome: str, *, max_overlap: float = 0.5, top: int | None = 10
) -> pd.DataFrame:
    """The ranked rules, leaving out each rule that mostly re-describes the claims of a better one.

    Variants of one strong pattern (车险 + 夜间 + 整数金额, 车险 + 投保后30天 + 整数金额, …) would fill a
    top ten; greedily, in rank order, a rule is kept only if the Jaccard overlap of the claims it covers
    (antecedent and ``outcome`` true) with each kept rule's is at most ``max_overlap``. Ranks are
    renumbered.

    Parameters
    ----------
    ranked : DataFrame
        Rows of :meth:`AssociationRules.rank_for`, best first.
    X : DataFrame
        The boolean transactions the rules were mined from.
    outcome : str
        The consequent item.
    """
    kept: list[int] = []
    covered: list[npt.NDArray[np.bool_]] = []
    target = X[outcome].to_numpy(dtype=bool)
    for pos, antecedent in enumerate(ranked["antecedents"]):
        if top is not None and len(kept) >= top:
            break
        rows = target.copy()
        for item in antecedent:
            rows &= X[item].to_numpy(dtype=bool)
        if all(int((rows & other).sum()) <= max_overlap * int((rows | other).sum()) for other in covered):
            kept.append(pos)
            covered.append(rows)
    out = ranked.iloc[kept]
    return out.assign(rank=np.arange(1, len(out) + 1))
