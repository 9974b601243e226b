"""REFI-QDA import: a codebook (.qdc) or a project (.qdpx, or a bare project.qde), made by us or another tool.

All or nothing: the whole file is read, repaired where a known harmless deviation allows it
(``validate.repair``), validated against the official schema and checked (codes, offsets, access) before
anything is written, and everything is written in one transaction. A file that is malformed or cannot be
mapped changes nothing and says why.

Mapping decisions
-----------------
- **Codes**: a code whose GUID is ours (``ids.code_guid``) or whose description names our key
  (``[kvs:key=...]``) is that code of the current codebook. Any other code becomes an own code of a programme
  (``coding.services.own_code_add``): of ``programme`` when given, for a project else of the programme of the
  neighbourhoods imported into; without a programme, new codes are refused. It goes under its parent in the
  file; a top-level new code goes under ``under`` (a key of ours), else it is refused. Importing the same
  codebook again finds the own codes made the first time (same key, same programme) and makes no new ones.
- **Sources**: each text source becomes the fragments of one neighbourhood, year and instrument. The
  neighbourhood, year and instrument given to the import win; else our own case and source variables
  (CBS code, "Jaar", "Instrument") say; else the import is refused. In our own exports, the selections a case
  refers to are the fragments (split exactly there); a source from another tool becomes one fragment.
- **Offsets**: positions are Unicode code points from 0, end exclusive, as in our export and in
  ``Coding.start``/``end``. A selection outside its text is refused; an empty one is skipped and reported.
  A coding on a fragment's own selection (or on the whole source) codes the whole fragment.
- **Users**: a coding's ``creatingUser`` is matched by name to a username here. Codings (and memos) of users
  that do not exist here are recorded as the importing user's, and the report names those users: nobody gets
  an account through an import.
- **Settled outcome**: a coding that refers to our "settled" note becomes a settled coding.
- Notes on fragments, selections, codings and sources become memos on the fragment; notes on codes memos on
  the code (within the programme).

Safety: the upload, the zip's members and their total size are limited, member names with ``..`` or an
absolute path are refused, sources are only read from the zip's ``sources/`` folder (``internal://``), and
XML is parsed without DTDs, entities or network (``validate.xml_parse``).
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from lxml import etree

from krachtvansamen.coding.models import Coding, Fragment, Instrument, Memo, ProgrammeCode, SpeakerRole
from krachtvansamen.coding.qda import ids
from krachtvansamen.coding.qda.export import (
    CASE_VARIABLES,
    KEY_MARKER,
    ORIGIN,
    OWN_CODE_PREFIX,
    SOURCE_VARIABLES,
)
from krachtvansamen.coding.qda.validate import (
    CODEBOOK_NS,
    PROJECT_NS,
    QdaError,
    repair,
    validate_or_refuse,
    xml_parse,
)
from krachtvansamen.coding.services import (
    CodingError,
    NewFragment,
    fragments_record,
    fragments_state_refresh,
    memo_save,
    own_code_add,
)
from krachtvansamen.core.types import User
from krachtvansamen.framework.models import Code
from krachtvansamen.framework.selectors import codes_current
from krachtvansamen.framework.services import CodebookError
from krachtvansamen.neighbourhoods.data_versions import data_versions_bump_everything
from krachtvansamen.neighbourhoods.models import Neighbourhood, Programme
from krachtvansamen.people.access import neighbourhoods_codable_for_user, programmes_for_own_codes
from krachtvansamen.people.models import Consent
from krachtvansamen.people.services import recorder

MB = 1024 * 1024
MAX_FILE_BYTES = 50 * MB  # the file as uploaded
MAX_MEMBER_BYTES = 100 * MB  # one file inside the zip, unpacked
MAX_UNPACKED_BYTES = 200 * MB  # all files inside the zip, unpacked
MAX_MEMBERS = 20_000
LABEL_MAX = 200
KEY_MAX = 150


@dataclass
class ImportOptions:
    """What the person importing chose. ``under`` is a key of the current codebook."""

    programme: Programme | None = None
    under: str = ""
    neighbourhood: Neighbourhood | None = None
    year: int | None = None
    instrument: str = ""


@dataclass
class ImportResult:
    kind: str  # "qdc" or "qdpx"
    codes_matched: int = 0
    codes_created: int = 0
    codes_reused: int = 0
    fragments: int = 0
    codings: int = 0
    memos: int = 0
    adjustments: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> list[str]:
        """The outcome as sentences, for the command line and the web page."""
        lines = [
            ngettext(
                "%(n)s code matched a code of ours.", "%(n)s codes matched codes of ours.", self.codes_matched
            )
            % {"n": self.codes_matched},
            ngettext("%(n)s own code added.", "%(n)s own codes added.", self.codes_created)
            % {"n": self.codes_created},
        ]
        if self.codes_reused:
            lines.append(
                ngettext(
                    "%(n)s own code was already there from an earlier import.",
                    "%(n)s own codes were already there from an earlier import.",
                    self.codes_reused,
                )
                % {"n": self.codes_reused}
            )
        if self.kind == "qdpx":
            lines.append(
                _("%(fragments)s fragments, %(codings)s codings and %(memos)s memos imported.")
                % {"fragments": self.fragments, "codings": self.codings, "memos": self.memos}
            )
        return lines + self.notes


# --- reading the file -------------------------------------------------------------------------------------


class _Package:
    """A .qdpx zip, read member by member with size limits; nothing is extracted to disk."""

    def __init__(self, data: bytes) -> None:
        try:
            self.archive = zipfile.ZipFile(io.BytesIO(data))
            infos = self.archive.infolist()
        except (zipfile.BadZipFile, OSError, ValueError):
            raise QdaError(_("The file is not a readable QDPX (zip) file. Nothing was imported.")) from None
        if len(infos) > MAX_MEMBERS:
            raise QdaError(_("The QDPX file holds too many files. Nothing was imported."))
        if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
            raise QdaError(_("The QDPX file is too large when unpacked. Nothing was imported."))
        self.members: dict[str, zipfile.ZipInfo] = {}
        for info in infos:
            name = info.filename.replace("\\", "/")
            if name.startswith("/") or ".." in name.split("/") or re.match(r"^[A-Za-z]:", name):
                raise QdaError(
                    _("The QDPX file contains an unsafe file name (%(name)s). Nothing was imported.")
                    % {"name": info.filename}
                )
            self.members[name.lower()] = info
        self.read_total = 0

    def read(self, name: str) -> bytes | None:
        info = self.members.get(name.lower())
        if info is None:
            return None
        try:
            with self.archive.open(info) as member:
                content = member.read(MAX_MEMBER_BYTES + 1)
        except (zipfile.BadZipFile, RuntimeError, OSError, EOFError, zlib.error, NotImplementedError):
            raise QdaError(
                _("%(name)s in the QDPX file cannot be read. Nothing was imported.") % {"name": info.filename}
            ) from None
        self.read_total += len(content)
        if len(content) > MAX_MEMBER_BYTES or self.read_total > MAX_UNPACKED_BYTES:
            raise QdaError(_("The QDPX file is too large when unpacked. Nothing was imported."))
        return content

    def project(self) -> bytes:
        content = self.read("project.qde")
        if content is None:
            raise QdaError(_("The QDPX file has no project.qde. Nothing was imported."))
        return content


def _text_of_file(content: bytes, *, what: str, adjustments: list[str]) -> str:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        raise QdaError(_("%(what)s is not UTF-8 text. Nothing was imported.") % {"what": what}) from None
    if text.startswith("\ufeff"):
        adjustments.append(_("byte order mark removed from %(what)s") % {"what": what})
        text = text[1:]
    return text


def _q(namespace: str, tag: str) -> str:
    return f"{{{namespace}}}{tag}"


# --- codes ------------------------------------------------------------------------------------------------


@dataclass
class _CodeNode:
    guid: str
    name: str
    description: str
    children: list[_CodeNode]
    notes: list[str]


def _code_nodes(parent: etree._Element, namespace: str) -> list[_CodeNode]:
    nodes = []
    for element in parent.findall(_q(namespace, "Code")):
        description = element.find(_q(namespace, "Description"))
        nodes.append(
            _CodeNode(
                guid=ids.guid_normal(element.get("guid", "")),
                name=(element.get("name") or "").strip(),
                description=(description.text or "") if description is not None else "",
                children=_code_nodes(element, namespace),
                notes=[
                    ids.guid_normal(ref.get("targetGUID", ""))
                    for ref in element.findall(_q(namespace, "NoteRef"))
                ],
            )
        )
    return nodes


def _walk(nodes: list[_CodeNode]) -> Iterable[_CodeNode]:
    for node in nodes:
        yield node
        yield from _walk(node.children)


def _suffix(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    suffix = re.sub(r"[^a-z0-9]+", "_", ascii_name).strip("_") or "code"
    return suffix if suffix[0].isalpha() else f"c_{suffix}"


def _definition(description: str) -> str:
    """A description without our own markers (the key, "own code of ...")."""
    text = KEY_MARKER.sub("", description)
    lines = [line for line in text.splitlines() if not line.startswith(OWN_CODE_PREFIX)]
    return "\n".join(lines).strip()


class _CodeMapper:
    """Maps the file's codes onto ours; plans the new ones first so that problems are found before writes."""

    def __init__(self, *, user: User, options: ImportOptions, result: ImportResult) -> None:
        self.user = user
        self.options = options
        self.result = result
        current = list(codes_current())
        self.by_guid = {ids.code_guid(code.key): code for code in current}
        self.by_key = {code.key: code for code in current}
        self.owners = dict(ProgrammeCode.objects.values_list("key", "programme_id"))
        self.mapped: dict[str, Code] = {}

    def _ours(self, node: _CodeNode) -> Code | None:
        code = self.by_guid.get(node.guid)
        if code is None:
            marker = KEY_MARKER.search(node.description)
            code = self.by_key.get(marker.group(1)) if marker else None
        return code

    def check(self, nodes: list[_CodeNode], *, programme: Programme | None) -> None:
        """Refuse before any write: new codes without a programme or without a place to go."""
        new_top: list[str] = []
        new_any: list[str] = []

        def visit(node: _CodeNode, parent_known: bool) -> None:
            ours = self._ours(node)
            if ours is None:
                new_any.append(node.name)
                if not parent_known and not self.options.under:
                    new_top.append(node.name)
            for child in node.children:
                visit(child, True)

        for node in nodes:
            visit(node, False)
        seen = [node.guid for node in _walk(nodes)]
        if len(seen) != len(set(seen)):
            raise QdaError(_("The file uses the same code GUID twice. Nothing was imported."))
        if not new_any:
            return
        if programme is None:
            raise QdaError(
                _(
                    "These codes are not in our codebook: %(names)s. Choose the programme they become own codes of. Nothing was imported."
                )
                % {"names": _names(new_any)}
            )
        if not programmes_for_own_codes(user=self.user).filter(pk=programme.pk).exists():
            raise QdaError(
                _("You cannot add codes to programme %(name)s. Nothing was imported.")
                % {"name": programme.name}
            )
        if new_top:
            raise QdaError(
                _(
                    "These new codes have no parent in our codebook: %(names)s. Choose a code to put them under. Nothing was imported."
                )
                % {"names": _names(new_top)}
            )
        if self.options.under and self.options.under not in self.by_key:
            raise QdaError(
                _("Code %(key)s is not in the current codebook. Nothing was imported.")
                % {"key": self.options.under}
            )

    def apply(self, nodes: list[_CodeNode], *, programme: Programme | None) -> dict[str, Code]:
        under = self.by_key.get(self.options.under) if self.options.under else None
        for node in nodes:
            self._apply(node, parent=None, under=under, programme=programme)
        return self.mapped

    def _apply(
        self, node: _CodeNode, *, parent: Code | None, under: Code | None, programme: Programme | None
    ) -> None:
        code = self._ours(node)
        if code is not None:
            self.result.codes_matched += 1
        else:
            place = parent or under
            assert place is not None and programme is not None  # check() refused otherwise
            code = self._new(node, parent=place, programme=programme)
        self.mapped[node.guid] = code
        for child in node.children:
            self._apply(child, parent=code, under=under, programme=programme)

    def _new(self, node: _CodeNode, *, parent: Code, programme: Programme) -> Code:
        base = _suffix(node.name or "code")[: max(1, KEY_MAX - len(parent.key) - 5)]
        suffix, number = base, 1
        while f"{parent.key}.{suffix}" in self.by_key:
            key = f"{parent.key}.{suffix}"
            if self.owners.get(key) == programme.pk:
                self.result.codes_reused += 1
                return self.by_key[key]
            number += 1
            suffix = f"{base}_{number}"
        if len(parent.key) + 1 + len(suffix) > KEY_MAX:
            raise QdaError(
                _("Code %(name)s is nested too deeply to be added. Nothing was imported.")
                % {"name": node.name}
            )
        label = (node.name or suffix)[:LABEL_MAX]
        try:
            code = own_code_add(
                programme=programme, parent=parent, suffix=suffix, label_nl=label,
                definition_nl=_definition(node.description), user=self.user,
            )  # fmt: skip
        except (CodingError, CodebookError) as error:
            raise QdaError(
                _("Code %(name)s cannot be added: %(error)s Nothing was imported.")
                % {"name": node.name, "error": error}
            ) from None
        self.by_key[code.key] = code
        self.owners[code.key] = programme.pk
        self.result.codes_created += 1
        return code


def _names(names: list[str], limit: int = 8) -> str:
    shown = ", ".join(f"“{name}”" for name in names[:limit])
    return shown + (" …" if len(names) > limit else "")


# --- the codebook file ------------------------------------------------------------------------------------


def _import_codebook(
    root: etree._Element, *, user: User, options: ImportOptions, result: ImportResult
) -> None:
    codes = root.find(_q(CODEBOOK_NS, "Codes"))
    nodes = _code_nodes(codes, CODEBOOK_NS) if codes is not None else []
    mapper = _CodeMapper(user=user, options=options, result=result)
    mapper.check(nodes, programme=options.programme)
    with transaction.atomic():
        mapper.apply(nodes, programme=options.programme)


# --- the project file -------------------------------------------------------------------------------------


@dataclass
class _Coding:
    code: str  # GUID
    user: str  # GUID or ""
    settled: bool
    notes: list[str]


@dataclass
class _Selection:
    guid: str
    start: int
    end: int
    description: str
    codings: list[_Coding]
    notes: list[str]


@dataclass
class _PlannedFragment:
    text: str
    speaker_role: str = SpeakerRole.UNKNOWN
    consent_level: str = Consent.Level.INTERNAL
    # (code GUID, user GUID, start, end, settled); start/end None = the whole fragment
    codings: list[tuple[str, str, int | None, int | None, bool]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _one_line_break(fragment: _PlannedFragment) -> _PlannedFragment:
    """``fragments_record`` stores "\\r\\n" and "\\r" as "\\n" (browsers hand selections back so): move the
    selections of another tool, counted on its own text, along with it."""
    text = fragment.text
    if "\r" not in text:
        return fragment
    moved, new = [0] * (len(text) + 1), 0
    for index, character in enumerate(text):
        moved[index] = new
        if not (character == "\r" and text[index + 1 : index + 2] == "\n"):
            new += 1  # the "\r" of "\r\n" disappears; a lone "\r" becomes "\n"
    moved[len(text)] = new
    fragment.text = text.replace("\r\n", "\n").replace("\r", "\n")
    fragment.codings = [
        (code, user, moved[start], moved[end], settled)
        if start is not None and end is not None
        else (code, user, start, end, settled)
        for code, user, start, end, settled in fragment.codings
        if start is None or end is None or moved[end] > moved[start]
    ]
    return fragment


@dataclass
class _PlannedSource:
    guid: str
    name: str
    neighbourhood: Neighbourhood
    year: int
    instrument: str
    fragments: list[_PlannedFragment]


def _codings(parent: etree._Element) -> list[_Coding]:
    found = []
    for element in parent.findall(_q(PROJECT_NS, "Coding")):
        ref = element.find(_q(PROJECT_NS, "CodeRef"))
        notes = [ids.guid_normal(n.get("targetGUID", "")) for n in element.findall(_q(PROJECT_NS, "NoteRef"))]
        found.append(
            _Coding(
                code=ids.guid_normal(ref.get("targetGUID", "")) if ref is not None else "",
                user=ids.guid_normal(element.get("creatingUser", "")),
                settled=ids.guid_normal(ids.SETTLED_NOTE_GUID) in notes,
                notes=[note for note in notes if note != ids.SETTLED_NOTE_GUID],
            )
        )
    return found


def _note_refs(parent: etree._Element) -> list[str]:
    return [ids.guid_normal(ref.get("targetGUID", "")) for ref in parent.findall(_q(PROJECT_NS, "NoteRef"))]


def _values(parent: etree._Element, variables: dict[str, str]) -> dict[str, str]:
    """Variable values by our variable key (ours by GUID, or by the name we give them)."""
    values = {}
    for element in parent.findall(_q(PROJECT_NS, "VariableValue")):
        ref = element.find(_q(PROJECT_NS, "VariableRef"))
        key = variables.get(ids.guid_normal(ref.get("targetGUID", ""))) if ref is not None else None
        value = next((child.text or "" for child in element if child is not ref), "")
        if key:
            values[key] = value.strip()
    return values


ROLE_LINE = re.compile(r"^Rol: (\S+)$", re.MULTILINE)
CONSENT_LINE = re.compile(r"^Toestemming: (\S+)$", re.MULTILINE)


class _ProjectReader:
    def __init__(
        self,
        root: etree._Element,
        package: _Package | None,
        *,
        user: User,
        options: ImportOptions,
        result: ImportResult,
    ) -> None:
        self.root = root
        self.package = package
        self.user = user
        self.options = options
        self.result = result
        self.ours = (root.get("origin") or "").startswith(ORIGIN)

    def el(self, parent: etree._Element, tag: str) -> list[etree._Element]:
        return parent.findall(_q(PROJECT_NS, tag))

    def container(self, tag: str, child: str) -> list[etree._Element]:
        element = self.root.find(_q(PROJECT_NS, tag))
        return self.el(element, child) if element is not None else []

    def read_text(self, element: etree._Element, *, what: str) -> str:
        content = element.find(_q(PROJECT_NS, "PlainTextContent"))
        path = element.get("plainTextPath")
        if path is None:
            return content.text or "" if content is not None else ""
        if not path.startswith("internal://"):
            raise QdaError(
                _("%(what)s refers to a file outside the QDPX file (%(path)s). Nothing was imported.")
                % {"what": what, "path": path}
            )
        name = unquote(path[len("internal://") :])
        if not name or "/" in name or "\\" in name or name in (".", ".."):
            raise QdaError(
                _("%(what)s has an unsafe file name (%(path)s). Nothing was imported.")
                % {"what": what, "path": path}
            )
        data = self.package.read(f"sources/{name}") if self.package is not None else None
        if data is None:
            raise QdaError(
                _(
                    "The file sources/%(name)s of %(what)s is missing from the QDPX file. Nothing was imported."
                )
                % {"name": name, "what": what}
            )
        return _text_of_file(data, what=f"sources/{name}", adjustments=self.result.adjustments)

    def run(self) -> None:
        users = {
            ids.guid_normal(u.get("guid", "")): (u.get("name") or u.get("id") or "").strip()
            for u in self.container("Users", "User")
        }
        variables = self._variables()
        cases = self._cases(variables)
        codebook = self.root.find(_q(PROJECT_NS, "CodeBook"))
        codes_element = codebook.find(_q(PROJECT_NS, "Codes")) if codebook is not None else None
        nodes = _code_nodes(codes_element, PROJECT_NS) if codes_element is not None else []
        sources = self._sources(variables, cases)
        notes = {
            ids.guid_normal(note.get("guid", "")): (
                self.read_text(note, what=_("note %(name)s") % {"name": note.get("name") or ""}).strip(),
                ids.guid_normal(note.get("creatingUser", "")),
            )
            for note in self.container("Notes", "Note")
        }
        programme = self.options.programme or self._programme_of(sources)
        mapper = _CodeMapper(user=self.user, options=self.options, result=self.result)
        mapper.check(nodes, programme=programme)
        known = {node.guid for node in _walk(nodes)}
        used = {
            coding[0] for source in sources for fragment in source.fragments for coding in fragment.codings
        }
        if used - known:
            raise QdaError(
                _("Codings refer to codes that are not in the file's codebook. Nothing was imported.")
            )
        accounts = self._accounts(users, sources, notes)
        self._check_not_imported(sources)
        with transaction.atomic():
            codes = mapper.apply(nodes, programme=programme)
            self._write(sources, codes, accounts, notes, nodes, programme)

    def _variables(self) -> dict[str, str]:
        """GUID → our variable key, for the variables we know (by our GUID or by our name)."""
        ours = {**CASE_VARIABLES, **SOURCE_VARIABLES}
        by_guid = {variable.guid: key for key, variable in ours.items()}
        by_name = {variable.name.lower(): key for key, variable in ours.items()}
        found = {}
        for element in self.container("Variables", "Variable"):
            guid = ids.guid_normal(element.get("guid", ""))
            key = by_guid.get(guid) or by_name.get((element.get("name") or "").strip().lower())
            if key:
                found[guid] = key
        return found

    def _cases(self, variables: dict[str, str]) -> list[tuple[dict[str, str], set[str], set[str]]]:
        cases = []
        for case in self.container("Cases", "Case"):
            values = _values(case, variables)
            sources = {ids.guid_normal(ref.get("targetGUID", "")) for ref in self.el(case, "SourceRef")}
            selections = {ids.guid_normal(ref.get("targetGUID", "")) for ref in self.el(case, "SelectionRef")}
            cases.append((values, sources, selections))
        return cases

    def _sources(
        self, variables: dict[str, str], cases: list[tuple[dict[str, str], set[str], set[str]]]
    ) -> list[_PlannedSource]:
        sources_element = self.root.find(_q(PROJECT_NS, "Sources"))
        planned: list[_PlannedSource] = []
        if sources_element is None:
            return planned
        skipped = 0
        fragment_selections = (
            set().union(*(selections for _v, _s, selections in cases)) if self.ours else set()
        )
        for element in sources_element:
            if element.tag != _q(PROJECT_NS, "TextSource"):
                skipped += 1
                continue
            source = self._source(element, variables, cases, fragment_selections)
            if source is not None:
                planned.append(source)
        if skipped:
            self.result.notes.append(
                ngettext(
                    "%(n)s source that is not text (picture, pdf, audio, video) was skipped.",
                    "%(n)s sources that are not text (picture, pdf, audio, video) were skipped.",
                    skipped,
                )
                % {"n": skipped}
            )
        return planned

    def _target(
        self, guid: str, selections: list[_Selection], values: dict[str, str], cases: list, name: str
    ) -> tuple[Neighbourhood, int, str]:
        case_values: dict[str, str] = {}
        selection_guids = {selection.guid for selection in selections}
        for values_of_case, source_refs, selection_refs in cases:
            if guid in source_refs or selection_guids & selection_refs:
                case_values = values_of_case
                break
        neighbourhood = self.options.neighbourhood
        if neighbourhood is None and case_values.get("cbs_code"):
            neighbourhood = Neighbourhood.objects.filter(cbs_code=case_values["cbs_code"]).first()
            if neighbourhood is None:
                raise QdaError(
                    _(
                        "Neighbourhood %(code)s of source %(name)s does not exist here. Choose a neighbourhood to import into. Nothing was imported."
                    )
                    % {"code": case_values["cbs_code"], "name": name}
                )
        if neighbourhood is None:
            raise QdaError(
                _("Choose the neighbourhood to import source %(name)s into. Nothing was imported.")
                % {"name": name}
            )
        if not neighbourhoods_codable_for_user(user=self.user).filter(pk=neighbourhood.pk).exists():
            raise QdaError(
                _("You cannot code in neighbourhood %(name)s. Nothing was imported.")
                % {"name": neighbourhood.name}
            )
        year = self.options.year
        if year is None and values.get("year", "").lstrip("-").isdigit():
            year = int(values["year"])
        if year is None or not 1900 <= year <= 2200:
            raise QdaError(_("Choose the year of source %(name)s. Nothing was imported.") % {"name": name})
        instrument = self.options.instrument or values.get("instrument", "")
        if instrument not in Instrument.values:
            raise QdaError(
                _("Choose the instrument of source %(name)s. Nothing was imported.") % {"name": name}
            )
        return neighbourhood, year, instrument

    def _source(
        self,
        element: etree._Element,
        variables: dict[str, str],
        cases: list[tuple[dict[str, str], set[str], set[str]]],
        fragment_selections: set[str],
    ) -> _PlannedSource | None:
        guid = ids.guid_normal(element.get("guid", ""))
        name = element.get("name") or guid
        text = self.read_text(element, what=_("source %(name)s") % {"name": name})
        selections = []
        for selection in self.el(element, "PlainTextSelection"):
            start, end = int(selection.get("startPosition", "0")), int(selection.get("endPosition", "0"))
            if start < 0 or end < start or end > len(text):
                raise QdaError(
                    _(
                        "A selection in source %(name)s lies outside its text (%(start)s–%(end)s of %(length)s characters). Nothing was imported."
                    )
                    % {"name": name, "start": start, "end": end, "length": len(text)}
                )
            description = selection.find(_q(PROJECT_NS, "Description"))
            selections.append(
                _Selection(
                    guid=ids.guid_normal(selection.get("guid", "")),
                    start=start,
                    end=end,
                    description=(description.text or "") if description is not None else "",
                    codings=_codings(selection),
                    notes=_note_refs(selection),
                )
            )
        if not text:
            self.result.notes.append(_("Source %(name)s is empty and was skipped.") % {"name": name})
            return None
        values = _values(element, variables)
        neighbourhood, year, instrument = self._target(guid, selections, values, cases, name)
        fragments = self._fragments(text, selections, fragment_selections, name)
        whole = _codings(element)
        for fragment in fragments:
            fragment.codings += [(c.code, c.user, None, None, c.settled) for c in whole]
            fragment.notes += [note for c in whole for note in c.notes]
        if fragments:
            fragments[0].notes += _note_refs(element)
        return _PlannedSource(
            guid=guid,
            name=name,
            neighbourhood=neighbourhood,
            year=year,
            instrument=instrument,
            fragments=fragments,
        )

    def _fragments(
        self, text: str, selections: list[_Selection], fragment_selections: set[str], name: str
    ) -> list[_PlannedFragment]:
        markers = sorted(
            (selection for selection in selections if selection.guid in fragment_selections),
            key=lambda selection: (selection.start, selection.end),
        )
        if not markers:
            markers = [_Selection(guid="", start=0, end=len(text), description="", codings=[], notes=[])]
        for before, after in zip(markers, markers[1:], strict=False):
            if after.start < before.end:
                raise QdaError(
                    _("Fragments in source %(name)s overlap. Nothing was imported.") % {"name": name}
                )
        planned = {id(marker): self._fragment(text, marker) for marker in markers}
        empty = 0
        for selection in selections:
            if selection.guid in fragment_selections:
                continue
            if selection.start == selection.end:
                empty += 1
                continue
            marker = next((m for m in markers if m.start <= selection.start and selection.end <= m.end), None)
            if marker is None:
                raise QdaError(
                    _(
                        "A selection in source %(name)s crosses the border between two fragments. Nothing was imported."
                    )
                    % {"name": name}
                )
            fragment = planned[id(marker)]
            start, end = selection.start - marker.start, selection.end - marker.start
            fragment.codings += [(c.code, c.user, start, end, c.settled) for c in selection.codings]
            fragment.notes += selection.notes + [note for c in selection.codings for note in c.notes]
        if empty:
            self.result.adjustments.append(
                ngettext("%(n)s empty selection skipped", "%(n)s empty selections skipped", empty)
                % {"n": empty}
            )
        return [_one_line_break(planned[id(marker)]) for marker in markers if marker.end > marker.start]

    def _fragment(self, text: str, marker: _Selection) -> _PlannedFragment:
        fragment = _PlannedFragment(text=text[marker.start : marker.end])
        role = ROLE_LINE.search(marker.description)
        if role and role.group(1) in SpeakerRole.values:
            fragment.speaker_role = role.group(1)
        consent = CONSENT_LINE.search(marker.description)
        if consent and consent.group(1) in Consent.Level.values:
            fragment.consent_level = consent.group(1)
        fragment.codings += [(c.code, c.user, None, None, c.settled) for c in marker.codings]
        fragment.notes += marker.notes + [note for c in marker.codings for note in c.notes]
        return fragment

    def _programme_of(self, sources: list[_PlannedSource]) -> Programme | None:
        programmes = {source.neighbourhood.programme_id for source in sources}
        if len(programmes) == 1:
            only = programmes.pop()
            return Programme.objects.filter(pk=only).first() if only else None
        return None

    def _accounts(
        self, users: dict[str, str], sources: list[_PlannedSource], notes: dict[str, tuple[str, str]]
    ) -> dict[str, Any]:
        """User GUID → account here (matched by username), or the importing user, with a note naming who."""
        wanted = {c[1] for s in sources for f in s.fragments for c in f.codings} | {
            a for _t, a in notes.values()
        }
        names = {guid: users.get(guid, "") for guid in wanted if guid}
        accounts_by_name = {
            account.get_username(): account
            for account in get_user_model().objects.filter(username__in=[n for n in names.values() if n])
        }
        accounts: dict[str, Any] = {}
        unknown = set()
        for guid, name in names.items():
            account: Any = accounts_by_name.get(name)
            if account is None:
                unknown.add(name or guid)
                account = self.user
            accounts[guid] = account
        if unknown:
            self.result.notes.append(
                _("Unknown here, so recorded as yours: %(names)s.") % {"names": _names(sorted(unknown))}
            )
        return accounts

    def _check_not_imported(self, sources: list[_PlannedSource]) -> None:
        for source in sources:
            existing = set(
                Fragment.objects.filter(neighbourhood=source.neighbourhood)
                .values_list("year", "instrument", "source")
                .distinct()
            )
            local = {
                ids.source_guid(cbs_code=source.neighbourhood.cbs_code, year=y, instrument=i, source=s)
                for y, i, s in existing
            }
            if source.guid in local or any(s == f"qda:{source.guid}" for _y, _i, s in existing):
                raise QdaError(
                    _("Source %(name)s is already in neighbourhood %(neighbourhood)s. Nothing was imported.")
                    % {"name": source.name, "neighbourhood": source.neighbourhood.name}
                )

    def _write(
        self,
        sources: list[_PlannedSource],
        codes: dict[str, Code],
        accounts: dict[str, Any],
        notes: dict[str, tuple[str, str]],
        nodes: list[_CodeNode],
        programme: Programme | None,
    ) -> None:
        owners = dict(ProgrammeCode.objects.values_list("key", "programme_id"))
        codings: list[Coding] = []
        settled: dict[int, Any] = {}
        memos: list[tuple[Fragment | None, Code | None, str]] = []
        all_ids: list[int] = []
        for source in sources:
            saved = fragments_record(
                neighbourhood_id=source.neighbourhood.pk,
                year=source.year,
                instrument=source.instrument,
                fragments=[
                    NewFragment(text=f.text, speaker_role=f.speaker_role, consent_level=f.consent_level)
                    for f in source.fragments
                ],
                user=self.user,
                source=f"qda:{source.guid}",
            )
            for fragment, plan in zip(saved, source.fragments, strict=True):
                all_ids.append(fragment.pk)
                codings += self._fragment_codings(
                    fragment, plan, codes=codes, accounts=accounts, settled=settled, owners=owners,
                    programme_id=source.neighbourhood.programme_id,
                )  # fmt: skip
                memos += [(fragment, None, note) for note in dict.fromkeys(plan.notes)]
        unique = {(c.fragment_id, c.code_id, c.coder_id, c.start, c.end, c.settled): c for c in codings}
        Coding.objects.bulk_create(list(unique.values()))
        data_versions_bump_everything()  # bulk_create and update() send no signal; a project spans neighbourhoods
        self.result.codings = len(unique)
        self.result.fragments = len(all_ids)
        now = timezone.now()
        for fragment_id, settler in settled.items():
            Fragment.objects.filter(pk=fragment_id).update(settled_by=settler, settled_at=now)
        fragments_state_refresh(fragment_ids=all_ids)
        for node in _walk(nodes):
            memos += [(None, codes[node.guid], note) for note in node.notes]
        self._memos(memos, notes, accounts, programme)

    def _fragment_codings(
        self,
        fragment: Fragment,
        plan: _PlannedFragment,
        *,
        codes: dict[str, Code],
        accounts: dict[str, Any],
        settled: dict[int, Any],
        owners: dict[str, int],
        programme_id: int | None,
    ) -> list[Coding]:
        rows = []
        for code_guid, user_guid, start, end, is_settled in plan.codings:
            code = codes[code_guid]
            owner = owners.get(code.key)
            if code.depth == 0 or (code.is_user_defined and owner is not None and owner != programme_id):
                raise QdaError(
                    _("Code %(name)s cannot be used for fragments of this programme. Nothing was imported.")
                    % {"name": code.label_nl}
                )
            coder = accounts.get(user_guid) or recorder(self.user)
            rows.append(
                Coding(
                    fragment=fragment, code=code, coder=coder, origin=Coding.Origin.HUMAN,
                    start=start, end=end, settled=is_settled,
                )
            )  # fmt: skip
            if is_settled:
                settled[fragment.pk] = coder
        return rows

    def _memos(
        self,
        memos: list[tuple[Fragment | None, Code | None, str]],
        notes: dict[str, tuple[str, str]],
        accounts: dict[str, Any],
        programme: Programme | None,
    ) -> None:
        for fragment, code, guid in memos:
            if guid == ids.guid_normal(ids.SETTLED_NOTE_GUID) or guid not in notes:
                continue
            text, author = notes[guid]
            if not text:
                continue
            if code is not None and Memo.objects.filter(code=code, programme=programme, text=text).exists():
                continue  # the same memo on the same code (our own export coming back): kept once
            memo_save(
                user=accounts.get(author) or self.user,  # type: ignore[arg-type]
                text=text,
                fragment=fragment,
                code=code,
                programme=programme if code is not None else None,
            )
            self.result.memos += 1


# --- the entry point --------------------------------------------------------------------------------------


def qda_import(*, data: bytes, name: str, user: User, options: ImportOptions | None = None) -> ImportResult:
    """Import a .qdc codebook or a .qdpx project (all or nothing). Raises ``QdaError`` with a message for
    the user when the file cannot be imported; then nothing was changed."""
    options = options or ImportOptions()
    if not user.is_authenticated:
        raise QdaError(_("Log in to import."))
    if len(data) > MAX_FILE_BYTES:
        raise QdaError(_("The file is too large to import. Nothing was imported."))
    package = None
    if data[:4] == b"PK\x03\x04":
        package = _Package(data)
        root = xml_parse(package.project(), what="project.qde")
    else:
        root = xml_parse(data, what=name)
    namespace = etree.QName(root).namespace
    local = etree.QName(root).localname
    if (namespace, local) == (CODEBOOK_NS, "CodeBook"):
        kind = "qdc"
    elif (namespace, local) == (PROJECT_NS, "Project"):
        kind = "qdpx"
    else:
        raise QdaError(_("%(name)s is neither a REFI-QDA codebook nor a REFI-QDA project.") % {"name": name})
    repairs = repair(root)
    validate_or_refuse(root, what=name)
    result = ImportResult(kind=kind, adjustments=list(repairs.messages))
    if kind == "qdc":
        _import_codebook(root, user=user, options=options, result=result)
    else:
        _ProjectReader(root, package, user=user, options=options, result=result).run()
    return result
