"""The investigations section of the staff claim page (a claims.hooks panel registered by the app) and
its forms: open, add a note or evidence, finish with a conclusion."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from claimops.claims.hooks import CSRF_SLOT
from claimops.i18n import t
from claimops.investigations import queries, rules, service
from claimops.investigations.schemas import FinishIn, NoteIn, StartIn
from claimops.investigations.views import investigation_out
from claimops.schemas import parse
from claimops.web.deps import NowDep, SessionDep
from claimops.web.pagekit import CsrfForm, PageDep, require_page, text, texts
from claimops.web.templating import context, templates

router = APIRouter(include_in_schema=False)


def investigations_panel(
    session: Session, claim_id: int, claim_number: str, lang: str, /
) -> tuple[str, str] | None:
    shown = [
        investigation_out(session, inv, n) for inv, n in queries.investigations(session, claim_id=claim_id)
    ]
    template = templates.env.get_template("_claim_investigations.html")
    html = template.render(
        context(
            lang,
            investigations=shown,
            claim_number=claim_number,
            csrf=CSRF_SLOT,
            triggers=rules.TRIGGERS,
            conclusions=rules.CONCLUSIONS,
            reason_codes=rules.REASON_CODES,
            open=any(i.status == "open" for i in shown),
        )
    )
    return t("investigations.title", lang), html


def _back(claim_number: str) -> Response:
    return RedirectResponse(f"/claims/{claim_number}#panel-investigations", status_code=303)


@router.post(
    "/claims/{claim_number}/investigations", dependencies=[require_page("claim.start_investigation")]
)
def start(claim_number: str, form: CsrfForm, page: PageDep, session: SessionDep, now: NowDep) -> Response:
    cmd = parse(
        StartIn,
        {
            "claim_number": claim_number,
            "trigger": text(form, "trigger", "referral"),
            "reason": text(form, "reason"),
            "investigator": text(form, "investigator") or None,
        },
    )
    service.start_investigation(session=session, actor=page.actor, cmd=cmd, now=now)
    return _back(claim_number)


@router.post(
    "/claims/{claim_number}/investigations/{investigation_id}/notes",
    dependencies=[require_page("claim.start_investigation")],
)
def note(
    claim_number: str, investigation_id: int, form: CsrfForm, page: PageDep, session: SessionDep, now: NowDep
) -> Response:
    doc = text(form, "document_id")
    cmd = parse(NoteIn, {"text": text(form, "text"), "document_id": doc or None})
    service.add_note(session=session, actor=page.actor, investigation_id=investigation_id, cmd=cmd, now=now)
    return _back(claim_number)


@router.post(
    "/claims/{claim_number}/investigations/{investigation_id}/finish",
    dependencies=[require_page("claim.finish_investigation")],
)
def finish(
    claim_number: str, investigation_id: int, form: CsrfForm, page: PageDep, session: SessionDep, now: NowDep
) -> Response:
    cmd = parse(
        FinishIn,
        {
            "conclusion": text(form, "conclusion"),
            "reason_codes": texts(form, "reason_codes"),
            "amount_saved": text(form, "amount_saved") or "0",
            "summary": text(form, "summary"),
        },
    )
    service.finish_investigation(
        session=session, actor=page.actor, investigation_id=investigation_id, cmd=cmd, now=now
    )
    return _back(claim_number)
