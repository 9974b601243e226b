"""Verhaal toevoegen: a connector or community builder writes down a short story they heard in their buurt,
outside a conversation form or a meeting, with the teller's consent asked as the Wijkwaardenkaart asks it.

The story becomes one ``Fragment`` through ``coding.services.fragments_record`` and its teller a pseudonymous
``Person`` with consent records through ``privacy.services.person_create_pseudonymous``: both in one transaction,
so a failure halfway leaves nothing. The fragment's quote review stays *pending*: no report outside the team
shows the words until a researcher has approved them (``privacy.selectors.quotable``).

There is no instrument "story" (adding one would change a shared model): a story heard in the buurt is recorded
as the closest instrument, a neighbourhood visit (``buurtbezoek``), with the source ``STORY_SOURCE``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from krachtvansamen.coding.models import Fragment, Instrument, SpeakerRole
from krachtvansamen.coding.services import NewFragment, fragments_record
from krachtvansamen.core.forms import style_fields
from krachtvansamen.core.records import neighbourhood_url
from krachtvansamen.core.types import User
from krachtvansamen.framework.selectors import codes_current_by_key
from krachtvansamen.instruments.selectors import code_choices
from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.neighbourhoods.years import YearClosed, year_check_open, year_open_latest, years_open
from krachtvansamen.people.access import user_adds_stories
from krachtvansamen.people.models import Consent
from krachtvansamen.people.services import pseudonym_free
from krachtvansamen.privacy.services import person_create_pseudonymous

# Where a fragment came from: a story added by hand on the buurt page (Fragment.source).
STORY_SOURCE = "verhaal"
STORY_INSTRUMENT = Instrument.BUURTBEZOEK
# A short story: about a page of text. Longer texts belong in a document (documenten/), split into fragments.
STORY_MAX_CHARS = 3000
PSEUDONYM_MAX_CHARS = 100


# --- who may -----------------------------------------------------------------------------------------------


def _neighbourhood_for_story(*, user: User, cbs_code: str) -> Neighbourhood:
    try:
        neighbourhood = Neighbourhood.objects.get(cbs_code=cbs_code)
    except Neighbourhood.DoesNotExist:
        raise Http404(_("This neighbourhood does not exist.")) from None
    if not user_adds_stories(user=user, neighbourhood_id=neighbourhood.pk):
        raise PermissionDenied(_("Only the team of this neighbourhood can add a story here."))
    return neighbourhood


# --- the write -----------------------------------------------------------------------------------------------


def story_record(
    *,
    neighbourhood: Neighbourhood,
    year: int,
    text: str,
    consent: str,
    teller: str = "",
    themes: list[str] | tuple[str, ...] = (),
    user: User,
) -> Fragment:
    """One story as one fragment of ``neighbourhood`` and ``year``, told by a pseudonymous person with the consent
    given (``internal`` or ``pseudonymised``). All or nothing. Raises ``YearClosed`` for a closed year."""
    if consent not in (Consent.Level.INTERNAL, Consent.Level.PSEUDONYMISED):
        raise ValueError(f"Not a consent a story can be added with: {consent!r}")
    year_check_open(year)
    with transaction.atomic():
        person = person_create_pseudonymous(
            neighbourhood=neighbourhood,
            pseudonym=pseudonym_free(neighbourhood=neighbourhood, wanted=teller, fallback=_("Storyteller")),
            method=_("Story added by hand"),
            recorded_by=user,
            level=consent,
            quotes=consent == Consent.Level.PSEUDONYMISED,
        )
        [fragment] = fragments_record(
            neighbourhood_id=neighbourhood.pk,
            year=year,
            instrument=STORY_INSTRUMENT,
            fragments=[
                NewFragment(
                    text=text, speaker_role=SpeakerRole.RESIDENT, consent_level=consent, speaker=person,
                    codes=list(themes),
                )
            ],
            user=user,
            source=STORY_SOURCE,
        )  # fmt: skip
    return fragment


# --- the form ------------------------------------------------------------------------------------------------


def _theme_choices() -> list[tuple[str, str]]:
    codes = codes_current_by_key()
    return [(key, str(codes[key].label) if key in codes else key) for key in code_choices("vitality")]


class StoryForm(forms.Form):
    field_order = ["text", "teller", "consent", "themes", "year"]  # the page's order, so the error list's too
    # No "required" in the HTML: the browser would paint an empty story red before anyone typed a word.
    use_required_attribute = False

    text = forms.CharField(
        label=gettext_lazy("The story"),
        max_length=STORY_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 8}),
        error_messages={
            "required": gettext_lazy("Write down the story."),
            "max_length": gettext_lazy(
                "The story is too long: at most %(limit_value)d characters (now %(show_value)d). "
                "Make it shorter, or add it as a document."
            ),
        },
    )
    consent = forms.ChoiceField(
        # The Wijkwaardenkaart's own consent question (instruments/forms/wijkwaardenkaart.yaml), without
        # "do not keep": a story the teller does not want kept is simply not added.
        label=gettext_lazy("What may be done with the story?"),
        help_text=gettext_lazy(
            "Now ask for consent. Read out: ‘May we use your story? We never add your name. You can always "
            "say no later.’ If the teller says no, do not add the story."
        ),
        choices=[
            (Consent.Level.PSEUDONYMISED, gettext_lazy("Use and quote, without a name")),
            (Consent.Level.INTERNAL, gettext_lazy("Use within the team only, do not quote")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": gettext_lazy("Choose what may be done with the story: ask the teller."),
            "invalid_choice": gettext_lazy("Choose one of the two answers about consent."),
        },
    )
    teller = forms.CharField(
        label=gettext_lazy("Who told it (nickname)"),
        help_text=gettext_lazy("No real name. Leave empty and we make one."),
        max_length=PSEUDONYM_MAX_CHARS,
        required=False,
        error_messages={
            "max_length": gettext_lazy("Keep the nickname short: at most %(limit_value)d characters."),
        },
    )
    themes = forms.MultipleChoiceField(
        label=gettext_lazy("What is the story about?"),
        help_text=gettext_lazy("More than one is fine. You can also leave this for later."),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": gettext_lazy("Choose themes from the list.")},
    )
    year = forms.IntegerField(
        label=gettext_lazy("Year"),
        help_text=gettext_lazy("The measurement year the story belongs to."),
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": gettext_lazy("Choose a year."),
            "invalid": gettext_lazy("Choose a year from the list."),
            "min_value": gettext_lazy("Choose a year from the list."),
            "max_value": gettext_lazy("Choose a year from the list."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        themes = self.fields["themes"]
        assert isinstance(themes, forms.MultipleChoiceField)
        themes.choices = _theme_choices()
        open_years = sorted(years_open(), reverse=True)
        year = self.fields["year"]
        year.widget = forms.Select(choices=[(y, str(y)) for y in open_years])
        year.initial = year_open_latest()
        self.fields["text"].help_text = _(
            "Write it down in the teller's own words, as well as you can. At most %(max)s characters."
        ) % {"max": STORY_MAX_CHARS}
        self.fields["text"].widget.attrs.pop("maxlength", None)  # say it is too long; never cut a paste short
        style_fields(self)

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        try:
            year_check_open(year)
        except YearClosed as closed:
            raise ValidationError(str(closed), code="year_closed") from None
        return year


# --- the page ------------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def story_add(request: HttpRequest, cbs_code: str) -> HttpResponse:
    neighbourhood = _neighbourhood_for_story(user=request.user, cbs_code=cbs_code)
    form = StoryForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            fragment = story_record(
                neighbourhood=neighbourhood, year=data["year"], text=data["text"], consent=data["consent"],
                teller=data["teller"], themes=data["themes"], user=request.user,
            )  # fmt: skip
        except YearClosed as closed:
            form.add_error("year", str(closed))
        except IntegrityError:  # someone took the same nickname at the same moment
            form.add_error("teller", _("This nickname was just taken. Save again, or choose another one."))
        else:
            speaker = fragment.speaker.pseudonym if fragment.speaker else ""
            saved = _(
                "The story of %(teller)s is saved. A researcher looks at it before it is quoted anywhere."
            )
            if data["teller"] and speaker != data["teller"]:
                saved += " " + _(
                    "The nickname %(wanted)s was already in use here, so it is saved as %(teller)s."
                )
            messages.success(request, saved % {"teller": speaker, "wanted": data["teller"]})
            return redirect(neighbourhood_url(neighbourhood, year=fragment.year, anchor="fragmenten"))
    context = {"form": form, "n": neighbourhood, "title": _("Add a story")}
    return render(
        request, "web/story_add.html", context, status=400 if form.is_bound and form.errors else 200
    )
