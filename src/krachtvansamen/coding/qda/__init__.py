"""REFI-QDA exchange (QDA-XML 1.0) with other qualitative analysis tools.

- ``export``: the codebook as .qdc, a programme or a neighbourhood as .qdpx (valid against ``schemas/``).
- ``importer``: .qdc and .qdpx from us or other tools, all or nothing, with a report of what was adjusted.
- ``validate``: safe XML parsing, the known harmless deviations (Taguette's empty ``<Sets/>`` and ``/`` names)
  repaired, schema validation.
- ``ids``: deterministic GUIDs (uuid5 of stable keys), so codes map back after a round trip.
- ``views`` / ``urls``: the page /coderen/uitwisselen/; ``kvs qda`` is ``coding/management/commands/qda.py``.

Positions in selections count Unicode code points (Python ``str`` indices), like ``Coding.start``/``end``.
"""
