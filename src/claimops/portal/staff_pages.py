"""The claimant's messages on the staff claim page (a panel registered with claims.hooks by the app)
and the handler's reply form."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from claimops.claims.hooks import CSRF_SLOT
from claimops.i18n import t
from claimops.portal.service import messages_for, post_staff_message
from claimops.web.deps import NowDep, SessionDep
from claimops.web.pagekit import CsrfForm, PageDep, require_page, text
from claimops.web.templating import context, templates

router = APIRouter(include_in_schema=False)


def messages_panel(
    session: Session, claim_id: int, claim_number: str, lang: str, /
) -> tuple[str, str] | None:
    template = templates.env.get_template("_claim_messages.html")
    html = template.render(
        context(
            lang,
            messages=messages_for(session=session, claim_id=claim_id),
            claim_number=claim_number,
            csrf=CSRF_SLOT,
        )
    )
    return t("portal.messages", lang), html


@router.post("/staff/claims/{claim_number}/messages", dependencies=[require_page("claim.request_documents")])
def reply(claim_number: str, form: CsrfForm, page: PageDep, session: SessionDep, now: NowDep) -> Response:
    body = text(form, "body")
    post_staff_message(session=session, actor=page.actor, claim_number=claim_number, body=body, now=now)
    return RedirectResponse(f"/claims/{claim_number}#panel-messages", status_code=303)
