"""Reading REFI-QDA XML safely, repairing the known harmless deviations of real tools, validating against
the official schemas (``schemas/``, QDA-XML 1.0, MIT-licensed by REFI).

Safe parsing: no DTDs (a file with a DOCTYPE is refused, which rules out entity expansion attacks), no
entity resolution, no network, no huge trees. Limits on sizes live in ``importer``.

Known harmless deviations, turned into proper structure and reported (``Repairs``):

- an empty container the schema forbids to be empty (Taguette writes ``<Sets/>``): removed;
- a flat codebook whose code names carry the hierarchy as ``/`` ("Effect/individueel"), as Taguette writes
  it: nested into a tree of codes, with missing parents added;
- a code without ``isCodable``: read as codable.

Anything else the schema refuses is refused with the schema's message.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from lxml import etree

from krachtvansamen.coding.qda.ids import path_guid

SCHEMA_DIR = Path(__file__).resolve().parent / "schemas"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
PROJECT_NS = "urn:QDA-XML:project:1.0"
SCHEMA_FILES = {CODEBOOK_NS: "Codebook.xsd", PROJECT_NS: "Project.xsd"}

# Containers whose schema type needs at least one child: an empty one is a harmless deviation.
EMPTY_FORBIDDEN = ("Sets", "Users", "Variables", "Cases", "Sources", "Notes", "Links", "Graphs")


class QdaError(ValueError):
    """A REFI-QDA file that cannot be imported (or a scope that cannot be exported); the message is for the user."""


@dataclass
class Repairs:
    """What was adjusted to make a file valid, as sentences for the user."""

    messages: list[str] = field(default_factory=list)

    def add(self, message: str) -> None:
        self.messages.append(message)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        load_dtd=False,
        dtd_validation=False,
        remove_comments=True,
        remove_pis=True,
    )


@cache
def schema(namespace: str) -> etree.XMLSchema:
    """The official schema for a namespace, loaded once from the package (works on an installed package)."""
    path = SCHEMA_DIR / SCHEMA_FILES[namespace]
    return etree.XMLSchema(etree.parse(str(path), _parser()))


def xml_parse(data: bytes, *, what: str) -> etree._Element:
    """The root element of an XML document, parsed safely. ``what`` names the file in messages."""
    try:
        tree = etree.fromstring(data, _parser()).getroottree()
    except etree.XMLSyntaxError as error:
        raise QdaError(
            _("%(what)s is not readable XML (%(error)s). Nothing was imported.")
            % {"what": what, "error": error}
        ) from None
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        raise QdaError(
            _("%(what)s contains a DOCTYPE declaration; that is not allowed in REFI-QDA files.")
            % {"what": what}
        )
    return tree.getroot()


def schema_errors(root: etree._Element) -> list[str]:
    """The schema's complaints about this document (empty when it is valid)."""
    namespace = etree.QName(root).namespace or ""
    if namespace not in SCHEMA_FILES:
        return [_("unknown namespace %(ns)s") % {"ns": namespace or "-"}]
    checker = schema(namespace)
    if checker.validate(root):
        return []
    return [f"{_('line')} {error.line}: {error.message}" for error in checker.error_log]


def validate_or_refuse(root: etree._Element, *, what: str) -> None:
    errors = schema_errors(root)
    if errors:
        shown = "; ".join(errors[:3])
        more = len(errors) - 3
        if more > 0:
            shown += " " + ngettext("(and %(n)s more)", "(and %(n)s more)", more) % {"n": more}
        raise QdaError(
            _("%(what)s does not follow the REFI-QDA standard: %(errors)s. Nothing was imported.")
            % {"what": what, "errors": shown}
        )


def _drop_empty_containers(root: etree._Element, namespace: str, repairs: Repairs) -> None:
    for name in EMPTY_FORBIDDEN:
        for element in list(root.iter(f"{{{namespace}}}{name}")):
            if len(element) == 0 and not (element.text or "").strip():
                parent = element.getparent()
                if parent is not None:
                    parent.remove(element)
                    repairs.add(_("empty <%(name)s/> removed") % {"name": name})
    if namespace == PROJECT_NS:
        # A project's codebook without codes: the schema needs at least one code, so the codebook goes.
        for codebook in list(root.iter(f"{{{namespace}}}CodeBook")):
            codes = codebook.find(f"{{{namespace}}}Codes")
            if codes is not None and len(codes) == 0:
                root.remove(codebook)
                repairs.add(_("empty codebook removed"))


def _default_codable(root: etree._Element, namespace: str, repairs: Repairs) -> None:
    missing = [code for code in root.iter(f"{{{namespace}}}Code") if code.get("isCodable") is None]
    for code in missing:
        code.set("isCodable", "true")
    if missing:
        repairs.add(
            ngettext(
                "%(n)s code without isCodable read as codable",
                "%(n)s codes without isCodable read as codable",
                len(missing),
            )
            % {"n": len(missing)}
        )


def _nest_slash_names(root: etree._Element, namespace: str, repairs: Repairs) -> None:
    """A flat list of codes named "A", "A/B", "A/B/C" becomes A › B › C (Taguette's way of nesting)."""
    codes_element = None
    for candidate in root.iter(f"{{{namespace}}}Codes"):
        codes_element = candidate
        break
    if codes_element is None:
        return
    tag = f"{{{namespace}}}Code"
    top = [child for child in codes_element if child.tag == tag]
    flat = all(child.find(tag) is None for child in top)
    if not flat or not any("/" in (code.get("name") or "") for code in top):
        return
    by_path: dict[str, etree._Element] = {}
    nested = added = 0

    def path_of(name: str) -> str:
        return "/".join(part.strip() for part in name.split("/") if part.strip())

    for code in top:
        path = path_of(code.get("name") or "")
        if path and path not in by_path:
            by_path[path] = code
    for code in top:
        path = path_of(code.get("name") or "")
        if "/" not in path:
            continue
        parts = path.split("/")
        parent_element = codes_element
        for depth in range(1, len(parts)):
            parent_path = "/".join(parts[:depth])
            parent = by_path.get(parent_path)
            if parent is None:
                parent = etree.Element(tag)
                parent.set("guid", path_guid(parent_path).upper())
                parent.set("name", parts[depth - 1])
                parent.set("isCodable", "true")
                parent_element.append(parent)
                by_path[parent_path] = parent
                added += 1
            elif parent.getparent() is not parent_element and parent_element is not codes_element:
                parent_element.append(parent)
            parent_element = parent
        code.set("name", parts[-1])
        parent_element.append(code)  # lxml moves the element: after Description, as the schema wants
        nested += 1
    repairs.add(
        ngettext(
            "%(n)s code made nested from '/' names",
            "%(n)s codes made nested from '/' names",
            nested,
        )
        % {"n": nested}
    )
    if added:
        repairs.add(
            ngettext(
                "%(n)s missing parent code added for '/' names",
                "%(n)s missing parent codes added for '/' names",
                added,
            )
            % {"n": added}
        )


def repair(root: etree._Element) -> Repairs:
    """Turn the known harmless deviations into proper structure, in place; say what was done."""
    repairs = Repairs()
    namespace = etree.QName(root).namespace or ""
    if namespace not in SCHEMA_FILES:
        return repairs
    _drop_empty_containers(root, namespace, repairs)
    _default_codable(root, namespace, repairs)
    _nest_slash_names(root, namespace, repairs)
    return repairs
