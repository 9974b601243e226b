"""Types every layer shares."""

from __future__ import annotations

from typing import TypeAlias

from django.contrib.auth.models import AbstractUser, AnonymousUser

# Who is asking: a logged-in user or nobody. Access rules take this, never ``Any``.
User: TypeAlias = AbstractUser | AnonymousUser
