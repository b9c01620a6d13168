"""GET /api/v1/reports/deck: the work summary (理赔工作总结) as a file to download."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from claimops.reporting.api import FiltersDep, PeriodDep
from claimops.reporting.deck import MEDIA_TYPES, SectionRegistry, filename, render
from claimops.web.deps import ActorDep, LangDep, SessionDep, SettingsDep
from claimops.web.errors import responses

router = APIRouter(prefix="/reports", tags=["reports"], responses=responses(401, 403, 422))


async def sections_dep(request: Request) -> SectionRegistry:
    """The deck's sections as the app assembled them (claimops.app)."""
    sections: SectionRegistry = request.app.state.deck_sections
    return sections


def content_disposition(name: str) -> str:
    """An ASCII fallback for old clients, and the real (Chinese) name RFC 5987-encoded."""
    fallback = name.encode("ascii", "replace").decode().replace("?", "_").replace('"', "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


@router.get(
    "/deck",
    summary="The claims work summary (理赔工作总结) as PowerPoint, HTML or Markdown",
    description="The same sections, sentences and figures in every format; pptx charts are native "
    "(editable) charts. Filters (line, region, channel) narrow every figure about claims.",
    response_class=Response,
    responses={200: {"content": {media: {} for media in MEDIA_TYPES.values()}}},
)
def deck(
    period: PeriodDep,
    flt: FiltersDep,
    session: SessionDep,
    settings: SettingsDep,
    actor: ActorDep,
    ui_lang: LangDep,
    sections: Annotated[SectionRegistry, Depends(sections_dep)],
    lang: Annotated[
        Literal["zh", "en"] | None, Query(description="zh or en; default: the web UI's language (zh)")
    ] = None,
    format: Annotated[Literal["pptx", "html", "md"], Query(description="pptx, html or md")] = "pptx",  # noqa: A002
) -> Response:
    actor.require("report.read")
    chosen = lang or ui_lang
    body = render(session, period, settings, sections=sections, lang=chosen, fmt=format, filters=flt)
    return Response(
        body,
        media_type=MEDIA_TYPES[format],
        headers={"Content-Disposition": content_disposition(filename(period, chosen, format))},
    )
