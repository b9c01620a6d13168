"""Customer tokens: a token kind of their own (audience and signing key differ from staff tokens),
so a customer token opens no staff page or API and a staff token opens no portal page."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from datetime import timedelta
from typing import Any

import jwt

from claimops.clock import utcnow
from claimops.errors import Unauthorized

AUDIENCE = "claimops-portal"
ALGORITHM = "HS256"


def _key(secret: str) -> str:
    return hmac.new(secret.encode(), b"claimops-portal-token", hashlib.sha256).hexdigest()


def create_customer_token(*, customer_id: int, version: int, secret: str, minutes: int) -> str:
    now = utcnow()
    payload: dict[str, Any] = {
        "sub": f"customer:{customer_id}",
        "aud": AUDIENCE,
        "kind": "customer",
        "ver": version,
        "jti": uuid.uuid4().hex,
        "iat": now,
        "exp": now + timedelta(minutes=minutes),
    }
    return jwt.encode(payload, _key(secret), algorithm=ALGORITHM)


def decode_customer_token(token: str, *, secret: str) -> dict[str, Any]:
    try:
        data: dict[str, Any] = jwt.decode(
            token,
            _key(secret),
            algorithms=[ALGORITHM],
            audience=AUDIENCE,
            options={"require": ["exp", "iat", "sub", "jti", "aud"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("the session has expired; sign in again", code="TOKEN_EXPIRED") from exc
    except jwt.PyJWTError as exc:
        raise Unauthorized("sign in to the customer portal", code="INVALID_TOKEN") from exc
    sub = data.get("sub")
    if data.get("kind") != "customer" or not isinstance(sub, str) or not sub.startswith("customer:"):
        raise Unauthorized("sign in to the customer portal", code="INVALID_TOKEN")
    return data


def code_hash(code: str, claim_id: int, secret: str) -> str:
    return hmac.new(secret.encode(), f"otp:{claim_id}:{code}".encode(), hashlib.sha256).hexdigest()
