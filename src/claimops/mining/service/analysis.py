"""Mining use cases for the web pages, the deck and the CLI: load, clean, build features, fit, summarise.

Each function takes a Session, Connection or Engine first and reads the claims with
:func:`claimops.mining.data.loader.load_claims`, or takes a claims frame already read (e.g. by
:func:`claimops.mining.data.loader.read_claims_csv`; the date and line filters then apply to it). It runs
the estimators and returns plain JSON-ready dicts (no DataFrames, no NaN: a missing number is
``None``). Amounts are floats of CNY (analytics only). Nothing is written. Problems raise
:class:`claimops.errors.ValidationFailed` with a stable code:

- ``NOT_ENOUGH_DATA``: fewer claims than the analysis needs (``MIN_CLAIMS``);
- ``BAD_PARAM``: an unknown target or a threshold out of range;
- ``TARGET_UNAVAILABLE``: the target needs data this database does not hold (fraud without the demo
  ground truth; disputes until claims carry them).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date
from typing import Any, TypeAlias

import pandas as pd
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.orm import Session

from claimops.errors import ValidationFailed
from claimops.i18n import normalize_lang, t
from claimops.mining.data.loader import load_claims, select_claims
from claimops.mining.estimators.features import FeatureTable, build_features
from claimops.mining.estimators.quality import CleaningPipeline, DataQuality
from claimops.mining.estimators.rules import (
    FLAGS,
    WIDE_FIELDS,
    AssociationRules,
    FrequentItemsets,
    Itemizer,
    distinct_rules,
    item_label,
)
from claimops.mining.estimators.segments import ClaimSegments, CustomerSegments, Segmenter, customer_table

# Where the claims come from: a database (read with the loader), or a claims frame already in hand (a CSV).
Source: TypeAlias = Engine | Connection | Session | pd.DataFrame
TARGETS = ("denied", "fraud", "large_loss", "investigated", "dispute")
MIN_CLAIMS = {"rules": 50, "segments": 20}
FREQUENT_MIN = 2  # prior claims in a window that make an item (prior_claims_90d>=2)
# Filled as a claim moves through its stages (or only for some claims, e.g. investigated ones).
STAGE_COLUMNS = frozenset(
    {
        "accepted_at",
        "decided_at",
        "paid_at",
        "completed_at",
        "outcome",
        "assessed_loss",
        "approved_amount",
        "approved_total",
        "paid_amount",
        "payments_total",
        "acceptance_s",
        "investigation_s",
        "review_s",
        "payment_s",
        "handling_s",
        "provider_id",
        "provider",
    }
)
GROUND_TRUTH = frozenset({"fraud", "fraud_pattern"})  # the demo's answer key, not data to check


def _number(value: Any) -> float | None:
    """A float for JSON, ``None`` for NaN/NA/None."""
    if value is None or value is pd.NA:
        return None
    out = float(value)
    return None if math.isnan(out) or math.isinf(out) else out


def _claims(
    bind: Source,
    *,
    since: date | None,
    until: date | None,
    lines: Sequence[str] | None,
    id_number: bool = False,
) -> pd.DataFrame:
    if isinstance(bind, pd.DataFrame):
        return select_claims(bind, since=since, until=until, lines=lines)
    return load_claims(bind, since=since, until=until, lines=lines, id_number=id_number)


def _enough(n: int, what: str) -> None:
    need = MIN_CLAIMS[what]
    if n < need:
        raise ValidationFailed(
            f"{what}: {n} claim(s) in the selection, at least {need} are needed", code="NOT_ENOUGH_DATA"
        )


def _clean_table(frame: pd.DataFrame, what: str) -> tuple[FeatureTable, CleaningPipeline]:
    _enough(len(frame), what)
    pipeline = CleaningPipeline()
    cleaned = pipeline.fit_transform(frame)
    _enough(len(cleaned), what)
    return build_features(cleaned), pipeline


def feature_table(
    bind: Source,
    what: str = "rules",
    *,
    since: date | None = None,
    until: date | None = None,
    lines: Sequence[str] | None = None,
) -> FeatureTable:
    """The selected claims cleaned with the standard steps and turned into features, once for several
    analyses (``NOT_ENOUGH_DATA`` below ``MIN_CLAIMS[what]``)."""
    table, _ = _clean_table(_claims(bind, since=since, until=until, lines=lines), what)
    return table


# --- data quality ---------------------------------------------------------------------------------------


def quality_summary(
    bind: Source,
    *,
    since: date | None = None,
    until: date | None = None,
    lines: Sequence[str] | None = None,
    lang: str = "zh",
) -> dict[str, Any]:
    """The data-quality report of the selected claims and what the standard cleaning does to them.

    Returns
    -------
    dict
        ``n_rows`` (int); ``missing``: list of ``{column, missing, share}`` for columns with missing
        values, most first, leaving out ``not_yet`` (the same for columns that fill as claims move
        through their stages, e.g. ``decided_at``) and the demo's ground truth; ``issues``: list of
        ``{check, category, label, rows, share, examples}`` (one per check run, ``examples`` are claim
        ids); ``skipped``: checks that could not run;
        ``outlier_bounds``: list of ``{group, low, high, n}`` (CNY, per line); ``cleaning``:
        ``{rows_in, rows_out, steps: [{name, action, label, reason, rows_affected, rows_before,
        rows_after}]}``. An empty selection gives zeros and empty lists.
    """
    lang = normalize_lang(lang)
    frame = _claims(bind, since=since, until=until, lines=lines, id_number=True)
    report = DataQuality().fit(frame).report_.to_dict(lang)
    gaps = [row for row in report["missing"] if row["missing"] > 0 and row["column"] not in GROUND_TRUTH]
    # A claim not yet decided has no decision date: that is its stage, not a gap in the data.
    report["missing"] = [row for row in gaps if row["column"] not in STAGE_COLUMNS]
    report["not_yet"] = [row for row in gaps if row["column"] in STAGE_COLUMNS]
    for bound in report["outlier_bounds"]:
        bound["low"], bound["high"] = _number(bound["low"]), _number(bound["high"])
    pipeline = CleaningPipeline()
    pipeline.fit_transform(frame)
    report["cleaning"] = pipeline.to_dict(lang)
    return report


# --- association rules ----------------------------------------------------------------------------------


def _check_rule_params(target: str, min_support: float, min_confidence: float, limit: int) -> None:
    if target not in TARGETS:
        raise ValidationFailed(
            f"unknown target {target!r}: one of {', '.join(TARGETS)}",
            code="BAD_PARAM",
            details={"target": target},
        )
    if not 0.0 < min_support <= 1.0:
        raise ValidationFailed(f"min_support must be in (0, 1], got {min_support}", code="BAD_PARAM")
    if not 0.0 <= min_confidence <= 1.0:
        raise ValidationFailed(f"min_confidence must be in [0, 1], got {min_confidence}", code="BAD_PARAM")
    if limit < 1:
        raise ValidationFailed(f"limit must be at least 1, got {limit}", code="BAD_PARAM")


def rules_for_table(
    table: FeatureTable,
    target: str = "denied",
    *,
    lang: str = "zh",
    limit: int = 10,
    min_support: float = 0.005,
    min_confidence: float = 0.1,
    min_lift: float = 1.0,
    max_len: int = 4,
    distinct: bool = True,
    max_overlap: float = 0.5,
) -> dict[str, Any]:
    """:func:`top_rules` on a feature table already built (same return shape, no database)."""
    lang = normalize_lang(lang)
    _check_rule_params(target, min_support, min_confidence, limit)
    if target not in table.labels:
        raise ValidationFailed(
            t(f"mining.target_unavailable.{target}", lang),
            code="TARGET_UNAVAILABLE",
            details={"target": target},
        )
    # Only pre-report facts on the left and the one target on the right: no other outcome may explain it.
    # providers by name, report hours, ratio/inception/expiry/delay bands and claim frequency as items
    itemizer = Itemizer(fields=WIDE_FIELDS, flags=FLAGS, outcomes=(target,), frequency_min=FREQUENT_MIN)
    X = itemizer.fit_transform(table)
    n = len(X)
    itemsets = FrequentItemsets(min_support=min_support, max_len=max_len).fit(X)
    rules = AssociationRules(min_confidence=min_confidence, min_lift=min_lift, consequents=[target]).fit(
        itemsets
    )
    ranked = rules.rank_for(target, top=None)
    shown = (
        distinct_rules(ranked, X, target, max_overlap=max_overlap, top=limit)
        if distinct
        else ranked.head(limit)
    )
    rows = []
    for _, rule in shown.iterrows():
        antecedents = rules.ordered(rule["antecedents"])
        rows.append(
            {
                "rank": int(rule["rank"]),
                "antecedents": [str(item) for item in antecedents],
                "antecedent_labels": [itemizer.label(str(item), lang) for item in antecedents],
                "consequent": target,
                "consequent_label": item_label(target, lang),
                "support": float(rule["support"]),
                "confidence": float(rule["confidence"]),
                "lift": float(rule["lift"]),
                "claims": round(float(rule["support"]) * n),
                "text": rules.describe(rule, lang, itemizer=itemizer),
            }
        )
    return {
        "target": target,
        "target_label": item_label(target, lang),
        "n_claims": n,
        "base_rate": float(X[target].mean()) if target in X and n else 0.0,
        "thresholds": {
            "min_support": min_support,
            "min_confidence": min_confidence,
            "min_lift": min_lift,
            "max_len": max_len,
        },
        "n_items": X.shape[1],
        "n_itemsets": len(itemsets.itemsets_),
        "n_rules": len(ranked),
        "rules": rows,
    }


def top_rules(
    bind: Source,
    target: str = "denied",
    lang: str = "zh",
    limit: int = 10,
    min_support: float = 0.005,
    min_confidence: float = 0.1,
    *,
    min_lift: float = 1.0,
    max_len: int = 4,
    distinct: bool = True,
    max_overlap: float = 0.5,
    since: date | None = None,
    until: date | None = None,
    lines: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The association rules that lead to one risk outcome, best first, in plain words.

    Claims are cleaned with the standard steps, itemised (line, region, channel, amount band, gender,
    age band and the red flags) and mined with Apriori; rules ``facts → target`` are kept when their
    confidence and lift reach the thresholds and they are productive (each antecedent item raises the
    confidence by more than two standard errors), ranked by lift, variants of a better rule left out.

    Parameters
    ----------
    target : {"denied", "fraud", "large_loss", "investigated", "dispute"}
        ``fraud`` needs the demo ground truth; ``dispute`` needs dispute data (not held yet).
    limit : int
        Rules returned.
    min_support, min_confidence, min_lift : float
        Thresholds (shares, 0–1; lift a ratio).
    max_len : int
        Longest itemset (antecedent items + the target).
    distinct : bool
        Leave out rules that mostly cover the same claims as a better-ranked rule (see
        :func:`claimops.mining.estimators.rules.distinct_rules`, Jaccard overlap above ``max_overlap``), so
        that the list shows different patterns rather than variants of one.

    Returns
    -------
    dict
        ``target``, ``target_label``; ``n_claims`` (after cleaning); ``base_rate`` (share of claims with
        the target); ``thresholds`` ``{min_support, min_confidence, min_lift, max_len}``; ``n_items``,
        ``n_itemsets``, ``n_rules`` (all productive rules, before ``limit``); ``rules``: list of
        ``{rank, antecedents (item codes), antecedent_labels, consequent, consequent_label, support,
        confidence, lift, claims (rows matching the whole rule), text}`` where ``text`` reads like
        "车险 + 投保后30天内出险 + 夜间报案 → 欺诈，提升度 4.2".
    """
    _check_rule_params(target, min_support, min_confidence, limit)
    table, _ = _clean_table(_claims(bind, since=since, until=until, lines=lines), "rules")
    return rules_for_table(
        table,
        target,
        lang=lang,
        limit=limit,
        min_support=min_support,
        min_confidence=min_confidence,
        min_lift=min_lift,
        max_len=max_len,
        distinct=distinct,
        max_overlap=max_overlap,
    )


# --- segments -------------------------------------------------------------------------------------------


def segments_summary(model: Segmenter, kind: str, n_rows: int, lang: str = "zh") -> dict[str, Any]:
    """A fitted segmenter as plain values (the shape :func:`claim_segments` documents)."""
    lang = normalize_lang(lang)
    profiles = model.profiles_
    segments = []
    for seg, row in profiles.iterrows():
        line = row.get("typical_line")
        item = {
            "segment": int(str(seg)),
            "size": int(row["size"]),
            "share": float(row["share"]),
            "typical_line": None if line is None or pd.isna(line) else str(line),
            "typical_line_label": None
            if line is None or pd.isna(line)
            else t(f"mining.item.line.{line}", lang),
            "median_amount": _number(row.get("median_amount")),
            "median_handling_days": _number(row.get("median_handling_days")),
            "denial_rate": _number(row.get("denial_rate")),
            "satisfaction": _number(row.get("satisfaction")),
            "traits": [{"feature": str(name), "z": float(z)} for name, z in row.get("traits", [])],
        }
        item["text"] = _segment_sentence(item, lang)
        segments.append(item)
    points = model.projection_
    centers = model.centers_projection_
    return {
        "kind": kind,
        "n_rows": n_rows,
        "k": int(model.k_),
        "criterion": {key: (list(v) if isinstance(v, tuple) else v) for key, v in model.criterion_.items()},
        "criterion_text": model.describe_criterion(lang),
        "scores": [{"k": int(k), "silhouette": float(s)} for k, s in sorted(model.scores_.items())],
        "segments": segments,
        "projection": {
            "points": [
                {"x": float(x), "y": float(y), "segment": int(s)}
                for x, y, s in zip(points["x"], points["y"], points["segment"], strict=True)
            ],
            "centers": [
                {"segment": int(str(i)), "x": float(r["x"]), "y": float(r["y"])}
                for i, r in centers.iterrows()
            ],
            "explained_variance": [float(v) for v in model.explained_variance_ratio_],
        },
    }


def _segment_sentence(item: dict[str, Any], lang: str) -> str:
    parts = [
        t(
            "mining.segment.size",
            lang,
            number=item["segment"] + 1,
            size=f"{item['size']:,}",
            share=f"{item['share'] * 100:.0f}",
        )
    ]
    if item["typical_line_label"]:
        parts.append(t("mining.segment.typical_line", lang, line=item["typical_line_label"]))
    if item["median_amount"] is not None:
        parts.append(t("mining.segment.median_amount", lang, amount=f"{item['median_amount']:,.0f}"))
    if item["median_handling_days"] is not None:
        parts.append(t("mining.segment.handling", lang, days=f"{item['median_handling_days']:.1f}"))
    if item["denial_rate"] is not None:
        parts.append(t("mining.segment.denial_rate", lang, percent=f"{item['denial_rate'] * 100:.0f}"))
    if item["satisfaction"] is not None:
        parts.append(t("mining.segment.satisfaction", lang, score=f"{item['satisfaction']:.1f}"))
    return t("mining.segment.separator", lang).join(parts)


def fit_segments(
    kind: str,
    table: FeatureTable,
    *,
    k: int | None = None,
    k_range: tuple[int, int] = (2, 8),
    sample_size: int = 2_000,
    projection_size: int = 2_000,
    random_state: int = 0,
) -> tuple[Segmenter, int]:
    """Fit the claim or customer segmenter on a feature table; returns it and the rows it segmented
    (describe it in any language with :func:`segments_summary`)."""
    rows = customer_table(table) if kind == "customers" else table.frame()
    _enough(len(rows), "segments")
    estimator = CustomerSegments if kind == "customers" else ClaimSegments
    model = estimator(
        k=k,
        k_range=k_range,
        sample_size=sample_size,
        projection_size=projection_size,
        n_init=4,  # per k on the sample; the chosen k is refitted on all rows
        random_state=random_state,
    ).fit(rows)
    return model, len(rows)


def _segments(
    kind: str,
    bind: Source,
    *,
    k: int | None,
    k_range: tuple[int, int],
    sample_size: int,
    projection_size: int,
    random_state: int,
    lang: str,
    since: date | None,
    until: date | None,
    lines: Sequence[str] | None,
) -> dict[str, Any]:
    table = feature_table(bind, "segments", since=since, until=until, lines=lines)
    model, n_rows = fit_segments(
        kind,
        table,
        k=k,
        k_range=k_range,
        sample_size=sample_size,
        projection_size=projection_size,
        random_state=random_state,
    )
    return segments_summary(model, kind, n_rows, lang)


def claim_segments(
    bind: Source,
    *,
    k: int | None = None,
    k_range: tuple[int, int] = (2, 8),
    sample_size: int = 2_000,
    projection_size: int = 2_000,
    random_state: int = 0,
    lang: str = "zh",
    since: date | None = None,
    until: date | None = None,
    lines: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Segments of the selected claims (k by silhouette unless given), profiled and projected to 2-D.

    Returns
    -------
    dict
        ``kind`` ("claims"), ``n_rows``, ``k``; ``criterion`` (how k was chosen: ``method``, ``k_range``,
        ``sample_size``, ``score``, ``k``) and ``criterion_text``; ``scores``: list of ``{k, silhouette}``;
        ``segments``: list (0 = largest) of ``{segment, size, share, typical_line, typical_line_label,
        median_amount (CNY), median_handling_days, denial_rate, satisfaction (None without surveys),
        traits: [{feature, z}], text}``; ``projection``: ``{points: [{x, y, segment}] (a sample of at
        most ``projection_size``), centers: [{segment, x, y}], explained_variance: [pc1, pc2]}``.
    """
    return _segments(
        "claims",
        bind,
        k=k,
        k_range=k_range,
        sample_size=sample_size,
        projection_size=projection_size,
        random_state=random_state,
        lang=lang,
        since=since,
        until=until,
        lines=lines,
    )


def customer_segments(
    bind: Source,
    *,
    k: int | None = None,
    k_range: tuple[int, int] = (2, 8),
    sample_size: int = 2_000,
    projection_size: int = 2_000,
    random_state: int = 0,
    lang: str = "zh",
    since: date | None = None,
    until: date | None = None,
    lines: Sequence[str] | None = None,
) -> dict[str, Any]:
    """Segments of the customers of the selected claims (one row per customer), as :func:`claim_segments`.

    Same return shape with ``kind`` "customers"; ``n_rows`` counts customers, ``median_amount`` is the
    median over customers of their median claim, ``denial_rate`` the mean share of denied claims.
    """
    return _segments(
        "customers",
        bind,
        k=k,
        k_range=k_range,
        sample_size=sample_size,
        projection_size=projection_size,
        random_state=random_state,
        lang=lang,
        since=since,
        until=until,
        lines=lines,
    )
