"""POST /claims/{n}/documents: the upload route, beside the claim it acts on (tagged documents)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile

from claimops.claims.uploads import upload_document
from claimops.documents.schemas import DocumentOut
from claimops.documents.views import document_out
from claimops.errors import PayloadTooLarge
from claimops.web.deps import ActorDep, NowDep, RiskScorerDep, SessionDep, SettingsDep
from claimops.web.errors import responses

router = APIRouter(prefix="/claims", tags=["documents"], responses=responses(401, 403))


@router.post(
    "/{claim_number}/documents",
    status_code=201,
    response_model=DocumentOut,
    summary="Upload a document (multipart: doc_type, file)",
    responses=responses(400, 404, 409, 413, 415, 422),
)
def upload(
    claim_number: str,
    doc_type: Annotated[str, Form()],
    file: Annotated[UploadFile, File()],
    session: SessionDep,
    actor: ActorDep,
    now: NowDep,
    settings: SettingsDep,
    risk_scorer: RiskScorerDep,
) -> DocumentOut:
    # A plain def: FastAPI reads the multipart body before the dependencies open the transaction, and
    # runs the handler in the thread pool, so its database waits never block the event loop.
    data = file.file.read(settings.max_upload_bytes + 1)
    if len(data) > settings.max_upload_bytes:
        raise PayloadTooLarge(f"the file is larger than the limit of {settings.max_upload_bytes} bytes")
    doc = upload_document(
        session=session,
        actor=actor,
        claim_number=claim_number,
        doc_type=doc_type,
        filename=file.filename or "upload",
        data=data,
        now=now,
        settings=settings,
        risk_scorer=risk_scorer,
    )
    return document_out(doc)
