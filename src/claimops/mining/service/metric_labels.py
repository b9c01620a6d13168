"""Which metrics of a trained model people are shown, and how: the rest stay in the registry."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from claimops.i18n import t

# kind -> (metric, format): share as %, ratio with 3 places, days or CNY with 1 place
SHOWN: dict[str, tuple[tuple[str, str], ...]] = {
    "risk": (
        ("roc_auc", "ratio"),
        ("precision_at_capacity", "share"),
        ("recall_at_capacity", "share"),
        ("brier", "ratio"),
        ("base_rate", "share"),
    ),
    "handling_time": (("mae", "days"), ("mae_baseline", "days"), ("skill", "share"), ("coverage80", "share")),
    "settlement": (("mae", "cny"), ("mae_baseline", "cny"), ("skill", "share"), ("coverage80", "share")),
}


def _value(value: Any, kind: str) -> str:
    if value is None:
        return "—"
    x = float(value)
    if kind == "share":
        return f"{x * 100:.1f}%"
    if kind == "ratio":
        return f"{x:.3f}"
    return f"{x:,.1f}"


def shown_metrics(kind: str, metrics: Mapping[str, Any], lang: str) -> list[tuple[str, str]]:
    """(label, formatted value) of the metrics worth showing for a model of `kind`."""
    return [
        (t(f"web.mining.metric.{name}", lang), _value(metrics.get(name), fmt))
        for name, fmt in SHOWN.get(kind, ())
        if name in metrics
    ]
