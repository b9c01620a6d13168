"""Jinja2 environment for the workbench: translations, money and Shanghai time in every template."""

from __future__ import annotations

from decimal import Decimal
from importlib import resources
from typing import Any

from fastapi.templating import Jinja2Templates

from claimops.clock import fmt_local
from claimops.i18n import t
from claimops.masking import mask_name, mask_text

templates = Jinja2Templates(directory=str(resources.files("claimops.web").joinpath("templates")))


def _money(value: Decimal | None) -> str:
    return "—" if value is None else f"¥{value:,.2f}"


def _days(value: float | None) -> str:
    return "—" if value is None else f"{value:,.2f}"


templates.env.filters["money"] = _money
templates.env.filters["local"] = fmt_local
templates.env.filters["days"] = _days
templates.env.filters["mask_name"] = mask_name
templates.env.filters["mask_text"] = mask_text


def context(lang: str, **extra: Any) -> dict[str, Any]:
    def tr(key: str, **params: Any) -> str:
        return t(key, lang, **params)

    return {"lang": lang, "t": tr, **extra}
