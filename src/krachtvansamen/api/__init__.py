"""The JSON API (django-ninja): the core records, read-only, paged, behind a personal API token, with exactly the
scoping of the web pages (``people.access``). Schema at ``/api/openapi.json``, docs at ``/api/docs``."""
