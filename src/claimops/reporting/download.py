"""Download the deck from the API (and from the dashboard's button)."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query
from fastapi.responses import Response

from claimops.i18n import t
from claimops.reporting.api import FiltersDep, PeriodDep
from claimops.reporting.deck import FORMATS, render
from claimops.web.deps import ActorDep, SessionDep, SettingsDep

router = APIRouter(prefix="/reports", tags=["reports"])


@router.get(
    "/deck",
    summary="The claims work summary (理赔工作总结) as pptx, html or md",
    response_class=Response,
    responses={200: {"content": {FORMATS["pptx"]: {}, "text/html": {}, "text/markdown": {}}}},
)
def deck(
    period: PeriodDep,
    flt: FiltersDep,
    session: SessionDep,
    settings: SettingsDep,
    actor: ActorDep,
    lang: Annotated[str, Query(pattern="^(zh|en)$")] = "zh",
    format: Annotated[str, Query(pattern="^(pptx|html|md)$")] = "pptx",  # noqa: A002
) -> Response:
    actor.require("report.read")
    body = render(session, period, settings, lang=lang, fmt=format, filters=flt)
    name = f"{t('report.title', lang)}-{period.label}.{format}"
    disposition = f"attachment; filename=\"summary-{period.label}.{format}\"; filename*=UTF-8''{quote(name)}"
    return Response(body, media_type=FORMATS[format], headers={"Content-Disposition": disposition})
