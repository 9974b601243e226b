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
