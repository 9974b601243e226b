"""Back-off for guessing secrets (an invitation link, a resident's personal code): failures counted per client
address in Django's cache; after ``count`` failures within ``seconds`` of the first, the address waits until that
window ends. Keys hold a keyed hash of the address, never the address itself."""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac


@dataclass(frozen=True)
class FailureThrottle:
    name: str  # part of the cache keys and the hash salt
    count: int
    seconds: int
    setting: str = ""  # a setting that may override (count, seconds)

    def _limit(self) -> tuple[int, int]:
        count, seconds = getattr(settings, self.setting, (self.count, self.seconds)) if self.setting else (
            self.count, self.seconds)  # fmt: skip
        return int(count), int(seconds)

    def _keys(self, address: str) -> tuple[str, str]:
        hashed = salted_hmac(f"krachtvansamen.throttle.{self.name}", address, algorithm="sha256").hexdigest()
        return f"kvs:{self.name}:failures:{hashed}", f"kvs:{self.name}:since:{hashed}"

    def wait(self, address: str | None) -> int:
        """0 when the address may try; else the seconds it has to wait."""
        if not address:
            return 0
        count, seconds = self._limit()
        failures_key, since_key = self._keys(address)
        if (cache.get(failures_key) or 0) < count:
            return 0
        since = cache.get(since_key)
        if since is None:
            return seconds
        return max(1, int(since + seconds - time.time()))

    def failed(self, address: str | None) -> None:
        """Count a failure against the address. The window starts at the first failure."""
        if not address:
            return
        _, seconds = self._limit()
        failures_key, since_key = self._keys(address)
        if cache.add(failures_key, 1, seconds):
            cache.set(since_key, time.time(), seconds)
            return
        try:
            cache.incr(failures_key)
        except ValueError:  # expired between add and incr
            cache.add(failures_key, 1, seconds)
            cache.set(since_key, time.time(), seconds)
