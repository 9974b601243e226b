"""Issue 13: hypothesis throws arbitrary input at every importer and parser a stranger's file can reach. Each
must either accept it or refuse it with its own error (a message for the user) — never another exception — and
a refused import leaves the database as it was.

Inputs are built around each format (CSV with the real header, a broken gzip, bytes that look like xlsx/docx/pdf
zip containers, JSON lines) so hypothesis reaches past the first check, not only random noise."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from krachtvansamen.coding.qda.importer import qda_import
from krachtvansamen.coding.qda.validate import QdaError
from krachtvansamen.coding.suggest.jsonl import LineError, read_rows
from krachtvansamen.documents.extraction import DocumentInputError, extract_text
from krachtvansamen.instruments.answers_import import AnswersImportError, answers_import
from krachtvansamen.instruments.definition import DefinitionError
from krachtvansamen.instruments.models import Submission
from krachtvansamen.instruments.xlsform import xlsform_to_definition
from krachtvansamen.neighbourhoods.cbs_import import CbsImportError, cbs_import_file
from krachtvansamen.neighbourhoods.models import CbsRecord
from tests.instruments.conftest import builder, forms, load_default_forms  # noqa: F401 (shared fixtures)

FUZZ = settings(
    max_examples=int(os.environ.get("KVS_FUZZ_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)

CBS_HEADER = (
    '"Wijken en buurten";"Regioaanduiding/Gemeentenaam (naam)";"Regioaanduiding/Soort regio (omschrijving)";'
    '"Regioaanduiding/Codering (code)";"Bevolking/Aantal inwoners (aantal)"\n'
)
cell = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
csv_rows = st.lists(st.lists(cell, min_size=0, max_size=7).map(lambda cells: ";".join(cells)), max_size=6)
zip_like = st.binary(max_size=300).map(lambda tail: b"PK\x03\x04" + tail)
pdf_like = st.binary(max_size=300).map(lambda tail: b"%PDF-1.4\n" + tail)


@pytest.mark.django_db
@FUZZ
@given(rows=csv_rows, gzip=st.booleans(), noise=st.binary(max_size=64))
def test_cbs_import_accepts_or_refuses_in_words(rows, gzip, noise):
    before = CbsRecord.objects.count()
    with tempfile.TemporaryDirectory() as folder:
        if gzip:
            path = Path(folder) / "kwb.csv.gz"
            path.write_bytes(b"\x1f\x8b" + noise)
        else:
            path = Path(folder) / "kwb2024.csv"
            path.write_text(CBS_HEADER + "\n".join(rows), encoding="utf-8")
        try:
            cbs_import_file(path=path, year=2024)
        except CbsImportError as error:
            assert str(error)
            assert CbsRecord.objects.count() == before


@pytest.mark.django_db
@FUZZ
@given(
    header=st.lists(
        st.sampled_from(["abcd_relations", "abcd_residents_lead", "_uuid", "_index", "x"]) | cell, max_size=5
    ),
    rows=st.lists(st.lists(cell, max_size=5), max_size=4),
    xlsx=st.one_of(st.none(), zip_like),
)
def test_kobo_answers_import_accepts_or_refuses_in_words(forms, builder, header, rows, xlsx):  # noqa: F811
    user, neighbourhood = builder
    before = Submission.objects.count()
    if xlsx is None:
        content = "\n".join([",".join(header), *(",".join(row) for row in rows)]).encode("utf-8")
        name = "export.csv"
    else:
        content, name = xlsx, "export.xlsx"
    try:
        answers_import(
            form_version=forms["vragenlijst"], content=content, file_name=name, neighbourhood=neighbourhood,
            year=2025, user=user,
        )  # fmt: skip
    except AnswersImportError as error:
        assert str(error)
        assert Submission.objects.count() == before


@FUZZ
@given(
    data=st.one_of(st.binary(max_size=300), zip_like, pdf_like),
    name=st.sampled_from(["a.txt", "a.docx", "a.pdf", "a.odt", "a"]),
)
def test_documents_accept_or_refuse_in_words(data, name):
    try:
        extract_text(data=data, filename=name)
    except DocumentInputError as error:
        assert error.message


@FUZZ
@given(data=st.one_of(st.binary(max_size=300), zip_like))
def test_an_xlsform_upload_accepts_or_refuses_in_words(data):
    try:
        xlsform_to_definition(data, file_name="form.xlsx")
    except DefinitionError as error:
        assert str(error)


@pytest.mark.django_db
@FUZZ
@given(data=st.one_of(st.binary(max_size=300), zip_like), name=st.sampled_from(["p.qdpx", "c.qdc"]))
def test_a_qda_import_accepts_or_refuses_in_words(builder, data, name):  # noqa: F811
    user, _neighbourhood = builder
    user.is_superuser = True
    try:
        qda_import(data=data, name=name, user=user)
    except QdaError as error:
        assert str(error)


@FUZZ
@given(
    lines=st.lists(
        st.one_of(
            cell,
            st.sampled_from(
                ['{"id": 1, "text": "t"}', '{"id": 1}', "[]", "{", '{"id": 1, "text": "t", "labels": [5]}']
            ),
        ),
        max_size=6,
    )
)
def test_suggestion_files_accept_or_name_the_line(lines):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "in.jsonl"
        path.write_text("\n".join(lines), encoding="utf-8")
        for labelled in (False, True):
            try:
                read_rows(path, labelled=labelled, known_codes={"factor.governance"})
            except LineError as error:
                assert "regel " in str(error)
