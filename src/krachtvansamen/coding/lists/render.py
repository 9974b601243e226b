"""HTML of the parts of the list pages that repeat: the fragments of a page and the filter selects.

Written out in Python rather than in template loops: 50 fragments with their codings through Django's
template engine cost more than everything else on the page together, and the list must stay cheap (one
waitress process serves it to many coders at once). Every text is escaped here; the templates print the
result as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from krachtvansamen.coding.lists.forms import FilterField
from krachtvansamen.coding.lists.selectors import ListedFragment
from krachtvansamen.coding.models import Instrument, SpeakerRole


def _e(text: object) -> str:
    return escape(str(text), quote=True)


def fragments_html(fragments: Sequence[ListedFragment], *, links: dict[int, str]) -> SafeString:
    """The list items (``<li>``) of one page of fragments: the text with the coded parts marked, where it
    comes from, who coded it, and whether it may be quoted."""
    # gettext outside the f-strings: makemessages does not look inside them.
    may, may_not = _e(_("may be quoted")), _e(_("not for quoting"))
    quotable = f'<span class="kvs-badge kvs-badge--quotable">{may}</span>'
    internal = f'<span class="kvs-badge kvs-badge--internal">{may_not}</span>'
    settled, suggested, part = _e(_("settled")), _e(_("suggested")), _e(_("part"))
    open_text, fragment_text = _e(_("Open in the workbench")), _e(_("fragment"))
    # The choices' labels once per page, not three lazy translations per fragment.
    instruments = {key: _e(label) for key, label in Instrument.choices}
    speakers = {key: _e(str(label)[:1].upper() + str(label)[1:]) for key, label in SpeakerRole.choices}
    out = []
    for f in fragments:
        text = "".join(
            f'<mark class="kvs-ls-mark">{_e(piece)}</mark>' if coded else _e(piece)
            for piece, coded in f.pieces
        )
        speaker = speakers.get(f.speaker_role) or _e(f.speaker_role)
        if f.pseudonym:
            speaker += f" ({_e(f.pseudonym)})"
        codes = []
        for c in f.codings:
            who = settled if c.settled else suggested if c.origin == "suggested" else _e(c.coder)
            extra = f" · {who}" if who else ""
            if c.start is not None:
                extra += f" · {part}"
            codes.append(f'<span class="kvs-code">{_e(c.label)}{extra}</span>')
        link = links.get(f.pk, "")
        if link:
            codes.append(
                f'<a class="utrecht-link kvs-ls-open" href="{_e(link)}">{open_text}'
                f'<span class="kvs-ls-sr-only"> ({fragment_text} {f.pk})</span></a>'
            )
        out.append(
            f'<li class="kvs-ls-item"><blockquote class="kvs-ls-text">{text}</blockquote>'
            f'<p class="utrecht-paragraph kvs-ls-meta"><span>{_e(f.neighbourhood)}</span> · <span>{f.year}</span>'
            f" · <span>{instruments.get(f.instrument) or _e(f.instrument)}</span> · <span>{speaker}</span> · "
            f"{quotable if f.quotable else internal}</p>"
            f'<p class="utrecht-paragraph kvs-ls-meta">{" ".join(codes)}</p></li>'
        )
    return mark_safe("".join(out))  # every text above is escaped


def filters_html(fields: Sequence[FilterField]) -> SafeString:
    """A labelled select per filter, in the Utrecht classes the workbench's queue uses."""
    out = []
    for field in fields:
        options = "".join(
            f'<option value="{_e(value)}"{" selected" if chosen else ""}>{_e(label)}</option>'
            for value, label, chosen in field.options
        )
        out.append(
            f'<div class="utrecht-form-field kvs-ls-filter"><label class="utrecht-form-label" '
            f'for="id_{field.name}">{_e(field.label)}</label><select class="utrecht-select '
            f'utrecht-select--html-select" name="{field.name}" id="id_{field.name}">{options}</select></div>'
        )
    return mark_safe("".join(out))  # every text above is escaped
