"""Schemathesis against the served schema with a researcher's token: no server errors, every response as the
schema says (status codes, content types, bodies, and a 401 without the token). Valid and invalid parameters are
generated; whether an unknown query parameter "should" be refused (negative_data_rejection) or every valid one
accepted with a 2xx (positive_data_acceptance: a researcher gets 403 for another programme's buurt) are not
checked: unknown parameters are ignored, as in most APIs."""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection, positive_data_acceptance

from krachtvansamen.wsgi import application

# Not in mutation runs (scripts/mutation.sh): mutmut's harness counts test durations per test id and fails on the
# sub-tests schemathesis reports; the fuzzing still runs in every normal run and in CI.
pytestmark = pytest.mark.skipif(
    bool(os.environ.get("MUTANT_UNDER_TEST")), reason="schemathesis sub-tests break mutmut's test statistics"
)


@pytest.fixture
def api_schema(world):
    # Schemathesis calls the WSGI application itself, which closes the database connection at the end of each
    # request; on PostgreSQL that closes the test's own transaction. Django's test client disconnects the same
    # handler for the same reason.
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi("/api/openapi.json", application)
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=30, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_api_keeps_to_its_schema(case, world):
    case.call_and_validate(
        headers={"Authorization": f"Bearer {world.tokens['researcher']}"},
        excluded_checks=[negative_data_rejection, positive_data_acceptance],
    )
