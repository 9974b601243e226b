"""Rate limits of the Effectenplein: fixed-window counters in Django's default cache.

A meeting happens in one room, often behind one buurthuis Wi-Fi: every phone then has the same network
address. So the limits per address are set for a full room, and the tight limits are per participant (per
phone). Counters are kept under keyed hashes, never under raw addresses. Each check is one or two cache
calls, so the phone flow stays fast.

Settings may override any limit: ``EFFECTENPLEIN_LIMITS = {"joins_per_address": (100, 60)}`` (count, seconds),
and the default maximum of participants of a new meeting: ``EFFECTENPLEIN_DEFAULT_MAX_PARTICIPANTS = 60``.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.core.cache import cache

from krachtvansamen.effectenplein.models import DEFAULT_MAX_PARTICIPANTS

# name: (how many, per how many seconds)
DEFAULT_LIMITS: dict[str, tuple[int, int]] = {
    # Guessing meeting codes: unknown codes per address. A room of people mistyping stays well below it;
    # a guesser gets two a minute against a billion possible codes.
    "code_failures_per_address": (20, 600),
    # Joining: a full room on one Wi-Fi joins within a couple of minutes.
    "joins_per_address": (30, 60),
    "joins_per_meeting": (60, 60),
    # Stories: writing one takes a person more than ten seconds.
    "stories_per_participant": (5, 60),
    "stories_per_address": (60, 60),
    "stories_per_meeting": (120, 60),
    # Changing one's choice, and 'Herken ik' taps.
    "votes_per_participant": (10, 60),
    "votes_per_address": (120, 60),
    "recognitions_per_participant": (60, 60),
}
# Shown to the facilitator: this many joins from one address within a minute.
SUSPICIOUS_JOINS_PER_ADDRESS = 10


def default_max_participants() -> int:
    """How many people may join a new meeting unless the facilitator chooses: settings may change the default."""
    return int(getattr(settings, "EFFECTENPLEIN_DEFAULT_MAX_PARTICIPANTS", DEFAULT_MAX_PARTICIPANTS))


def limit(name: str) -> tuple[int, int]:
    overrides = getattr(settings, "EFFECTENPLEIN_LIMITS", None) or {}
    count, seconds = overrides.get(name, DEFAULT_LIMITS[name])
    return int(count), int(seconds)


def _key(name: str, subject: str, seconds: int, now: float) -> tuple[str, int]:
    window = int(now // seconds)
    retry_after = max(1, int((window + 1) * seconds - now))
    return f"kvs:plein:{name}:{subject}:{window}", retry_after


def hit(name: str, subject: str) -> int:
    """Count one request; 0 when it is within the limit, else the seconds until the window ends."""
    if not subject:
        return 0
    count, seconds = limit(name)
    key, retry_after = _key(name, subject, seconds, time.time())
    if cache.add(key, 1, seconds + 5):
        used = 1
    else:
        try:
            used = cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, seconds + 5)
            used = 1
    return retry_after if used > count else 0


def blocked(name: str, subject: str) -> int:
    """Like ``hit`` but without counting: the seconds to wait when the limit is already used up, else 0."""
    if not subject:
        return 0
    count, seconds = limit(name)
    key, retry_after = _key(name, subject, seconds, time.time())
    return retry_after if (cache.get(key) or 0) >= count else 0
