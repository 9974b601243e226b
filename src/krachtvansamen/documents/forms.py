from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from krachtvansamen.coding.models import SpeakerRole
from krachtvansamen.documents.extraction import MAX_TEXT_CHARS
from krachtvansamen.documents.models import DOCUMENT_INSTRUMENTS
from krachtvansamen.people.models import Consent

# Quotable with a name is not offered: documents are pseudonymised (speakers' names are replaced).
CONSENT_CHOICES = [
    (Consent.Level.INTERNAL.value, _("Internal use only: for coding and analysis, never quoted")),
    (Consent.Level.PSEUDONYMISED.value, _("May be quoted in reports, without names (pseudonymised)")),
]


class SpeakerRoleField(forms.ChoiceField):
    """The role of one speaker; ``speaker_key`` says which speaker it is about."""

    def __init__(self, *args: Any, speaker_key: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.speaker_key = speaker_key


class DocumentUploadForm(forms.Form):
    instrument = forms.ChoiceField(
        label=_("What kind of document is it?"),
        choices=[(i.value, i.label) for i in DOCUMENT_INSTRUMENTS],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose what kind of document it is.")},
    )
    year = forms.TypedChoiceField(label=_("Year"), coerce=int)
    title = forms.CharField(
        label=_("Title (optional)"),
        max_length=200,
        required=False,
        help_text=_("For example: interview with a resident, March. Do not use real names."),
    )
    file = forms.FileField(
        label=_("File"),
        required=False,
        error_messages={
            "empty": _("The file is empty."),
            "invalid": _("This is not a file. Choose a file again."),
        },
    )
    text = forms.CharField(
        label=_("Or paste the text"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=MAX_TEXT_CHARS,
        strip=False,
        error_messages={"max_length": _("The text is too long. Split it into parts.")},
    )
    consent_level = forms.ChoiceField(
        label=_("May the words be quoted?"),
        choices=CONSENT_CHOICES,
        widget=forms.RadioSelect,
        initial=Consent.Level.INTERNAL.value,
        help_text=_(
            "This goes for the whole document. Choose “quoted” only if everyone who speaks agreed to it."
        ),
    )

    def __init__(self, *args, years: list[int], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        cast(forms.TypedChoiceField, self.fields["year"]).choices = [(year, str(year)) for year in years]

    def clean(self) -> dict:
        cleaned = super().clean()
        if cleaned is None:  # Django keeps the cleaned data then
            cleaned = self.cleaned_data
        has_file = bool(cleaned.get("file"))
        has_text = bool((cleaned.get("text") or "").strip())
        if "file" in self.errors or "text" in self.errors:
            return cleaned
        if has_file and has_text:
            raise forms.ValidationError(_("Choose a file or paste text, not both."), code="both")
        if not has_file and not has_text:
            raise forms.ValidationError(_("Choose a file or paste the text."), code="neither")
        return cleaned


class SpeakerRolesForm(forms.Form):
    """On the preview: a role for every speaker found (and for text without a speaker)."""

    def __init__(self, *args, speakers: list[tuple[str, str, str]], **kwargs) -> None:
        """``speakers``: (key, label shown, suggested role)."""
        super().__init__(*args, **kwargs)
        for index, (key, label, role) in enumerate(speakers):
            # Not required: a role left out keeps the suggestion made from the transcript's label.
            self.fields[f"role_{index}"] = SpeakerRoleField(
                label=label, choices=SpeakerRole.choices, initial=role, required=False, speaker_key=key
            )

    def roles(self) -> dict[str, str]:
        return {
            cast(SpeakerRoleField, field).speaker_key: self.cleaned_data[name]
            for name, field in self.fields.items()
            if self.cleaned_data.get(name)
        }
