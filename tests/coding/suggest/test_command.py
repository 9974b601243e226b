"""`kvs suggest` and `kvs suggest-evaluate` with the real engine: only the codebook loaded, as on a fresh install."""

from __future__ import annotations

import json

import pytest
from django.core.management import CommandError, call_command

from krachtvansamen.coding.suggest.engine import CORE_CODES

pytestmark = pytest.mark.django_db

TEXTS = [
    (
        "a",
        "De gemeente heeft de subsidie voor ons buurthuis stopgezet; de regels voor een nieuwe aanvraag zijn te ingewikkeld.",
    ),
    (2, "Morgen wordt het twintig graden en zonnig."),
    ("c", "Sinds ik meedoe in de buurttuin voel ik me minder eenzaam en durf ik meer."),
]


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def read_jsonl(path):
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_one_line_out_per_line_in_same_order_every_code_scored(codebook, tmp_path):
    infile = write_jsonl(tmp_path / "in.jsonl", [{"id": i, "text": t} for i, t in TEXTS])
    outfile = tmp_path / "out.jsonl"
    call_command("suggest", infile=str(infile), outfile=str(outfile))
    out = read_jsonl(outfile)
    assert [row["id"] for row in out] == ["a", 2, "c"]
    for row in out:
        assert [c["code"] for c in row["codes"]][: len(CORE_CODES)] == list(CORE_CODES)
        for c in row["codes"]:
            assert 0 <= c["score"] <= 1 and c["suggested"] == (c["score"] >= 0.5)
    chosen = [{c["code"] for c in row["codes"] if c["suggested"]} for row in out]
    assert "factor.governance" in chosen[0]
    assert chosen[1] == set()
    assert "effect.individual" in chosen[2]


def test_a_malformed_line_is_refused_with_its_number_and_nothing_is_written(codebook, tmp_path):
    infile = tmp_path / "in.jsonl"
    infile.write_text('{"id": 1, "text": "goed"}\n{"id": 2, "tekst": "fout"}\n', encoding="utf-8")
    outfile = tmp_path / "out.jsonl"
    with pytest.raises(CommandError, match='regel 2: "text" ontbreekt'):
        call_command("suggest", infile=str(infile), outfile=str(outfile))
    assert not outfile.exists()


def test_a_training_file_with_an_unknown_code_is_refused(codebook, tmp_path):
    infile = write_jsonl(tmp_path / "in.jsonl", [{"id": 1, "text": "t"}])
    train = write_jsonl(tmp_path / "train.jsonl", [{"id": 1, "text": "t", "labels": ["abcd.bestaat_niet"]}])
    with pytest.raises(CommandError, match="regel 1: onbekende code 'abcd.bestaat_niet'"):
        call_command("suggest", infile=str(infile), outfile=str(tmp_path / "out.jsonl"), train=str(train))


def test_training_lines_count_for_that_run_only(codebook, tmp_path):
    """Eight labelled lines of a code the shipped knowledge does not cover make the engine learn it."""
    infile = write_jsonl(
        tmp_path / "in.jsonl", [{"id": 1, "text": "De bomen in het park zijn prachtig groen."}]
    )
    nature = [
        {"id": i, "text": f"{t} (notitie {i})", "labels": ["vitality.nature"]}
        for i, t in enumerate(
            ["Het park is groen.", "De bomen langs de singel.", "Veel groen in de wijk.", "Het bos achter de flat.",
             "Vogels in de bomen.", "Bloemen in het plantsoen.", "Het water en het groen.", "De natuur om de hoek."]
        )
    ]  # fmt: skip
    train = write_jsonl(tmp_path / "train.jsonl", nature)
    with_train, without = tmp_path / "with.jsonl", tmp_path / "without.jsonl"
    call_command("suggest", infile=str(infile), outfile=str(with_train), train=str(train))
    call_command("suggest", infile=str(infile), outfile=str(without))
    assert "vitality.nature" in {c["code"] for c in read_jsonl(with_train)[0]["codes"]}
    assert "vitality.nature" not in {c["code"] for c in read_jsonl(without)[0]["codes"]}


def test_a_missing_file_is_said_in_words(codebook, tmp_path):
    with pytest.raises(CommandError, match="Bestand niet gevonden"):
        call_command("suggest", infile=str(tmp_path / "nergens.jsonl"), outfile=str(tmp_path / "out.jsonl"))


def test_the_measurement_prints_per_code_figures_and_the_macro_f1(codebook, tmp_path, capsys):
    rows = [{"id": i, "text": t, "labels": labels} for i, (t, labels) in enumerate([
        ("De gemeente schrapt de subsidie voor het buurthuis.", ["factor.governance"]),
        ("De wethouder wil de regels voor vergunningen niet versoepelen.", ["factor.governance"]),
        ("Ik durf nu veel meer sinds ik vrijwilliger ben.", ["effect.individual"]),
        ("Door het taalcafé voel ik me minder alleen.", ["effect.individual"]),
        ("Het spreekuur is op dinsdag.", []),
        ("De koffie kost een euro.", []),
    ])]  # fmt: skip
    data = write_jsonl(tmp_path / "data.jsonl", rows)
    call_command("suggest_evaluate", data=str(data), folds=2)
    out = capsys.readouterr().out
    assert "Kruisvalidatie, 2 delen" in out
    assert "factor.governance" in out and "macro-F1 over 13 codes:" in out
    assert "snelheid:" in out
    with pytest.raises(CommandError, match="--folds moet minstens 2 zijn"):
        call_command("suggest_evaluate", data=str(data), folds=1)
