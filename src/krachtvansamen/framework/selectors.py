"""Reads of the codebook. The current version is decided here and nowhere else."""

from __future__ import annotations

from django.db.models import QuerySet

from krachtvansamen.framework.models import Code, Codebook


def codebook_current() -> Codebook | None:
    return Codebook.objects.filter(is_current=True).first()


def codebook_get(*, version: str | None = None) -> Codebook | None:
    if version is None:
        return codebook_current()
    return Codebook.objects.filter(version=version).first()


def codes_in_group(*, codebook: Codebook, group: str) -> QuerySet[Code]:
    return codebook.codes.filter(group=group).order_by("position")


def code_get_current(*, key: str) -> Code:
    """The code with this stable key in the current version."""
    return codes_current().get(key=key)


def codes_current() -> QuerySet[Code]:
    """Every code of the current codebook version: the one place that knows what "current" means.

    Narrow it as usual (``codes_current().filter(key__in=...)``); codings keep pointing at the code rows of
    the version they were made in, so only new work asks for the current codes.
    """
    return Code.objects.filter(codebook__is_current=True)


def codes_current_by_key(*, prefix: str = "") -> dict[str, Code]:
    """The current codes by stable key (``prefix`` such as ``"vitality."`` narrows them to one group)."""
    codes = codes_current()
    if prefix:
        codes = codes.filter(key__startswith=prefix)
    return {code.key: code for code in codes}
