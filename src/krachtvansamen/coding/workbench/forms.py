"""The workbench's forms: the queue's filters (GET, Dutch parameter names), a coding, memos and settling."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from krachtvansamen.coding.models import CodingState, Instrument, SpeakerRole
from krachtvansamen.coding.selectors import QueueFilters
from krachtvansamen.coding.workbench import selectors
from krachtvansamen.core.forms import mark_optional_hidden, style_fields
from krachtvansamen.framework.models import Code
from krachtvansamen.neighbourhoods.models import Neighbourhood, Programme

# The GET parameters of the queue, in the order they are written into links.
FILTER_NAMES = ("programma", "buurt", "instrument", "jaar", "spreker", "code", "codeur", "status")

STATE_LABELS_BLIND = (("not_mine", _("not coded by me yet")), ("mine", _("coded by me")))


def _person(user: Any) -> str:
    return user.get_full_name() or user.get_username()


class QueueFilterForm(forms.Form):
    """What the coder narrows the queue to. Options only from what the user may see; a value that is not
    an option is ignored (the rest of the filters still apply)."""

    programma = forms.TypedChoiceField(label=_("Programme"), required=False, coerce=int, empty_value=None)
    buurt = forms.TypedChoiceField(label=_("Neighbourhood"), required=False, coerce=int, empty_value=None)
    instrument = forms.ChoiceField(label=_("Instrument"), required=False)
    jaar = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    spreker = forms.ChoiceField(label=_("Speaker"), required=False)
    code = forms.ChoiceField(label=_("Code"), required=False)
    codeur = forms.TypedChoiceField(label=_("Coder"), required=False, coerce=int, empty_value=None)
    status = forms.ChoiceField(label=_("State"), required=False)

    def __init__(self, data: Any, *, neighbourhoods: QuerySet[Neighbourhood], blind: bool) -> None:
        super().__init__(data)
        within = neighbourhoods
        self._choices(
            "programma", [(p.pk, p.name) for p in selectors.programmes_within(neighbourhoods=within)]
        )
        self._choices(
            "buurt", [(n.pk, n.name) for n in selectors.neighbourhoods_with_fragments(neighbourhoods=within)]
        )
        self._choices("instrument", list(Instrument.choices))
        self._choices(
            "jaar", [(year, str(year)) for year in selectors.years_with_fragments(neighbourhoods=within)]
        )
        self._choices("spreker", list(SpeakerRole.choices))
        # Sub-codes indented under their group (em spaces); choosing a group includes its codes.
        codes = selectors.codes_for_filter(neighbourhoods=within)
        self._choices("code", [(c.key, "\u2003" * c.depth + c.label) for c in codes])
        if blind:
            # In blind mode nothing may show another coder's work: no coder filter, only "mine or not".
            del self.fields["codeur"]
            self._choices("status", list(STATE_LABELS_BLIND))
        else:
            coders = selectors.coders_within(neighbourhoods=within)
            self._choices("codeur", [(u.pk, _person(u)) for u in coders])
            self._choices("status", [*STATE_LABELS_BLIND, *CodingState.choices])
        style_fields(self)

    def _choices(self, name: str, choices: list[tuple[Any, Any]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", _("all")), *choices]

    def valid_values(self) -> dict[str, Any]:
        """The filters that are options, by parameter name; the others are dropped."""
        self.is_valid()
        cleaned = getattr(self, "cleaned_data", {})
        return {name: cleaned[name] for name in FILTER_NAMES if cleaned.get(name) not in (None, "")}

    def filters(self) -> QueueFilters:
        v = self.valid_values()
        return QueueFilters(
            programme_id=v.get("programma"),
            neighbourhood_id=v.get("buurt"),
            instrument=v.get("instrument", ""),
            year=v.get("jaar"),
            speaker_role=v.get("spreker", ""),
            code_key=v.get("code", ""),
            coder_id=v.get("codeur"),
            state=v.get("status", ""),
        )

    def query(self) -> str:
        """The valid filters as a query string, for links that keep the queue ("next" follows it)."""
        return urlencode(self.valid_values())

    def active_count(self) -> int:
        return len(self.valid_values())


class CodingAddForm(forms.Form):
    """A code for the whole fragment, or for the part from ``start`` to ``end`` (character offsets)."""

    code = forms.CharField(max_length=150)
    start = forms.IntegerField(required=False, min_value=0)
    end = forms.IntegerField(required=False, min_value=0)


class MemoForm(forms.Form):
    """One's own memo on a fragment; emptied, it is deleted."""

    text = forms.CharField(label=_("Your memo"), widget=forms.Textarea(attrs={"rows": 3}), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        mark_optional_hidden(self.fields["text"])
        style_fields(self)


class CodeMemoForm(forms.Form):
    programme = forms.ModelChoiceField(label=_("Programme"), queryset=Programme.objects.none())
    text = forms.CharField(label=_("Memo"), widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args: Any, programmes: QuerySet[Programme], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["programme"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = programmes
        if programmes.count() == 1:
            field.initial = programmes.first()
        style_fields(self)


class _CodeLabels(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.label)


class _CodeWithKey(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.label} ({obj.key})"


class SettleForm(forms.Form):
    """The outcome: the codes (of the fragment's programme) that analyses will count, and a memo."""

    codes = _CodeLabels(
        label=_("Outcome"), queryset=Code.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    extra = _CodeWithKey(
        label=_("Add a code that no coder gave"), queryset=Code.objects.none(), required=False
    )
    memo = forms.CharField(
        label=_("Memo on the decision"), widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args: Any, given: list[Code], usable: QuerySet[Code], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        codes = self.fields["codes"]
        extra = self.fields["extra"]
        assert isinstance(codes, forms.ModelMultipleChoiceField)
        assert isinstance(extra, forms.ModelChoiceField)
        codes.queryset = Code.objects.filter(pk__in=[c.pk for c in given]).order_by("position")
        extra.queryset = usable.exclude(pk__in=[c.pk for c in given])
        for field in self.fields.values():
            mark_optional_hidden(field)
        style_fields(self)

    def outcome(self) -> list[Code]:
        chosen = list(self.cleaned_data["codes"])
        if self.cleaned_data.get("extra"):
            chosen.append(self.cleaned_data["extra"])
        return chosen
