"""A Buurtbeeld goes out only after the neighbourhood has seen it (issue 12: residents' voice in the loop).

    draft ──(comments of residents recorded, corrections made in the data)──► checked ──► published

- ``version_start``: the community builder (or an admin) starts version N+1 of a buurt's Buurtbeeld for a year.
  While it is a draft, the report it stands for is the live Buurtbeeld: corrections made in the data show in it.
- ``comment_add`` / ``comment_mark_corrected``: what residents said about the draft, and whether it led to a
  correction.
- ``version_check``: the community builder (or an admin) went over it with residents. This freezes the version:
  the Buurtbeeld as it stands at that moment, rendered in Dutch the way the print and the PDF show it, is stored
  on the version; that is what gets published, word for word.
- ``version_publish``: the community builder, the programme's programme manager or an admin publishes a checked
  version. A draft cannot be published (``PublicationError`` with a Dutch message; the database refuses it too).
  A published version never changes; data that change later show in the live Buurtbeeld and in a next version.

Who may do what is asked of ``people.access`` (``user_checks_buurtbeeld``, ``user_manages_programme``).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Count, Max
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from krachtvansamen.analysis.years import check_year, data_years
from krachtvansamen.core.types import User
from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.people.access import user_checks_buurtbeeld, user_manages_programme
from krachtvansamen.reports import services
from krachtvansamen.reports.buurtbeeld import Buurtbeeld, buurtbeeld_report
from krachtvansamen.reports.models import BuurtbeeldComment, BuurtbeeldVersion

# The language a Buurtbeeld is frozen in: the neighbourhood's own.
PUBLICATION_LANGUAGE = "nl"
# Only the content block of the report: no page around it, no navigation (the print layout's content).
FROZEN_LAYOUT = "reports/frozen_content.html"
COMMENT_MAX_LENGTH = 2000
NOTE_MAX_LENGTH = 500


class PublicationError(ValueError):
    """A step that cannot be taken; the message says why, in the user's language."""


# --- who may ------------------------------------------------------------------------------------------------


def may_check(*, user: User, neighbourhood: Neighbourhood) -> bool:
    """Start a version, write down residents' comments, mark it checked: the buurt's community builder, an admin."""
    return user_checks_buurtbeeld(user=user, neighbourhood_id=neighbourhood.pk)


def may_publish(*, user: User, neighbourhood: Neighbourhood) -> bool:
    """Publish a checked version: those who check it, and the programme manager of the buurt's programme."""
    if may_check(user=user, neighbourhood=neighbourhood):
        return True
    programme_id = neighbourhood.programme_id
    return programme_id is not None and user_manages_programme(user=user, programme_id=programme_id)


def _require_check(user: User, neighbourhood: Neighbourhood) -> None:
    if not may_check(user=user, neighbourhood=neighbourhood):
        raise PermissionDenied(
            _(
                "Only the community builder of this neighbourhood (or an administrator) goes over the Buurtbeeld with residents."
            )
        )


def _require_publish(user: User, neighbourhood: Neighbourhood) -> None:
    if not may_publish(user=user, neighbourhood=neighbourhood):
        raise PermissionDenied(
            _(
                "Only the community builder of this neighbourhood, its programme manager or an administrator may publish the Buurtbeeld."
            )
        )


# --- the frozen content -------------------------------------------------------------------------------------


def content_html(report: Buurtbeeld) -> str:
    """The report's content as the print shows it, without a page around it (render inside the language it
    was built in)."""
    return services.report_html(
        report, pdf=True, extra={"layout": FROZEN_LAYOUT, "sees_data": True, "frozen": True}
    ).strip()


def fingerprint(html: str) -> str:
    return hashlib.sha256(html.encode("utf-8")).hexdigest()


def current_content(*, neighbourhood: Neighbourhood, year: int, report: Buurtbeeld | None = None) -> str:
    """The Buurtbeeld of today's data, rendered as it would be frozen (in Dutch). ``report``: one already built
    in Dutch, to save building it again. Raises ``NoDataForYear``."""
    with translation.override(PUBLICATION_LANGUAGE):
        if report is None:
            report = buurtbeeld_report(neighbourhood=neighbourhood, year=year)
        return content_html(report)


# --- reads --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PublicationState:
    """Where a buurt's Buurtbeeld of a year stands on its way out."""

    versions: list[BuurtbeeldVersion]  # oldest first, each with ``comment_count``
    open_version: BuurtbeeldVersion | None  # the draft or checked version, if any
    latest_published: BuurtbeeldVersion | None
    changed_since_published: bool | None  # None: nothing published (or not asked)
    may_check: bool
    may_publish: bool

    @property
    def published(self) -> list[BuurtbeeldVersion]:
        return [v for v in self.versions if v.status == BuurtbeeldVersion.Status.PUBLISHED]

    @property
    def may_start(self) -> bool:
        """A new version can be started: none is open, and nothing or something changed since publication."""
        return self.may_check and self.open_version is None and self.changed_since_published is not False


def versions_for(*, neighbourhood: Neighbourhood, year: int) -> list[BuurtbeeldVersion]:
    return list(
        BuurtbeeldVersion.objects.filter(neighbourhood=neighbourhood, year=year)
        .select_related("created_by", "checked_by", "published_by")
        .annotate(comment_count=Count("comments"))
        .defer("content_html")
        .order_by("number")
    )


def publication_state(
    *, neighbourhood: Neighbourhood, year: int, user: User, current_html: str | None = None
) -> PublicationState:
    """The versions of the Buurtbeeld, and whether today's data differ from the last published one
    (``current_html``: today's content as ``current_content`` renders it; without it that is not asked)."""
    versions = versions_for(neighbourhood=neighbourhood, year=year)
    open_version = next((v for v in versions if v.status != BuurtbeeldVersion.Status.PUBLISHED), None)
    published = [v for v in versions if v.status == BuurtbeeldVersion.Status.PUBLISHED]
    latest = published[-1] if published else None
    changed = None
    if latest is not None and current_html is not None:
        changed = fingerprint(current_html) != latest.content_hash
    return PublicationState(
        versions=versions, open_version=open_version, latest_published=latest, changed_since_published=changed,
        may_check=may_check(user=user, neighbourhood=neighbourhood),
        may_publish=may_publish(user=user, neighbourhood=neighbourhood),
    )  # fmt: skip


# --- the steps ----------------------------------------------------------------------------------------------


def _open_version_message(version: BuurtbeeldVersion) -> str:
    return _(
        "Version %(number)s of this Buurtbeeld is still on its way (%(status)s): finish it before starting another."
    ) % {"number": version.number, "status": version.get_status_display()}


def version_start(*, neighbourhood: Neighbourhood, year: int, user: User) -> BuurtbeeldVersion:
    """Start the next version as a draft. Refused while another version is open, and when nothing changed since
    the last published one. Raises ``NoDataForYear`` for a year without data."""
    _require_check(user, neighbourhood)
    check_year(year=year, years=data_years(neighbourhood_ids=[neighbourhood.pk]))
    published = BuurtbeeldVersion.objects.filter(neighbourhood=neighbourhood, year=year, status="published")
    # Today's content only matters next to a published version (and building it takes a moment).
    content = current_content(neighbourhood=neighbourhood, year=year) if published.exists() else ""
    with transaction.atomic():
        # Lock the buurt's row: two people starting at once get versions N and "already open", never two N's.
        Neighbourhood.objects.select_for_update().filter(pk=neighbourhood.pk).first()
        versions = BuurtbeeldVersion.objects.filter(neighbourhood=neighbourhood, year=year)
        open_version = versions.exclude(status=BuurtbeeldVersion.Status.PUBLISHED).first()
        if open_version is not None:
            raise PublicationError(_open_version_message(open_version))
        latest = versions.filter(status=BuurtbeeldVersion.Status.PUBLISHED).order_by("-number").first()
        if latest is not None and not content:  # published in the meantime
            content = current_content(neighbourhood=neighbourhood, year=year)
        if latest is not None and latest.content_hash == fingerprint(content):
            raise PublicationError(
                _(
                    "Nothing has changed since version %(number)s was published: there is nothing new to check."
                )
                % {"number": latest.number}
            )
        number = (versions.aggregate(last=Max("number"))["last"] or 0) + 1
        try:
            with transaction.atomic():
                return BuurtbeeldVersion.objects.create(
                    neighbourhood=neighbourhood, year=year, number=number, created_by_id=_user_id(user)
                )
        except IntegrityError:
            raise PublicationError(_("Someone else just started a version. Reload the page.")) from None


def _user_id(user: User) -> int | None:
    return user.pk if user.is_authenticated else None


def _locked(version: BuurtbeeldVersion) -> BuurtbeeldVersion:
    return BuurtbeeldVersion.objects.select_for_update().select_related("neighbourhood").get(pk=version.pk)


def _require_draft(version: BuurtbeeldVersion) -> None:
    if version.status != BuurtbeeldVersion.Status.DRAFT:
        raise PublicationError(
            _("Version %(number)s has already been checked with residents: comments can no longer be added.")
            % {"number": version.number}
        )


def _clean_text(text: str, *, limit: int, empty: str) -> str:
    cleaned = (text or "").strip()
    if not cleaned:
        raise PublicationError(empty)
    if len(cleaned) > limit:
        raise PublicationError(
            _("Keep it shorter: at most %(limit)s characters (now %(count)s).")
            % {"limit": limit, "count": len(cleaned)}
        )
    return cleaned


def comment_add(
    *, version: BuurtbeeldVersion, user: User, text: str, correction_made: bool = False
) -> BuurtbeeldComment:
    """Write down what residents said about the draft (and whether it was corrected in the data)."""
    _require_check(user, version.neighbourhood)
    cleaned = _clean_text(text, limit=COMMENT_MAX_LENGTH, empty=_("Write down what residents said."))
    with transaction.atomic():
        locked = _locked(version)
        _require_draft(locked)
        return BuurtbeeldComment.objects.create(
            version=locked, author_id=_user_id(user), text=cleaned, correction_made=correction_made
        )


def comment_mark_corrected(*, comment: BuurtbeeldComment, user: User) -> BuurtbeeldComment:
    """The correction a comment asked for has been made in the data."""
    _require_check(user, comment.version.neighbourhood)
    with transaction.atomic():
        locked = _locked(comment.version)
        _require_draft(locked)
        BuurtbeeldComment.objects.filter(pk=comment.pk).update(correction_made=True)
    comment.refresh_from_db()
    return comment


def version_check(*, version: BuurtbeeldVersion, user: User, note: str) -> BuurtbeeldVersion:
    """The draft has been gone over with residents: record how, and freeze the Buurtbeeld as it stands now.
    All or nothing: if the report cannot be rendered, the version stays a draft."""
    _require_check(user, version.neighbourhood)
    cleaned = _clean_text(
        note, limit=NOTE_MAX_LENGTH,
        empty=_("Write down how the Buurtbeeld was checked: with whom, where and when."),
    )  # fmt: skip
    with transaction.atomic():
        locked = _locked(version)
        if locked.status != BuurtbeeldVersion.Status.DRAFT:
            raise PublicationError(
                _("Version %(number)s has already been checked.") % {"number": locked.number}
            )
        html = current_content(neighbourhood=locked.neighbourhood, year=locked.year)
        locked.content_html, locked.content_hash = html, fingerprint(html)
        locked.check_note, locked.checked_by_id, locked.checked_at = cleaned, _user_id(user), timezone.now()
        locked.status = BuurtbeeldVersion.Status.CHECKED
        locked.save(
            update_fields=["content_html", "content_hash", "check_note", "checked_by", "checked_at", "status"]
        )
    return locked


def version_publish(*, version: BuurtbeeldVersion, user: User) -> BuurtbeeldVersion:
    """Publish a checked version, exactly as it was checked. A draft is refused, and nothing changes."""
    _require_publish(user, version.neighbourhood)
    with transaction.atomic():
        locked = _locked(version)
        if locked.status == BuurtbeeldVersion.Status.PUBLISHED:
            raise PublicationError(
                _("Version %(number)s has already been published.") % {"number": locked.number}
            )
        if locked.status != BuurtbeeldVersion.Status.CHECKED:
            raise PublicationError(
                _(
                    "This Buurtbeeld cannot be published yet: it has not been checked with residents. Go over the "
                    "draft with residents first, write down their comments and mark it as checked."
                )
            )
        locked.status = BuurtbeeldVersion.Status.PUBLISHED
        locked.published_by_id, locked.published_at = _user_id(user), timezone.now()
        locked.save(update_fields=["status", "published_by", "published_at"])
    return locked
