from __future__ import annotations

import pytest

from krachtvansamen.framework.services import codebook_load_shipped


@pytest.fixture
def codebook(db):
    """The shipped codebook, loaded as `kvs demo` does."""
    return codebook_load_shipped()[-1].codebook


@pytest.fixture(autouse=True)
def fast_password_hashing(settings):
    # The production hasher is slow on purpose; tests create many users.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def dutch_by_default():
    # Django's test client runs requests in this thread and LocaleMiddleware leaves the last request's language
    # active; a test that asked for English must not make a later test see English messages.
    from django.utils import translation

    translation.activate("nl")
    yield
    translation.activate("nl")
