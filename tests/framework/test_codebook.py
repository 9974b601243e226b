from __future__ import annotations

import json
from io import StringIO
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command
from django.db.models import ProtectedError

from krachtvansamen.framework.models import Code, Codebook
from krachtvansamen.framework.services import (
    REQUIRED_KEYS,
    SHIPPED_CODEBOOKS_DIR,
    CodebookError,
    code_add_user_defined,
    codebook_load,
    codebook_load_shipped,
)
from tests.factories import CodingFactory


def _all_keys(nodes):
    for node in nodes:
        yield node["key"]
        yield from _all_keys(node.get("codes", []))


def _write_version(tmp_path: Path, version: str, change_label: str | None = None) -> Path:
    data = yaml.safe_load((SHIPPED_CODEBOOKS_DIR / "v1.yaml").read_text(encoding="utf-8"))
    data["version"] = version
    if change_label:
        data["groups"][0]["codes"][0]["label_nl"] = change_label
    path = tmp_path / f"v{version}.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def test_the_current_codebook_speaks_plain_dutch(codebook):
    labels = dict(codebook.codes.values_list("key", "label_nl"))
    assert labels["abcd.residents_lead"] == "Bewoners aan het roer"
    assert labels["abcd.whats_strong"] == "Kijken naar wat sterk is"
    assert labels["capital.bonding"] == "Binnen de eigen groep (bonding)"
    english = ("in the lead", "what's strong", "focus op")
    assert not [label for label in labels.values() if any(word in label.casefold() for word in english)]


def test_shipped_codebook_has_every_stable_key_with_both_labels_and_a_definition(codebook):
    keys = set(codebook.codes.values_list("key", flat=True))
    assert REQUIRED_KEYS <= keys
    for code in codebook.codes.exclude(depth=0):
        assert code.label_nl and code.label_en and code.definition_nl, code.key
    assert codebook.codes.get(key="effect.individual.trust").parent.key == "effect.individual"


def test_example_fragments_come_from_the_report(codebook):
    examples = [ex for code in codebook.codes.all() for ex in code.examples]
    assert len(examples) >= 10
    assert any("ik ben gaan leven" in ex["text"] for ex in examples)


def test_loading_the_same_version_twice_changes_nothing(codebook):
    again = codebook_load_shipped()
    assert [result.created for result in again] == [False, False]  # versions 1 and 2, both already there
    assert Codebook.objects.count() == 2


def test_other_content_under_an_existing_version_is_refused(codebook, tmp_path):
    path = _write_version(tmp_path, "1", change_label="Iets anders")
    with pytest.raises(CodebookError, match="al geladen, maar met andere inhoud"):
        codebook_load(path=path)
    first = Codebook.objects.get(version="1")
    assert Code.objects.get(codebook=first, key="abcd.residents_lead").label_nl == "Bewoners in the lead"


def test_a_new_version_keeps_codings_made_under_the_old_one(codebook, tmp_path):
    old_code = codebook.codes.get(key="abcd.relations")
    coding = CodingFactory(code=old_code)
    own = code_add_user_defined(
        codebook=codebook,
        parent=codebook.codes.get(key="vitality"),
        suffix="mobility",
        label_nl="Bereikbaarheid",
    )
    CodingFactory(code=own)

    result = codebook_load(path=_write_version(tmp_path, "3", change_label="Bewoners nemen de leiding"))

    assert result.created and result.codebook.is_current
    coding.refresh_from_db()
    assert coding.code == old_code and coding.code.codebook.version == "2"
    assert result.codebook.codes.get(key="abcd.residents_lead").label_nl == "Bewoners nemen de leiding"
    # Users' own codes move along to the new version.
    assert result.codebook.codes.get(key="vitality.mobility").is_user_defined
    with pytest.raises(ProtectedError):
        old_code.delete()


def test_a_codebook_missing_a_stable_key_is_refused_and_nothing_is_saved(db, tmp_path):
    data = yaml.safe_load((SHIPPED_CODEBOOKS_DIR / "v1.yaml").read_text(encoding="utf-8"))
    data["groups"] = [g for g in data["groups"] if g["key"] != "capital"]
    path = tmp_path / "v9.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(CodebookError, match="capital.bonding"):
        codebook_load(path=path)
    assert not Codebook.objects.exists() and not Code.objects.exists()


def test_user_code_keys_are_checked(codebook):
    with pytest.raises(CodebookError):
        code_add_user_defined(
            codebook=codebook, parent=codebook.codes.get(key="vitality"), suffix="Met Spatie", label_nl="x"
        )


def test_kvs_codebook_export_prints_every_stable_key_as_json(codebook):
    out = StringIO()
    call_command("codebook", "export", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["version"] == "2"  # the newest shipped version is current
    assert REQUIRED_KEYS <= set(_all_keys(data["groups"]))


def test_codebook_page_shows_groups_codes_and_examples(client, codebook):
    from tests.factories import UserFactory

    client.force_login(UserFactory())
    response = client.get("/codeboek/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "ABCD-ruggengraat" in html and "effect.neighbourhood.resident_control" in html
    assert "ik ben gaan leven" in html
