"""Making, finding and revoking API tokens.

A token reads ``kvs_`` + 43 random URL-safe characters (``secrets.token_urlsafe(32)``: 256 bits); it is shown
once, when it is made. The database keeps its sha256 and its first characters (``prefix``) to recognise it.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User as Account
from django.db.models import QuerySet
from django.utils import timezone

from krachtvansamen.api.models import ApiToken
from krachtvansamen.core.throttle import FailureThrottle

TOKEN_START = "kvs_"
PREFIX_LENGTH = 12  # "kvs_" and 8 random characters
# Writing last_used at every request would make every API call a database write.
LAST_USED_EVERY = timedelta(minutes=1)
# Wrong tokens from one address: after 10 within 15 minutes, that address waits (as for personal codes).
TOKEN_GUESSING = FailureThrottle("api-token", 10, 900, setting="API_TOKEN_FAILURES")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class NewToken:
    token: str  # shown once
    record: ApiToken


def token_create(*, user: Account, name: str = "") -> NewToken:
    token = TOKEN_START + secrets.token_urlsafe(32)
    record = ApiToken.objects.create(
        user=user, name=name[:100], prefix=token[:PREFIX_LENGTH], token_hash=token_hash(token)
    )
    return NewToken(token=token, record=record)


def token_revoke(*, user: Account, prefix: str) -> int:
    """Revokes the user's unrevoked tokens that start with ``prefix`` (at least the ``kvs_`` and 4 more
    characters, so a slip does not revoke all). Returns how many."""
    if len(prefix) < len(TOKEN_START) + 4:
        return 0
    tokens = ApiToken.objects.filter(
        user=user, revoked_at__isnull=True, prefix__startswith=prefix[:PREFIX_LENGTH]
    )
    return tokens.update(revoked_at=timezone.now())


def tokens_revoke(*, tokens: QuerySet[ApiToken]) -> int:
    """Revokes these tokens (those not revoked already: a revocation keeps its first moment). Returns how many."""
    return tokens.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


@dataclass(frozen=True)
class TokenCheck:
    user: Account | None
    reason: str  # "" when the token is good; else "unknown", "revoked" or "inactive"


def token_check(token: str) -> TokenCheck:
    """The user of a token, or why there is none."""
    if not token.startswith(TOKEN_START) or len(token) > 200:
        return TokenCheck(None, "unknown")
    record = ApiToken.objects.select_related("user").filter(token_hash=token_hash(token)).first()
    if record is None:
        return TokenCheck(None, "unknown")
    if record.revoked_at is not None:
        return TokenCheck(None, "revoked")
    if not record.user.is_active:
        return TokenCheck(None, "inactive")
    now = timezone.now()
    if record.last_used is None or now - record.last_used >= LAST_USED_EVERY:
        ApiToken.objects.filter(pk=record.pk).update(last_used=now)
    return TokenCheck(record.user, "")


def user_by_username(username: str) -> Account | None:
    return get_user_model().objects.filter(username=username).first()
