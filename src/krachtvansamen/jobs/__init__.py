"""Background work with progress: imports and exports run as jobs, the page shows how far they are.

A job is a row (``models.Job``) plus a registered function (``registry``). ``services.start_job`` queues it;
``dispatch`` hands it to Celery when a broker is configured (``kvs worker``), else to a small thread pool in
the web process (``worker``), so the demo runs without Redis.
"""
