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
    return Code.objects.get(codebook__is_current=True, key=key)
