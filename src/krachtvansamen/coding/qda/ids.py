"""Deterministic GUIDs for REFI-QDA files: uuid5 of a stable key, so the same thing gets the same GUID in
every export, and an import recognises our own codes, users, cases and sources by GUID alone.

Codes are named by their stable key only (``code:effect.individual.trust``), so a code's GUID is the same in
every installation and every codebook version: a round trip through another tool maps codes back exactly.
Rows that exist in one installation only (fragments, codings, memos) are named by their primary key.
"""

from __future__ import annotations

import uuid

# Our own namespace; never change it, or earlier exports stop mapping back.
NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://krachtvansamen.nl/refi-qda")


def guid(kind: str, *parts: object) -> str:
    return str(uuid.uuid5(NAMESPACE, ":".join([kind, *(str(part) for part in parts)])))


def guid_normal(value: str) -> str:
    """GUIDs compare without braces and case ("{ABC...}" and "abc..." are the same GUID)."""
    return value.strip().strip("{}").lower()


def code_guid(key: str) -> str:
    return guid("code", key)


def user_guid(username: str) -> str:
    return guid("user", username)


def case_guid(cbs_code: str) -> str:
    return guid("case", cbs_code)


def variable_guid(name: str) -> str:
    return guid("variable", name)


def source_guid(*, cbs_code: str, year: int, instrument: str, source: str) -> str:
    return guid("source", cbs_code, year, instrument, source)


def fragment_guid(pk: int) -> str:
    return guid("fragment", pk)


def span_guid(fragment_pk: int, start: int, end: int) -> str:
    return guid("span", fragment_pk, start, end)


def coding_guid(pk: int) -> str:
    return guid("coding", pk)


def memo_guid(pk: int) -> str:
    return guid("memo", pk)


def path_guid(path: str) -> str:
    """A code made for a '/' path that a flat codebook (Taguette) uses but does not define itself."""
    return guid("path", path)


# The note that settled codings refer to: "this coding is the settled outcome of a disagreement".
SETTLED_NOTE_GUID = guid("note", "settled")
