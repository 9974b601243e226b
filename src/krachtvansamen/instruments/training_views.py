"""Training pages: an instruction per instrument (``instruments.training``), and practising the Wijkwaardenkaart.

Practice uses the real form (its current version), rendered and checked exactly as the real one
(``rendering.build_fields``, ``definition.check_answers``), but nothing is ever written: no submission, no
draft, no fragment, no person, no consent, no autosave (the page does not load ``form.js``, which would
autosave and keep a copy in the browser), no message in the session. Conditional questions are shown and hidden
by CSS (``:has``) instead, so the page still behaves like the real form.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from krachtvansamen.instruments import selectors
from krachtvansamen.instruments.definition import check_answers, localised
from krachtvansamen.instruments.models import FormVersion
from krachtvansamen.instruments.rendering import Field, build_fields, raw_from_post
from krachtvansamen.instruments.training import (
    ADDRESS,
    DOCUMENT,
    FORM,
    MEETING,
    STUDY_QUESTIONS,
    TERMS,
    Instruction,
    instruction_get,
    instructions_all,
)
from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.people.access import neighbourhoods_for_user

PRACTICE_FORM_ID = "oefen-formulier"
PLACEHOLDER = "BUURT"  # in a start address: becomes the chosen neighbourhood (core/static/kvs/app.js)


def _may_fill(request: HttpRequest) -> bool:
    """Who may fill in instruments may practise: whoever reaches a neighbourhood's data (never a funder)."""
    return neighbourhoods_for_user(user=request.user).exists()


def _instruction_or_404(key: str) -> Instruction:
    instruction = instruction_get(key)
    if instruction is None:
        raise Http404(_("There is no explanation for this instrument."))
    return instruction


@login_required
def training_index(request: HttpRequest) -> HttpResponse:
    return render(request, "instruments/training/index.html", {
        "instructions": instructions_all(), "may_fill": _may_fill(request),
    })  # fmt: skip


@login_required
def training_page(request: HttpRequest, instrument: str) -> HttpResponse:
    instruction = _instruction_or_404(instrument)
    may_fill = _may_fill(request)
    address = request.build_absolute_uri(reverse("resident_code"))
    consent_script = [
        str(line) % {"address": address} if ADDRESS in str(line) else str(line)
        for line in instruction.consent_script
    ]
    neighbourhoods = (
        list(neighbourhoods_for_user(user=request.user).order_by("name")[:200]) if may_fill else []
    )
    starts = _starts(instruction, neighbourhoods) if may_fill else []
    return render(request, "instruments/training/instruction.html", {
        "instruction": instruction, "consent_script": consent_script,
        "questions": [STUDY_QUESTIONS[key] for key in instruction.study_questions],
        "terms": [TERMS[key] for key in instruction.terms],
        "may_fill": may_fill, "starts": starts, "neighbourhoods": neighbourhoods,
        "intro": {
            MEETING: _("You start an Effectenplein on the page of the neighbourhood."),
            DOCUMENT: _("You add the notes or the transcript as a document of the neighbourhood."),
        }.get(instruction.kind, ""),
    })  # fmt: skip


@dataclass(frozen=True)
class _Start:
    """Where the real instrument begins: ``url`` with BUURT for the chosen neighbourhood's CBS code."""

    label: str
    url: str
    single_url: str  # for a user with one neighbourhood


def _starts(instruction: Instruction, neighbourhoods: list[Neighbourhood]) -> list[_Start]:
    if instruction.kind == FORM:
        targets = [
            (_("Start “%(title)s” for the neighbourhood") % {"title": fv.title},
             reverse("instruments:fill", args=[fv.form.key, PLACEHOLDER]))
            for fv in selectors.forms_current()
            if fv.form.instrument == instruction.instrument
        ]  # fmt: skip
    elif instruction.kind == MEETING:
        targets = [
            (_("Start an Effectenplein"), reverse("neighbourhood", args=[PLACEHOLDER]) + "#effectenplein")
        ]
    else:
        targets = [(_("Add a document"), reverse("documents:upload", args=[PLACEHOLDER]))]
    only = neighbourhoods[0].cbs_code if len(neighbourhoods) == 1 else PLACEHOLDER
    return [_Start(label=label, url=url, single_url=url.replace(PLACEHOLDER, only)) for label, url in targets]


def _practice_form(instrument: str) -> FormVersion:
    """The form practised: the current version of the form with the instrument's own key, else of any form
    for this instrument (one imported under another key)."""
    version = selectors.form_version_current(key=instrument)
    if version is None:
        version = next((fv for fv in selectors.forms_current() if fv.form.instrument == instrument), None)
    if version is None:
        raise Http404(_("This form does not exist."))
    return version


@login_required
@require_http_methods(["GET", "POST"])
def practice(request: HttpRequest, instrument: str) -> HttpResponse:
    """Practise a conversation: the real questions and checks; the answers are shown back, never kept."""
    instruction = _instruction_or_404(instrument)
    if not instruction.practised:
        raise Http404(_("This instrument has no practice mode."))
    if not _may_fill(request):
        raise PermissionDenied(_("Only people who fill in the instruments can practise them."))
    form_version = _practice_form(instruction.instrument)
    definition = form_version.definition
    if request.method != "POST":
        return _practice_page(request, instruction, form_version, values={}, errors={})
    raw = raw_from_post(definition, request.POST)
    checked = check_answers(definition, raw, code_choices=selectors.code_choices, complete=True)
    if checked.errors:
        values = {name: value for name, value in raw.items() if value not in ("", [], None)}
        return _practice_page(request, instruction, form_version, values=values, errors=checked.errors)
    shown = selectors.practice_answers_for_display(form_version=form_version, answers=checked.answers)
    return _no_store(render(request, "instruments/training/practice_done.html", {
        "instruction": instruction, "form_version": form_version, "title": form_version.title,
        "answers": shown, "would_happen": _would_happen(definition, checked.answers),
    }))  # fmt: skip


def _practice_page(
    request: HttpRequest,
    instruction: Instruction,
    form_version: FormVersion,
    *,
    values: dict[str, Any],
    errors: dict[str, str],
) -> HttpResponse:
    definition = form_version.definition
    fields = build_fields(definition, values, errors, code_choices=selectors.code_choices, extra_rows={})
    return _no_store(render(request, "instruments/training/practice.html", {
        "instruction": instruction, "form_version": form_version, "title": form_version.title,
        "description": localised(definition.get("description")),
        "guidance": [localised(item) for item in definition.get("guidance", [])],
        "fields": fields, "errors": errors, "form_id": PRACTICE_FORM_ID,
        "conditions_css": conditions_css(fields, form_id=PRACTICE_FORM_ID),
    }, status=400 if errors else 200))  # fmt: skip


def _no_store(response: HttpResponse) -> HttpResponse:
    # What was typed while practising may be a real resident's words: no copy in any cache either.
    response["Cache-Control"] = "private, no-store"
    return response


def _would_happen(definition: dict, answers: dict[str, Any]) -> list[str]:
    """What the real form would have done with these answers (see ``instruments.services``), in words."""
    consent = answers.get("consent")
    stories = [
        q for q in definition["questions"]
        if q["type"] == "long_text" and q.get("fragment") and answers.get(q["name"])
    ]  # fmt: skip
    if consent == "none":
        return [_("None of the resident's words would be kept: only the themes, without the resident.")]
    happens = [
        ngettext(
            "%(n)s answer would become a fragment for coding, with the themes you chose as codes.",
            "%(n)s answers would become fragments for coding, with the themes you chose as codes.",
            len(stories),
        )
        % {"n": len(stories)}
    ]
    if consent in ("pseudonymised", "internal"):
        pseudonym = answers.get("pseudonym")
        happens.append(
            _("The resident would be recorded under the pseudonym “%(name)s”, never under their real name.")
            % {"name": pseudonym}
            if pseudonym
            else _("The resident would be recorded under a made-up pseudonym, never under their real name.")
        )
        happens.append(
            _("Their words could be quoted without a name, but only after a person reviewed them.")
            if consent == "pseudonymised"
            else _("Their words would only be used within the team, never quoted.")
        )
        happens.append(_("You could then give the resident a card with a personal code."))
    return happens


# --- conditional questions without JavaScript ------------------------------------------------------------

_CSS_VALUE = re.compile(r"^[A-Za-z0-9_+\-. ]*$")


def _shown_when(tree: list) -> str | None:
    """A CSS condition (``:has(...)`` on the form) true exactly when ``tree`` is; None when CSS cannot say it
    (then the question is always shown, and the server drops an answer to a hidden question anyway)."""
    kind = tree[0]
    if kind in ("cmp", "selected"):
        if kind == "cmp":
            if tree[1] != "=":
                return None
            left, right = tree[2], tree[3]
            if left[0] == "lit":
                left, right = right, left
            if left[0] != "ref" or right[0] != "lit":
                return None
            name, value = left[1], str(right[1])
        else:
            name, value = tree[1], str(tree[2])
        if not _CSS_VALUE.match(value):
            return None
        return f':has(input[name="{name}"][value="{value}"]:checked)'
    if kind in ("and", "or"):
        first, second = _shown_when(tree[1]), _shown_when(tree[2])
        if first is None or second is None:
            return None
        return first + second if kind == "and" else f":is({first}, {second})"
    if kind == "not":
        inner = _shown_when(tree[1])
        return None if inner is None else f":not({inner})"
    return None


def conditions_css(fields: list[Field], *, form_id: str) -> SafeString:
    """CSS that hides each conditional question while its condition is false, like ``form.js`` does."""
    rules = []
    for field in fields:
        if not field.condition or field.kind == "repeat":
            continue
        shown = _shown_when(json.loads(field.condition))
        if shown is not None:
            rules.append(f"#{form_id}:not({shown}) #vraag-{field.name} {{ display: none; }}")
    # Names follow NAME_RE and values _CSS_VALUE: nothing here can close the <style> element.
    return mark_safe("\n".join(rules))  # noqa: S308
