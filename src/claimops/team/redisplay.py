"""The team pages' forms shown again after a refusal: what was typed, the message, the status."""

from __future__ import annotations

from collections.abc import Callable

from fastapi.responses import Response
from sqlalchemy.orm import Session

from claimops.errors import ClaimopsError
from claimops.web.pagekit import Page, form_values


def form_again(render: Callable[..., Response]) -> Callable[[Page, Session, ClaimopsError], Response]:
    """A redisplay handler for a page drawn by `render(page, session, **extra)`."""

    def again(page: Page, session: Session, exc: ClaimopsError) -> Response:
        return render(
            page, session, form=form_values(page.form), error=page.error_text(exc), status_code=exc.status
        )

    return again
