"""Password hashing (bcrypt) and bearer tokens (JWT, HS256)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import bcrypt
import jwt

from claimops.clock import utcnow
from claimops.errors import Unauthorized

ALGORITHM = "HS256"


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode()[:72], bcrypt.gensalt(rounds=12)).decode()


def verify_password(password: str, hashed: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode()[:72], hashed.encode())
    except ValueError:
        return False


def create_token(*, subject: str, role: str, secret: str, minutes: int) -> str:
    now = utcnow()
    payload: dict[str, Any] = {
        "sub": subject,
        "role": role,
        "iat": now,
        "exp": now + timedelta(minutes=minutes),
    }
    return jwt.encode(payload, secret, algorithm=ALGORITHM)


def decode_token(token: str, *, secret: str) -> dict[str, Any]:
    try:
        data: dict[str, Any] = jwt.decode(token, secret, algorithms=[ALGORITHM])
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("the session has expired; log in again", code="TOKEN_EXPIRED") from exc
    except jwt.PyJWTError as exc:
        raise Unauthorized("invalid credentials", code="INVALID_TOKEN") from exc
    return data
