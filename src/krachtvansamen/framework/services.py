"""Loading codebook versions into the database and exporting them."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml
from django.db import transaction
from django.utils.translation import gettext as _

from krachtvansamen.framework.models import Code, Codebook

SHIPPED_CODEBOOKS_DIR = Path(__file__).resolve().parent / "codebooks"

# The stable keys of SPEC §2. A codebook version without any of them is refused.
REQUIRED_KEYS = frozenset(
    [
        "abcd.residents_lead", "abcd.relations", "abcd.whats_strong", "abcd.from_within",
        "abcd.everyone_welcome",
        "effect.individual", "effect.individual.confidence", "effect.individual.participation",
        "effect.individual.wellbeing", "effect.individual.trust",
        "effect.social", "effect.social.activities", "effect.social.contact", "effect.social.network",
        "effect.social.diversity",
        "effect.neighbourhood", "effect.neighbourhood.liveability", "effect.neighbourhood.cohesion",
        "effect.neighbourhood.pride", "effect.neighbourhood.informal_support",
        "effect.neighbourhood.institutional_trust", "effect.neighbourhood.resident_control",
        "capital.bonding", "capital.bridging", "capital.linking",
        "factor.governance", "factor.relational", "factor.professional", "factor.societal", "factor.physical",
        "vitality.social_contact", "vitality.diversity", "vitality.environment", "vitality.atmosphere",
        "vitality.housing", "vitality.facilities", "vitality.nature",
        "sustainability.horizontal", "sustainability.vertical",
    ]
)  # fmt: skip

CODE_TEXT_FIELDS = (
    "label_nl", "label_en", "definition_nl", "definition_en",
    "include_nl", "exclude_nl", "include_en", "exclude_en",
)  # fmt: skip


class CodebookError(ValueError):
    """A codebook file that cannot be loaded; the message is meant for the user."""


@dataclass(frozen=True)
class LoadResult:
    codebook: Codebook
    created: bool


def _flatten(groups: list[dict[str, Any]]) -> list[tuple[dict[str, Any], str | None, int]]:
    """Depth-first (code, parent key, depth) triples, checking keys as we go."""
    flat: list[tuple[dict[str, Any], str | None, int]] = []
    seen: set[str] = set()

    def walk(node: dict[str, Any], parent: str | None, depth: int) -> None:
        key = node.get("key")
        if not isinstance(key, str) or not key:
            raise CodebookError(
                _("A code without a key was found (under %(parent)s).") % {"parent": parent or "-"}
            )
        if parent is not None and not key.startswith(parent + "."):
            raise CodebookError(
                _("Code %(key)s must start with its parent's key %(parent)s.")
                % {"key": key, "parent": parent}
            )
        if parent is None and "." in key:
            raise CodebookError(_("Group %(key)s may not contain a dot.") % {"key": key})
        if key in seen:
            raise CodebookError(_("Code %(key)s appears twice.") % {"key": key})
        for field in ("label_nl", "label_en"):
            if not node.get(field):
                raise CodebookError(_("Code %(key)s has no %(field)s.") % {"key": key, "field": field})
        seen.add(key)
        flat.append((node, parent, depth))
        for child in node.get("codes") or []:
            walk(child, key, depth + 1)

    for group in groups:
        walk(group, None, 0)
    return flat


def codebook_parse(*, text: str) -> tuple[dict[str, Any], list[tuple[dict[str, Any], str | None, int]]]:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise CodebookError(_("The codebook file is not valid YAML: %(error)s") % {"error": error}) from None
    if not isinstance(data, dict) or not data.get("version") or not isinstance(data.get("groups"), list):
        raise CodebookError(_("The codebook file needs a 'version' and a list of 'groups'."))
    flat = _flatten(data["groups"])
    missing = REQUIRED_KEYS - {node["key"] for node, _parent, _depth in flat}
    if missing:
        raise CodebookError(
            _("The codebook misses these required codes: %(keys)s") % {"keys": ", ".join(sorted(missing))}
        )
    return data, flat


@transaction.atomic
def codebook_load(*, path: Path) -> LoadResult:
    """Load one version. Loading a version again is a no-op; other content under the same version is refused.

    A new version becomes the current one. Codes users added to the previous current version are carried
    over when the new file does not define their key, so nobody's own codes get lost.
    """
    text = path.read_text(encoding="utf-8")
    content_hash = hashlib.sha256(text.encode("utf-8")).hexdigest()
    data, flat = codebook_parse(text=text)
    version = str(data["version"])
    existing = Codebook.objects.filter(version=version).first()
    if existing is not None:
        if existing.content_hash != content_hash:
            raise CodebookError(
                _(
                    "Codebook version %(version)s is already loaded with other content. Give the changed file a new version."
                )
                % {"version": version}
            )
        return LoadResult(codebook=existing, created=False)

    previous = Codebook.objects.filter(is_current=True).first()
    Codebook.objects.filter(is_current=True).update(is_current=False)
    released = data.get("released")
    codebook = Codebook.objects.create(
        version=version,
        title_nl=data.get("title_nl", ""),
        title_en=data.get("title_en", ""),
        source=data.get("source", ""),
        released=date.fromisoformat(str(released)) if released else None,
        content_hash=content_hash,
        is_current=True,
    )
    by_key: dict[str, Code] = {}
    for position, (node, parent_key, depth) in enumerate(flat):
        code = Code(
            codebook=codebook,
            key=node["key"],
            parent=by_key.get(parent_key) if parent_key else None,
            group=node["key"].split(".")[0],
            depth=depth,
            position=position,
            examples=list(node.get("examples") or []),
            **{field: (node.get(field) or "").strip() for field in CODE_TEXT_FIELDS},
        )
        code.save()
        by_key[code.key] = code
    if previous is not None:
        _carry_over_user_codes(previous=previous, codebook=codebook, by_key=by_key)
    return LoadResult(codebook=codebook, created=True)


def _carry_over_user_codes(*, previous: Codebook, codebook: Codebook, by_key: dict[str, Code]) -> None:
    position = len(by_key)
    for old in previous.codes.filter(is_user_defined=True).order_by("depth", "position"):
        if old.key in by_key:
            continue
        parent_key = old.key.rsplit(".", 1)[0]
        parent = by_key.get(parent_key)
        if parent is None:
            continue
        position += 1
        copy = Code.objects.create(
            codebook=codebook,
            key=old.key,
            parent=parent,
            group=old.group,
            depth=old.depth,
            position=position,
            examples=old.examples,
            is_user_defined=True,
            created_by=old.created_by,
            **{field: getattr(old, field) for field in CODE_TEXT_FIELDS},
        )
        by_key[copy.key] = copy


def _version_sort_key(path: Path) -> tuple[int, str]:
    stem = path.stem.lstrip("v")
    return (int(stem), stem) if stem.isdigit() else (10**9, stem)


def codebook_load_shipped() -> list[LoadResult]:
    """Load every version shipped with the product, oldest first; the newest ends up current."""
    return [
        codebook_load(path=path)
        for path in sorted(SHIPPED_CODEBOOKS_DIR.glob("v*.yaml"), key=_version_sort_key)
    ]


def code_add_user_defined(
    *,
    codebook: Codebook,
    parent: Code,
    suffix: str,
    label_nl: str,
    label_en: str = "",
    definition_nl: str = "",
    user: Any = None,
) -> Code:
    """A user's own code under any group, e.g. a vitality theme residents raised."""
    if parent.codebook_id != codebook.pk:
        raise CodebookError(_("The parent code belongs to another codebook version."))
    if not suffix.isidentifier() or not suffix.islower():
        raise CodebookError(_("Use lower-case letters, digits and _ for the code's key."))
    key = f"{parent.key}.{suffix}"
    if codebook.codes.filter(key=key).exists():
        raise CodebookError(_("Code %(key)s already exists.") % {"key": key})
    last = codebook.codes.order_by("-position").values_list("position", flat=True).first() or 0
    return Code.objects.create(
        codebook=codebook,
        key=key,
        parent=parent,
        group=parent.group,
        depth=parent.depth + 1,
        position=last + 1,
        label_nl=label_nl,
        label_en=label_en or label_nl,
        definition_nl=definition_nl,
        is_user_defined=True,
        created_by=user,
    )


def codebook_export(*, codebook: Codebook) -> dict[str, Any]:
    """The codebook as a nested, JSON-ready structure (same shape as the shipped YAML)."""
    codes = list(codebook.codes.order_by("position"))
    nodes: dict[int, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for code in codes:
        node: dict[str, Any] = {"key": code.key}
        node.update({field: getattr(code, field) for field in CODE_TEXT_FIELDS})
        node["examples"] = code.examples
        node["user_defined"] = code.is_user_defined
        node["codes"] = []
        nodes[code.pk] = node
        if code.parent_id is None:
            roots.append(node)
        else:
            nodes[code.parent_id]["codes"].append(node)
    return {
        "version": codebook.version,
        "released": codebook.released.isoformat() if codebook.released else None,
        "title_nl": codebook.title_nl,
        "title_en": codebook.title_en,
        "source": codebook.source,
        "groups": roots,
    }


def codebook_export_json(*, codebook: Codebook) -> str:
    return json.dumps(codebook_export(codebook=codebook), ensure_ascii=False, indent=2)
