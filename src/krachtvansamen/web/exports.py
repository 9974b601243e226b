"""The composed pages' lists as downloads (CSV or Excel): the neighbourhood page's assets, activities and
submitted forms, read through the same selectors as the page for the year it shows, and the start page's
neighbourhoods.

The caller has checked that the user may see the page (``neighbourhood_get_for_user``) and, for the submitted
forms, passes the same queryset the page lists (``web.views.submissions_listed``) with the writers' roles. Persons appear as on the
page: by pseudonym, organisations by name; a form's writer by user name, never a resident.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from krachtvansamen.assets.selectors import activities_for_year, asset_map
from krachtvansamen.instruments.models import Submission
from krachtvansamen.neighbourhoods.models import Neighbourhood

# ?lijst=… on the neighbourhood page: which of its lists to download.
ASSETS = "krachten"
ACTIVITIES = "activiteiten"
FORMS = "formulieren"
LISTS = (ASSETS, ACTIVITIES, FORMS)


def _yes_no(value: bool) -> str:
    return _("yes") if value else _("no")


def assets_table(*, neighbourhood: Neighbourhood, year: int | None) -> tuple[list[str], list[list[object]]]:
    """Every asset up to and including the year, by category as on the asset map."""
    header = [_("Kind"), _("Asset"), _("Meeting place"), _("Recorded in"), _("Of whom"), _("Description")]
    rows: list[list[object]] = [
        [
            group.info.short,
            asset.name,
            _yes_no(asset.is_meeting_place),
            asset.year,
            str(asset.person or asset.organisation or ""),
            asset.description,
        ]
        for group in asset_map(neighbourhood=neighbourhood, year=year).groups
        for asset in group.assets
    ]
    return header, rows


def activities_table(
    *, neighbourhood: Neighbourhood, year: int | None
) -> tuple[list[str], list[list[object]]]:
    header = [
        _("Activity"), _("Year"), _("Started by"), _("Initiator"), _("Where"), _("Participants"),
        _("Of them by pseudonym"),
    ]  # fmt: skip
    rows: list[list[object]] = [
        [
            activity.title,
            activity.year,
            str(activity.get_initiated_by_display()).capitalize(),
            str(activity.initiator_person or activity.initiator_organisation or ""),
            activity.meeting_place.name if activity.meeting_place else "",
            activity.participant_count,
            activity.registered,  # type: ignore[attr-defined]  # annotated by the selector
        ]
        for activity in activities_for_year(neighbourhood=neighbourhood, year=year)
    ]
    return header, rows


def forms_table(
    *, submissions: Iterable[Submission], roles: dict[int, str]
) -> tuple[list[str], Iterable[Sequence[object]]]:
    header = [_("Form"), _("Year"), _("Date"), _("Entered by"), _("Role"), _("Imported")]
    rows = (
        [
            submission.form_version.title,
            submission.year,
            timezone.localdate(submission.submitted_at or submission.created_at),
            submission.submitted_by.get_username() if submission.submitted_by else _("unknown"),
            roles.get(submission.submitted_by_id or 0, ""),
            _yes_no(submission.source == "import"),
        ]
        for submission in submissions
    )
    return header, rows


def neighbourhoods_table(
    neighbourhoods: QuerySet[Neighbourhood],
) -> tuple[list[str], Iterable[Sequence[object]]]:
    """The start page's table: the neighbourhoods with their counts (``web.selectors.neighbourhoods_listed``)."""
    header = [_("Neighbourhood"), _("CBS code"), _("Municipality"), _("Programme"), _("Focus neighbourhood"),
              _("Fragments"), _("Activities")]  # fmt: skip
    rows = (
        [
            n.name,
            n.cbs_code,
            n.municipality_name,
            n.programme.name if n.programme else "",
            _yes_no(n.is_focus),
            n.fragment_total,  # type: ignore[attr-defined]  # counted by the selector
            n.activity_total,  # type: ignore[attr-defined]
        ]
        for n in neighbourhoods.iterator(chunk_size=1000)
    )
    return header, rows
