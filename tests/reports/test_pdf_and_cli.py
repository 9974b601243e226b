"""The reports as PDF (WeasyPrint), from the web and from `kvs report`."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from pypdf import PdfReader

from tests.jobs.pdf_flow import pdf_after_job
from tests.reports.conftest import QUOTE_INTERNAL, QUOTE_OK

OWN = "BU90000001"


def pdf_text(content: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(content))
    # pypdf may break a line anywhere: compare without line ends.
    return len(reader.pages), " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def test_funder_downloads_a_one_page_financiersrapport(as_user):
    # The first click leads to a job page (tests/jobs/test_report_pdf_jobs.py); once drawn, the link answers.
    response = pdf_after_job(as_user("funder"), f"/rapporten/financiersrapport/{OWN}/2025/pdf/")
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="financiersrapport-{OWN}-2025.pdf"'
    pages, text = pdf_text(response.content)
    assert pages == 1
    for heading in (
        "Financiersrapport",
        "Wat is er veranderd? Meer dan het aantal deelnemers",
        "Wat bewoners zeggen",
        "Wat is er nodig om het te laten duren?",
        "Pagina 1 van 1",
    ):
        assert heading in text, heading
    assert QUOTE_OK.split(",")[0][:30] in text and QUOTE_INTERNAL[:25] not in text
    assert "Schuilnaam" not in text
    # The numbers stay links to their evidence, with the full address.
    links = [
        a.get_object()["/A"]["/URI"] for a in PdfReader(io.BytesIO(response.content)).pages[0]["/Annots"]
    ]
    assert any(uri.startswith(f"http://testserver/rapporten/bewijs/{OWN}/2025/?n=") for uri in links)


def test_buurtbeeld_pdf_has_the_dutch_headings_and_page_numbers(as_user):
    response = pdf_after_job(as_user("researcher"), f"/rapporten/buurtbeeld/{OWN}/2025/pdf/")
    assert response.status_code == 200
    pages, text = pdf_text(response.content)
    assert pages >= 3
    for heading in (
        "Buurtbeeld",
        "Wat bewoners waardevol vinden",
        "Wie woont er, wie doet mee",
        "Omgevingsfactoren",
        "Het netwerk: wie kent wie",
        "Blijft het?",
        f"Pagina 1 van {pages}",
    ):
        assert heading in text, heading
    assert "Download als pdf" not in text  # the page's navigation is not printed


def test_synthese_pdf(as_user):
    response = pdf_after_job(
        as_user("programme_manager"), "/rapporten/programmasynthese/programma-a/2025/pdf/"
    )
    assert response.status_code == 200
    _pages, text = pdf_text(response.content)
    assert "Programmasynthese" in text and "Alle buurten" in text and "Tussen de jaren" in text


@pytest.mark.parametrize(
    ("kind", "args"),
    [
        ("buurtbeeld", ["--neighbourhood", OWN, "--year", "2025"]),
        ("financier", ["--neighbourhood", OWN.lower(), "--year", "2025"]),
        ("synthese", ["--programme", "programma-a"]),
    ],
)
def test_kvs_report_writes_a_pdf(world, tmp_path, kind, args):
    out = tmp_path / f"{kind}.pdf"
    stdout = io.StringIO()
    call_command("report", kind, *args, "--out", str(out), stdout=stdout)
    assert out.read_bytes().startswith(b"%PDF")
    assert "geschreven" in stdout.getvalue()
    pages, text = pdf_text(out.read_bytes())
    if kind == "financier":
        assert pages == 1
    if kind == "synthese":  # no access check on the command line: every neighbourhood, every programme
        assert "Buurt Zelfde Programma" in text and "Programma B" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["buurtbeeld", "--neighbourhood", "BU99999999", "--year", "2025"],
            "Onbekende CBS-code: BU99999999. Een buurtcode ziet eruit als BU02021990.",
        ),
        (
            ["financier", "--neighbourhood", OWN, "--year", "2019"],
            "In 2019 is niets vastgelegd. Jaren met gegevens: 2024, 2025.",
        ),
        (
            ["synthese", "--programme", "bestaat-niet"],
            "Onbekend programma: bestaat-niet. Bekende programma's: programma-a, programma-b.",
        ),
        (["synthese", "--programme", "programma-a", "--year", "2030"], "In 2030 is niets vastgelegd."),
    ],
)
def test_kvs_report_refuses_bad_input_in_dutch_and_writes_nothing(world, tmp_path, args, message):
    out = tmp_path / "rapport.pdf"
    with pytest.raises(
        CommandError, match=message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")
    ):
        call_command("report", *args, "--out", str(out))
    assert list(tmp_path.iterdir()) == []


def test_kvs_report_checks_the_output_file(world, tmp_path):
    with pytest.raises(CommandError, match="Het bestand moet eindigen op .pdf"):
        call_command(
            "report", "financier", "--neighbourhood", OWN, "--year", "2025", "--out", str(tmp_path / "x.txt")
        )
    with pytest.raises(CommandError, match="Deze map bestaat niet"):
        call_command(
            "report",
            "financier",
            "--neighbourhood",
            OWN,
            "--year",
            "2025",
            "--out",
            str(tmp_path / "nergens" / "x.pdf"),
        )
