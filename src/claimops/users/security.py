"""Password hashing (bcrypt), bearer tokens (JWT, HS256) and CSRF tokens."""

from __future__ import annotations

import hashlib
import hmac
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import bcrypt
import jwt

from claimops.clock import utcnow
from claimops.errors import Unauthorized

ALGORITHM = "HS256"
BCRYPT_ROUNDS = 12
# Checked when the name is unknown, so that an unknown name costs the same bcrypt work as a known one
# (a bcrypt hash of random bytes, at BCRYPT_ROUNDS; nothing hashes to it).
DUMMY_HASH = "$2b$12$RHBaSNfJasiKtzWzZRTulesuf/aaevxR/VKNdDw/hp8NSNq.OhDiq"
# Claims every token must carry: one without an expiry would be valid for ever.
REQUIRED_CLAIMS = ["exp", "iat", "sub", "jti"]


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode()[:72], bcrypt.gensalt(rounds=BCRYPT_ROUNDS)).decode()


def verify_password(password: str, hashed: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode()[:72], hashed.encode())
    except ValueError:
        return False


def create_token(*, subject: str, role: str, secret: str, minutes: int, version: int = 0) -> str:
    """`jti` names the token (logout revokes it); `ver` is the user's token version when issued."""
    now = utcnow()
    payload: dict[str, Any] = {
        "sub": subject,
        "role": role,
        "ver": version,
        "jti": uuid.uuid4().hex,
        "iat": now,
        "exp": now + timedelta(minutes=minutes),
    }
    return jwt.encode(payload, secret, algorithm=ALGORITHM)


def decode_token(token: str, *, secret: str) -> dict[str, Any]:
    try:
        data: dict[str, Any] = jwt.decode(
            token, secret, algorithms=[ALGORITHM], options={"require": REQUIRED_CLAIMS}
        )
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("the session has expired; log in again", code="TOKEN_EXPIRED") from exc
    except jwt.PyJWTError as exc:
        raise Unauthorized("invalid credentials", code="INVALID_TOKEN") from exc
    if not isinstance(data.get("sub"), str) or not isinstance(data.get("jti"), str):
        raise Unauthorized("invalid credentials", code="INVALID_TOKEN")
    return data


def token_expiry(claims: dict[str, Any]) -> datetime:
    return datetime.fromtimestamp(int(claims["exp"]), tz=UTC)


def _sign(secret: str, purpose: bytes, value: str) -> str:
    return hmac.new(secret.encode(), purpose + value.encode(), hashlib.sha256).hexdigest()


def csrf_token(token: str, secret: str) -> str:
    """Bound to the login token: a new login gets a new CSRF token, and no state is kept."""
    return _sign(secret, b"csrf:", token)


def login_csrf_token(nonce: str, secret: str) -> str:
    """Before there is a session: the form carries the signature of a random cookie (double submit)."""
    return _sign(secret, b"login-csrf:", nonce)


def same(sent: object, expected: str) -> bool:
    return isinstance(sent, str) and hmac.compare_digest(sent.encode(), expected.encode())
