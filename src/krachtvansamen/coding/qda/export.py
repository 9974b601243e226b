"""REFI-QDA export: the codebook as a QDC file, a programme or a neighbourhood as a QDPX project.

QDC (``codebook_qdc``): the current codebook, codes nested by parent. Each code's GUID is derived from its
stable key (``ids.code_guid``), its name is the Dutch label, its description the Dutch definition followed by
``[kvs:key=<key>]`` so that the key travels even through a tool that makes new GUIDs. Groups (depth 0) are not
codable. A programme's own codes are included and say whose they are.

QDPX (``project_qdpx``): a zip with ``project.qde`` and one UTF-8 text file per source in ``sources/``.

- A *source* is a conversation, document or meeting (``Fragment.source``, e.g. "document:12"); fragments
  without one are grouped per neighbourhood, year and instrument. Its text is the fragments' texts in order,
  joined by a blank line (``SEPARATOR``).
- Each fragment is a ``PlainTextSelection`` over exactly its text, named "Fragment N", with the speaker's
  pseudonym (never a name), role and consent level in its description; its neighbourhood's case refers to it
  (``SelectionRef``). Codings of the whole fragment hang on that selection; a coding of a part gets a
  selection of its own over that part.
- Positions count Unicode code points (Python ``str`` indices, as ``Coding.start``/``end`` do), from 0, end
  exclusive. The text files are read as bytes, so no XML line-end normalisation shifts them.
- Every coding names its coder (``creatingUser``, users by username). A settled outcome refers to the note
  ``ids.SETTLED_NOTE_GUID``. Only codings made or confirmed by a person are exported, not suggestions.
- Neighbourhoods are cases with variables: CBS code, municipality, programme, focus, and the newest CBS
  figures. Sources carry year, instrument and our source key as variables.
- Memos are notes: a fragment's on its selection, a code's (within the exported programmes) on the code.

Who may export what is decided by ``export_scope`` (``people.access``); callers pass its neighbourhoods.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from lxml import etree

from krachtvansamen import __version__ as kvs_version
from krachtvansamen.coding.models import Coding, Fragment, Memo, ProgrammeCode
from krachtvansamen.coding.qda import ids
from krachtvansamen.coding.qda.validate import CODEBOOK_NS, PROJECT_NS, QdaError
from krachtvansamen.core.types import User
from krachtvansamen.framework.models import Code
from krachtvansamen.framework.selectors import codebook_current
from krachtvansamen.neighbourhoods.models import CbsRecord, Neighbourhood, Programme
from krachtvansamen.people.access import neighbourhoods_for_user

ORIGIN = "Kracht van Samen"
SEPARATOR = "\n\n"
KEY_MARKER = re.compile(r"\[kvs:key=([A-Za-z0-9_.]+)\]")
OWN_CODE_PREFIX = "Eigen code van programma "
# Characters XML 1.0 cannot hold; removed from names, descriptions and notes (never from source texts).
NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


@dataclass(frozen=True)
class Variable:
    key: str  # stable, for the GUID
    name: str  # what other tools show
    type: str  # REFI-QDA typeOfVariable

    @property
    def guid(self) -> str:
        return ids.variable_guid(self.key)


CASE_VARIABLES = {
    v.key: v
    for v in [
        Variable("cbs_code", "CBS-code", "Text"),
        Variable("municipality", "Gemeente", "Text"),
        Variable("programme", "Programma", "Text"),
        Variable("programme_slug", "Programma (korte naam)", "Text"),
        Variable("focus", "Focusbuurt", "Boolean"),
        Variable("cbs_year", "CBS-jaar", "Integer"),
        Variable("population", "Inwoners", "Integer"),
        Variable("age_0_15", "Inwoners 0-15 jaar", "Integer"),
        Variable("age_15_25", "Inwoners 15-25 jaar", "Integer"),
        Variable("age_25_45", "Inwoners 25-45 jaar", "Integer"),
        Variable("age_45_65", "Inwoners 45-65 jaar", "Integer"),
        Variable("age_65_plus", "Inwoners 65 jaar en ouder", "Integer"),
    ]
}
SOURCE_VARIABLES = {
    v.key: v
    for v in [
        Variable("year", "Jaar", "Integer"),
        Variable("instrument", "Instrument", "Text"),
        Variable("source", "Bron", "Text"),
    ]
}
CBS_FIGURES = ("population", "age_0_15", "age_15_25", "age_25_45", "age_45_65", "age_65_plus")


def xml_text(value: str) -> str:
    return NOT_XML.sub("", value)


def code_description(code: Code, *, programme: Programme | None) -> str:
    parts = [code.definition_nl.strip()] if code.definition_nl.strip() else []
    if programme is not None:
        parts.append(f"{OWN_CODE_PREFIX}{programme.name} ({programme.slug}).")
    parts.append(f"[kvs:key={code.key}]")
    return xml_text("\n\n".join(parts))


# --- scope and access -------------------------------------------------------------------------------------


def export_scope(
    *, user: User, programme: str | None = None, neighbourhood: str | None = None
) -> tuple[QuerySet[Neighbourhood], str]:
    """The neighbourhoods of one programme (slug) or one neighbourhood (CBS code) that the user may see the
    raw data of, and a name for the project. Refuses a scope the user may not see, or no scope at all."""
    allowed = neighbourhoods_for_user(user=user)
    if neighbourhood:
        found = allowed.filter(cbs_code=neighbourhood).select_related("programme")
        first = found.first()
        if first is None:
            raise QdaError(_("You cannot export neighbourhood %(code)s.") % {"code": neighbourhood})
        return found, f"{ORIGIN} – {first.name} ({first.cbs_code})"
    if programme:
        found = allowed.filter(programme__slug=programme)
        first_programme = Programme.objects.filter(slug=programme).first()
        if first_programme is None or not found.exists():
            raise QdaError(_("You cannot export programme %(slug)s.") % {"slug": programme})
        return found, f"{ORIGIN} – {first_programme.name}"
    raise QdaError(_("Choose a programme or a neighbourhood to export."))


# --- the codebook -----------------------------------------------------------------------------------------


@dataclass
class _CodeTree:
    codes: list[Code]
    children: dict[int | None, list[Code]] = field(default_factory=lambda: defaultdict(list))
    owner: dict[str, Programme] = field(default_factory=dict)


def _code_tree(*, programmes: Sequence[Programme] | None, extra: Iterable[Code] = ()) -> _CodeTree:
    """The current codebook's codes, without the own codes of programmes outside ``programmes`` (None: all),
    plus ``extra`` codes (of older versions, still used by codings) under their parent key when present."""
    codebook = codebook_current()
    codes = list(codebook.codes.order_by("position")) if codebook else []
    owners = {
        own.key: own.programme for own in ProgrammeCode.objects.select_related("programme").order_by("pk")
    }
    allowed = None if programmes is None else {p.pk for p in programmes}
    hidden = {key for key, programme in owners.items() if allowed is not None and programme.pk not in allowed}
    kept = [code for code in codes if code.key not in hidden and not _under_hidden(code.key, hidden)]
    tree = _CodeTree(codes=kept, owner={key: p for key, p in owners.items() if key not in hidden})
    by_key = {code.key: code for code in kept}
    for code in kept:
        tree.children[code.parent_id].append(code)
    for code in extra:
        if code.key in by_key:
            continue
        parent_key = code.key.rsplit(".", 1)[0] if "." in code.key else ""
        parent = by_key.get(parent_key)
        tree.children[parent.pk if parent else None].append(code)
        by_key[code.key] = code
        tree.codes.append(code)
    return tree


def _under_hidden(key: str, hidden: set[str]) -> bool:
    return any(key.startswith(other + ".") for other in hidden)


def _code_elements(
    parent: etree._Element,
    namespace: str,
    tree: _CodeTree,
    parent_pk: int | None,
    notes: dict[str, list[str]] | None = None,
) -> None:
    for code in tree.children.get(parent_pk, []):
        element = etree.SubElement(
            parent,
            f"{{{namespace}}}Code",
            guid=ids.code_guid(code.key),
            name=xml_text(code.label_nl or code.key),
            isCodable="true" if code.depth > 0 else "false",
        )
        etree.SubElement(element, f"{{{namespace}}}Description").text = code_description(
            code, programme=tree.owner.get(code.key)
        )
        for note in (notes or {}).get(code.key, []):
            etree.SubElement(element, f"{{{namespace}}}NoteRef", targetGUID=note)
        _code_elements(element, namespace, tree, code.pk, notes)


def codebook_qdc(*, programmes: Sequence[Programme] | None = None) -> bytes:
    """The current codebook as a REFI-QDA codebook (.qdc). ``programmes``: whose own codes to include
    (None: every programme's)."""
    tree = _code_tree(programmes=programmes)
    if not tree.codes:
        raise QdaError(_("There is no codebook to export yet."))
    root = etree.Element(f"{{{CODEBOOK_NS}}}CodeBook", nsmap={None: CODEBOOK_NS})
    root.set("origin", f"{ORIGIN} {kvs_version}")
    codes = etree.SubElement(root, f"{{{CODEBOOK_NS}}}Codes")
    _code_elements(codes, CODEBOOK_NS, tree, None)
    return etree.tostring(root, xml_declaration=True, encoding="utf-8", pretty_print=True)


# --- the project ------------------------------------------------------------------------------------------


def _time(value) -> str:  # type: ignore[no-untyped-def]
    return value.isoformat(timespec="seconds") if value else ""


def _value(parent: etree._Element, variable: Variable, value: object) -> None:
    element = etree.SubElement(parent, f"{{{PROJECT_NS}}}VariableValue")
    etree.SubElement(element, f"{{{PROJECT_NS}}}VariableRef", targetGUID=variable.guid)
    tag = {"Text": "TextValue", "Boolean": "BooleanValue", "Integer": "IntegerValue"}[variable.type]
    if isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = xml_text(str(value))
    etree.SubElement(element, f"{{{PROJECT_NS}}}{tag}").text = text


def fragment_description(fragment: Fragment) -> str:
    lines = []
    if fragment.speaker_id is not None and fragment.speaker is not None:
        lines.append(f"Spreker: {fragment.speaker.pseudonym}")
    lines.append(f"Rol: {fragment.speaker_role}")
    lines.append(f"Toestemming: {fragment.consent_level}")
    return xml_text("\n".join(lines))


@dataclass
class _Source:
    guid: str
    neighbourhood: Neighbourhood
    year: int
    instrument: str
    key: str
    fragments: list[Fragment] = field(default_factory=list)


def _sources(fragments: Iterable[Fragment]) -> list[_Source]:
    sources: dict[tuple[int, int, str, str], _Source] = {}
    for fragment in fragments:
        key = (fragment.neighbourhood_id, fragment.year, fragment.instrument, fragment.source)
        source = sources.get(key)
        if source is None:
            source = sources[key] = _Source(
                guid=ids.source_guid(
                    cbs_code=fragment.neighbourhood.cbs_code,
                    year=fragment.year,
                    instrument=fragment.instrument,
                    source=fragment.source,
                ),
                neighbourhood=fragment.neighbourhood,
                year=fragment.year,
                instrument=fragment.instrument,
                key=fragment.source,
            )
        source.fragments.append(fragment)
    return list(sources.values())


class _ProjectBuilder:
    def __init__(self, *, neighbourhoods: QuerySet[Neighbourhood], name: str) -> None:
        self.neighbourhoods = list(neighbourhoods.select_related("programme").order_by("cbs_code"))
        self.name = name
        self.users: dict[str, str] = {}  # username -> guid
        self.files: dict[str, bytes] = {}
        self.root = etree.Element(f"{{{PROJECT_NS}}}Project", nsmap={None: PROJECT_NS})

    def el(self, parent: etree._Element, tag: str, **attributes: str) -> etree._Element:
        return etree.SubElement(parent, f"{{{PROJECT_NS}}}{tag}", **attributes)

    def user(self, account) -> str | None:  # type: ignore[no-untyped-def]
        if account is None:
            return None
        username = account.get_username()
        return self.users.setdefault(username, ids.user_guid(username))

    def build(self) -> bytes:
        # Filtered by neighbourhood ids, not by a list of fragments: no huge IN (...) for a whole programme.
        scope = [neighbourhood.pk for neighbourhood in self.neighbourhoods]
        fragments = list(
            Fragment.objects.filter(neighbourhood_id__in=scope)
            .select_related("neighbourhood", "speaker", "recorded_by")
            .order_by("neighbourhood__cbs_code", "year", "instrument", "source", "position", "pk")
        )
        codings = list(
            Coding.objects.filter(Coding.by_a_person(), fragment__neighbourhood_id__in=scope)
            .select_related("code", "coder")
            .order_by("fragment_id", "start", "end", "pk")
        )
        programmes = sorted({n.programme for n in self.neighbourhoods if n.programme}, key=lambda p: p.pk)
        fragment_memos = list(
            Memo.objects.filter(fragment__neighbourhood_id__in=scope).select_related("author").order_by("pk")
        )
        code_memos = list(
            Memo.objects.filter(code__isnull=False, programme__in=programmes).select_related("author", "code")
        )
        tree = _code_tree(programmes=programmes, extra=[coding.code for coding in codings])
        self.root.set("name", xml_text(self.name))
        self.root.set("origin", f"{ORIGIN} {kvs_version}")
        self.root.set("creationDateTime", _time(timezone.now()))
        users_element = self.el(self.root, "Users")
        if tree.codes:
            codebook = self.el(self.root, "CodeBook")
            code_notes: dict[str, list[str]] = defaultdict(list)
            for memo in code_memos:
                if memo.code is not None:
                    code_notes[memo.code.key].append(ids.memo_guid(memo.pk))
            _code_elements(self.el(codebook, "Codes"), PROJECT_NS, tree, None, code_notes)
        variables = self.el(self.root, "Variables")
        for variable in [*CASE_VARIABLES.values(), *SOURCE_VARIABLES.values()]:
            self.el(
                variables, "Variable", guid=variable.guid, name=variable.name, typeOfVariable=variable.type
            )
        sources = _sources(fragments)
        self._cases(sources)
        if sources:
            self._sources(sources, codings, fragment_memos)
        self._notes(fragment_memos, code_memos, settled=any(coding.settled for coding in codings))
        for username, guid in sorted(self.users.items()):
            self.el(users_element, "User", guid=guid, name=xml_text(username), id=xml_text(username))
        if not len(users_element):
            self.root.remove(users_element)
        project = etree.tostring(self.root, xml_declaration=True, encoding="utf-8", pretty_print=True)
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("project.qde", project)
            for name, content in self.files.items():
                archive.writestr(f"sources/{name}", content)
        return buffer.getvalue()

    def _cases(self, sources: list[_Source]) -> None:
        figures: dict[str, CbsRecord] = {}
        for row in CbsRecord.objects.filter(
            region_code__in=[n.cbs_code for n in self.neighbourhoods], kind=CbsRecord.Kind.NEIGHBOURHOOD
        ).order_by("year"):
            figures[row.region_code] = row  # the newest year wins
        cases = self.el(self.root, "Cases")
        per_neighbourhood: dict[int, list[_Source]] = defaultdict(list)
        for source in sources:
            per_neighbourhood[source.neighbourhood.pk].append(source)
        for neighbourhood in self.neighbourhoods:
            case = self.el(
                cases, "Case", guid=ids.case_guid(neighbourhood.cbs_code), name=xml_text(neighbourhood.name)
            )
            values: list[tuple[str, object]] = [("cbs_code", neighbourhood.cbs_code)]
            if neighbourhood.municipality_name:
                values.append(("municipality", neighbourhood.municipality_name))
            if neighbourhood.programme:
                values += [
                    ("programme", neighbourhood.programme.name),
                    ("programme_slug", neighbourhood.programme.slug),
                ]
            values.append(("focus", neighbourhood.is_focus))
            record = figures.get(neighbourhood.cbs_code)
            if record is not None:
                values.append(("cbs_year", record.year))
                values += [
                    (name, getattr(record, name)) for name in CBS_FIGURES if getattr(record, name) is not None
                ]
            for key, value in values:
                _value(case, CASE_VARIABLES[key], value)
            mine = per_neighbourhood.get(neighbourhood.pk, [])
            for source in mine:
                self.el(case, "SourceRef", targetGUID=source.guid)
            for source in mine:
                for fragment in source.fragments:
                    self.el(case, "SelectionRef", targetGUID=ids.fragment_guid(fragment.pk))
        if not len(cases):
            self.root.remove(cases)

    def _sources(self, sources: list[_Source], codings: list[Coding], memos: list[Memo]) -> None:
        per_fragment: dict[int, list[Coding]] = defaultdict(list)
        for coding in codings:
            per_fragment[coding.fragment_id].append(coding)
        memos_of: dict[int, list[Memo]] = defaultdict(list)
        for memo in memos:
            if memo.fragment_id is not None:
                memos_of[memo.fragment_id].append(memo)
        element = self.el(self.root, "Sources")
        for source in sources:
            self._source(element, source, per_fragment, memos_of)

    def _source(
        self,
        parent: etree._Element,
        source: _Source,
        per_fragment: dict[int, list[Coding]],
        memos_of: dict[int, list[Memo]],
    ) -> None:
        label = dict(Fragment._meta.get_field("instrument").choices or []).get(
            source.instrument, source.instrument
        )
        name = f"{source.neighbourhood.name} {source.year} – {label}"
        if source.key:
            name += f" ({source.key})"
        text_source = self.el(
            parent,
            "TextSource",
            guid=source.guid,
            name=xml_text(name),
            plainTextPath=f"internal://{source.guid}.txt",
        )
        texts: list[str] = []
        offset = 0
        for fragment in source.fragments:
            if texts:
                offset += len(SEPARATOR)
            self._fragment(text_source, fragment, offset, per_fragment.get(fragment.pk, []), memos_of)
            texts.append(fragment.text)
            offset += len(fragment.text)
        self.files[f"{source.guid}.txt"] = SEPARATOR.join(texts).encode("utf-8")
        _value(text_source, SOURCE_VARIABLES["year"], source.year)
        _value(text_source, SOURCE_VARIABLES["instrument"], source.instrument)
        if source.key:
            _value(text_source, SOURCE_VARIABLES["source"], source.key)

    def _fragment(
        self,
        text_source: etree._Element,
        fragment: Fragment,
        offset: int,
        codings: list[Coding],
        memos_of: dict[int, list[Memo]],
    ) -> None:
        selection = self.el(
            text_source,
            "PlainTextSelection",
            guid=ids.fragment_guid(fragment.pk),
            name=f"Fragment {fragment.position}",
            startPosition=str(offset),
            endPosition=str(offset + len(fragment.text)),
        )
        if fragment.recorded_by_id is not None:
            selection.set("creatingUser", self.user(fragment.recorded_by) or "")
        selection.set("creationDateTime", _time(fragment.created_at))
        self.el(selection, "Description").text = fragment_description(fragment)
        spans: dict[tuple[int, int], list[Coding]] = defaultdict(list)
        for coding in codings:
            if coding.start is None or coding.end is None:
                self._coding(selection, coding)
            else:
                spans[(coding.start, coding.end)].append(coding)
        for memo in memos_of.get(fragment.pk, []):
            self.el(selection, "NoteRef", targetGUID=ids.memo_guid(memo.pk))
        for (start, end), part in sorted(spans.items()):
            span = self.el(
                text_source,
                "PlainTextSelection",
                guid=ids.span_guid(fragment.pk, start, end),
                name=xml_text(fragment.text[start:end][:60]),
                startPosition=str(offset + start),
                endPosition=str(offset + end),
            )
            for coding in part:
                self._coding(span, coding)

    def _coding(self, parent: etree._Element, coding: Coding) -> None:
        element = self.el(parent, "Coding", guid=ids.coding_guid(coding.pk))
        creator = self.user(coding.coder)
        if creator:
            element.set("creatingUser", creator)
        element.set("creationDateTime", _time(coding.created_at))
        self.el(element, "CodeRef", targetGUID=ids.code_guid(coding.code.key))
        if coding.settled:
            self.el(element, "NoteRef", targetGUID=ids.SETTLED_NOTE_GUID)

    def _notes(self, fragment_memos: list[Memo], code_memos: list[Memo], *, settled: bool) -> None:
        memos = [*fragment_memos, *code_memos]
        if not memos and not settled:
            return
        notes = self.el(self.root, "Notes")
        if settled:
            note = self.el(notes, "Note", guid=ids.SETTLED_NOTE_GUID, name="Vastgestelde uitkomst")
            self.el(note, "PlainTextContent").text = (
                "Codering die de uitkomst is van het beslechten van een verschil tussen codeurs. "
                "Settled outcome of a disagreement between coders."
            )
        for memo in memos:
            note = self.el(notes, "Note", guid=ids.memo_guid(memo.pk), name="Memo")
            author = self.user(memo.author)
            if author:
                note.set("creatingUser", author)
            note.set("creationDateTime", _time(memo.created_at))
            self.el(note, "PlainTextContent").text = xml_text(memo.text)


def project_qdpx(*, neighbourhoods: QuerySet[Neighbourhood], name: str) -> bytes:
    """These neighbourhoods' fragments, codings, codes, coders, cases and memos as a REFI-QDA project (.qdpx).

    The caller decides the scope (``export_scope``): only neighbourhoods the user may see the raw data of.
    """
    return _ProjectBuilder(neighbourhoods=neighbourhoods, name=name).build()
