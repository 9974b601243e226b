"""Writes for documents: read an upload into a pending document, save it whole, delete it whole.

Nothing is written until the user has seen the preview and pressed "Opslaan": until then the pending
document lives in the user's session (``pending_*``). Saving writes the document, all its fragments and their
links in one transaction, so an error half-way leaves nothing behind.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import PurePath
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from krachtvansamen.coding.models import Fragment, SpeakerRole
from krachtvansamen.coding.services import NewFragment, fragments_delete, fragments_record
from krachtvansamen.core.types import User
from krachtvansamen.documents.extraction import DocumentInputError, check_text, extract_text
from krachtvansamen.documents.models import Document, DocumentFragment
from krachtvansamen.documents.selectors import document_find_duplicate
from krachtvansamen.documents.splitting import Speaker, SplitResult, normalise_text, split_text
from krachtvansamen.documents.upload import max_upload_bytes, max_upload_mb
from krachtvansamen.neighbourhoods.data_versions import data_versions_bump
from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.neighbourhoods.years import YearClosed, year_check_open
from krachtvansamen.people.services import recorder

SESSION_KEY = "documents_pending"
MAX_PENDING = 3  # per session: a few tabs at once, and old previews do not pile up
NO_SPEAKER = "-"  # the key for "text without a speaker" in the roles chosen on the preview


@dataclass
class PendingDocument:
    """An upload read and checked, waiting for the user's "Opslaan". Kept in the session as plain JSON."""

    cbs_code: str
    year: int
    instrument: str
    title: str
    original_name: str
    kind: str
    sha256: str
    size: int
    consent_level: str
    text: str
    note: str = ""
    pages: int | None = None
    detect_speakers: bool = True

    def split(self) -> SplitResult:
        # Splitting is a pure function of the text, so preview and save always agree.
        return split_text(self.text, detect_speakers=self.detect_speakers)


def too_big_message() -> str:
    limit = max_upload_mb()
    shown = formats.number_format(limit, decimal_pos=0 if limit == int(limit) else 1)
    return _("The file is too big: it may be at most %(max)s MB.") % {"max": shown}


def duplicate_message(document: Document) -> str:
    return _("This document was already uploaded on %(date)s (“%(title)s”).") % {
        "date": formats.date_format(timezone.localtime(document.created_at), "j F Y"),
        "title": document.title,
    }


def _check_year_open(year: int) -> None:
    try:
        year_check_open(year)
    except YearClosed as closed:
        raise DocumentInputError(str(closed)) from None


def document_prepare(
    *,
    neighbourhood: Neighbourhood,
    year: int,
    instrument: str,
    title: str,
    consent_level: str,
    upload: Any = None,
    pasted: str = "",
) -> PendingDocument:
    """Read an uploaded file or pasted text and check it. Raises DocumentInputError with the user's message."""
    _check_year_open(year)
    if upload is not None:
        limit = max_upload_bytes()
        if upload.size is not None and upload.size > limit:
            raise DocumentInputError(too_big_message())
        original_name = PurePath(upload.name or "").name[:255]
        upload.seek(0)
        data = upload.read(limit + 1)
        if len(data) > limit:
            raise DocumentInputError(too_big_message())
        extraction = extract_text(data=data, filename=original_name)
        text, kind, note, pages = extraction.text, extraction.kind, extraction.note, extraction.pages
        digest, size = hashlib.sha256(data).hexdigest(), len(data)
    else:
        text = normalise_text(pasted)
        check_text(text, empty_message=_("There are no words in the pasted text."))
        kind, note, pages, original_name = Document.Kind.PASTED, "", None, ""
        encoded = text.encode("utf-8")
        digest, size = hashlib.sha256(encoded).hexdigest(), len(encoded)
    duplicate = document_find_duplicate(neighbourhood=neighbourhood, sha256=digest)
    if duplicate is not None:
        raise DocumentInputError(duplicate_message(duplicate))
    if not split_text(text).pieces:
        raise DocumentInputError(_("There is no text in this file."))
    title = " ".join(title.split())[:200] or (PurePath(original_name).stem[:200] if original_name else "")
    if not title:
        title = _("Pasted text of %(date)s") % {"date": formats.date_format(timezone.localdate(), "j F Y")}
    return PendingDocument(
        cbs_code=neighbourhood.cbs_code,
        year=year,
        instrument=instrument,
        title=title,
        original_name=original_name,
        kind=kind,
        sha256=digest,
        size=size,
        consent_level=consent_level,
        text=text,
        note=note,
        pages=pages,
    )


def pending_store(*, session: Any, pending: PendingDocument) -> str:
    token = secrets.token_urlsafe(12)
    store = dict(session.get(SESSION_KEY, {}))
    store[token] = asdict(pending)
    # Only the newest few survive (dicts keep their order of insertion).
    session[SESSION_KEY] = dict(list(store.items())[-MAX_PENDING:])
    return token


def pending_get(*, session: Any, token: str, cbs_code: str) -> PendingDocument | None:
    data = session.get(SESSION_KEY, {}).get(token)
    if not data or data.get("cbs_code") != cbs_code:
        return None
    try:
        return PendingDocument(**data)
    except TypeError:  # stored by an older version of this code
        return None


def pending_update(*, session: Any, token: str, pending: PendingDocument) -> None:
    store = dict(session.get(SESSION_KEY, {}))
    if token in store:
        store[token] = asdict(pending)
        session[SESSION_KEY] = store


def pending_drop(*, session: Any, token: str) -> None:
    store = dict(session.get(SESSION_KEY, {}))
    if store.pop(token, None) is not None:
        session[SESSION_KEY] = store


def _role_chooser(split: SplitResult, roles: dict[str, str]) -> Callable[[str | None], str]:
    """A speaker key (None: text without a speaker) → the role chosen on the preview, else the suggested one."""
    valid_roles = set(SpeakerRole.values)
    speakers = {speaker.key: speaker for speaker in split.speakers}

    def role_of(key: str | None) -> str:
        chosen = roles.get(key if key is not None else NO_SPEAKER)
        if chosen in valid_roles:
            return chosen
        return speakers[key].role if key in speakers else SpeakerRole.UNKNOWN

    return role_of


def _document_write(
    *,
    pending: PendingDocument,
    split: SplitResult,
    neighbourhood: Neighbourhood,
    user: User,
    roles: dict[str, str],
) -> Document:
    """The document, its fragments (through coding.services) and the links between them. Inside a transaction."""
    duplicate = document_find_duplicate(neighbourhood=neighbourhood, sha256=pending.sha256)
    if duplicate is not None:
        raise DocumentInputError(duplicate_message(duplicate))
    document = Document.objects.create(
        neighbourhood=neighbourhood,
        year=pending.year,
        instrument=pending.instrument,
        title=pending.title,
        original_name=pending.original_name,
        kind=pending.kind,
        sha256=pending.sha256,
        size=pending.size,
        page_count=pending.pages,
        consent_level=pending.consent_level,
        uploaded_by=recorder(user),
    )
    role_of = _role_chooser(split, roles)
    fragments = fragments_record(
        neighbourhood_id=neighbourhood.pk,
        year=pending.year,
        instrument=pending.instrument,
        fragments=[
            NewFragment(
                text=piece.text, speaker_role=role_of(piece.speaker), consent_level=pending.consent_level
            )
            for piece in split.pieces
        ],
        user=document.uploaded_by,
        source=f"document:{document.pk}",
    )
    speakers: dict[str, Speaker] = {speaker.key: speaker for speaker in split.speakers}
    links = []
    for position, (piece, fragment) in enumerate(zip(split.pieces, fragments, strict=True), start=1):
        speaker = speakers.get(piece.speaker) if piece.speaker else None
        links.append(
            DocumentFragment(
                document=document,
                fragment=fragment,
                position=position,
                speaker_label=speaker.stored_label[:60] if speaker else "",
                speaker_number=speaker.number if speaker and speaker.is_name else None,
                timestamp=piece.time[:16],
            )
        )
    DocumentFragment.objects.bulk_create(links)
    data_versions_bump(neighbourhood_ids=[document.neighbourhood_id])  # bulk_create sends no signal
    return document


def document_create(
    *,
    pending: PendingDocument,
    neighbourhood: Neighbourhood,
    user: User,
    roles: dict[str, str] | None = None,
) -> Document:
    """Save the document, its fragments and their links: all of it, or (on any error) nothing.

    ``roles`` maps a speaker key (or NO_SPEAKER) to the SpeakerRole the user chose on the preview.
    The year is checked again: it may have been closed while the preview was open.
    """
    _check_year_open(pending.year)
    split = pending.split()
    if not split.pieces:
        raise DocumentInputError(_("There is no text in this file."))
    try:
        with transaction.atomic():
            return _document_write(
                pending=pending, split=split, neighbourhood=neighbourhood, user=user, roles=roles or {}
            )
    except IntegrityError:
        # Two saves of the same file at the same moment: the unique constraint lets one through.
        duplicate = document_find_duplicate(neighbourhood=neighbourhood, sha256=pending.sha256)
        if duplicate is None:
            raise
        raise DocumentInputError(duplicate_message(duplicate)) from None


def document_delete(*, document: Document) -> int:
    """Delete a document and every fragment that came from it (with their codings). Returns the count."""
    with transaction.atomic():
        count = fragments_delete(fragments=Fragment.objects.filter(document_link__document=document))
        document.delete()
    return count
