"""Erasure of a person in the frozen Buurtbeeld versions (``reports.models.BuurtbeeldVersion``).

A checked or published version keeps the report as it stood, word for word: also a quote of a person who later
asks to be erased (AVG art. 17), and the pseudonym shown with it. Erasure goes before that promise: their words
and their pseudonym are replaced in every frozen version; the rest of the version stays as it was.
"""

from __future__ import annotations

import re

from django.db.models import Q
from django.utils.html import escape

from krachtvansamen.coding.models import Fragment
from krachtvansamen.people.models import Person
from krachtvansamen.reports.models import BuurtbeeldVersion

# In Dutch whatever the reader's language: the frozen content is Dutch.
WORDS_REMOVED = "[verwijderd op verzoek]"
NAME_REMOVED = "[verwijderd]"


def _needles(person: Person) -> list[str]:
    """The person's words as a frozen version holds them (HTML-escaped, as the templates wrote them), longest
    first: a quote's text before a shorter text inside it."""
    texts: set[str] = set()
    for text, quote_text in Fragment.objects.filter(speaker=person).values_list("text", "quote_text"):
        texts.update(t.strip() for t in (text, quote_text) if t and t.strip())
    return sorted({str(escape(t)) for t in texts}, key=len, reverse=True)


def erase_person_from_versions(person: Person) -> dict[str, int]:
    needles = _needles(person)
    name = str(escape(person.pseudonym.strip())) if person.pseudonym else ""
    name_pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)") if name else None
    condition = Q(pk__in=[])
    for needle in [*needles, name] if name else needles:
        condition |= Q(content_html__contains=needle)
    changed = 0
    for version in BuurtbeeldVersion.objects.exclude(content_html="").filter(condition):
        html = version.content_html
        for needle in needles:
            html = html.replace(needle, WORDS_REMOVED)
        if name_pattern is not None:
            html = name_pattern.sub(NAME_REMOVED, html)
        if html != version.content_html:
            BuurtbeeldVersion.objects.filter(pk=version.pk).update(content_html=html)
            changed += 1
    return {BuurtbeeldVersion._meta.label: changed} if changed else {}
