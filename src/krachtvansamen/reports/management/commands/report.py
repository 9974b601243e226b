"""``kvs report buurtbeeld --neighbourhood CBSCODE --year YEAR --out FILE.pdf``,
``kvs report synthese --programme SLUG [--year YEAR] --out FILE.pdf``,
``kvs report financier --neighbourhood CBSCODE --year YEAR --out FILE.pdf``,
``kvs report portfolio --user USERNAME [--year YEAR] --out FILE.pdf``,
``kvs report beleidssignalen --municipality GMCODE [--year YEAR] --out FILE.pdf``.

For server-side use by an administrator: no access check (except for the portfolio, which is the portfolio
that user would see on the web: a funder's funded neighbourhoods, a programme manager's reach; the synthesis covers every neighbourhood of the
programme and compares with every other programme). Input is checked first, with Dutch messages; the file is
written whole or not at all.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.core.management.base import BaseCommand, CommandError
from django.http import Http404
from django.utils.translation import gettext as _

from krachtvansamen.analysis.years import NoDataForYear, data_years
from krachtvansamen.neighbourhoods.models import Neighbourhood, Programme
from krachtvansamen.reports import services
from krachtvansamen.reports.beleidssignalen import (
    MUNICIPALITY_CODE,
    beleidssignalen_pdf,
    beleidssignalen_report,
    municipality_neighbourhoods,
)
from krachtvansamen.reports.buurtbeeld import buurtbeeld_report
from krachtvansamen.reports.financier import financier_report
from krachtvansamen.reports.portfolio import portfolio_pdf, portfolio_report, portfolio_scope
from krachtvansamen.reports.services import Report
from krachtvansamen.reports.synthese import Synthese, synthese_report


class Command(BaseCommand):
    help = "Write a report (Buurtbeeld, Programmasynthese, Financiersrapport, portfolio, Beleidssignalen) as a PDF file."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="kind", required=True)
        for kind, help_text in (
            ("buurtbeeld", "one neighbourhood and year, several pages"),
            ("financier", "the one-page funder report of a neighbourhood and year"),
        ):
            command = sub.add_parser(kind, help=help_text)
            command.add_argument("--neighbourhood", required=True, help="CBS code, e.g. BU02021990")
            command.add_argument("--year", required=True, type=int)
            _output_arguments(command)
        synthese = sub.add_parser(
            "synthese", help="all neighbourhoods of a programme, between years and programmes"
        )
        synthese.add_argument("--programme", required=True, help="the programme's short name (slug)")
        synthese.add_argument("--year", type=int, help="default: the latest year with data")
        _output_arguments(synthese)

        portfolio = sub.add_parser(
            "portfolio", help="all neighbourhoods a funder funds (as that user sees them)"
        )
        portfolio.add_argument("--user", required=True, help="the user name of the funder")
        portfolio.add_argument("--year", type=int, help="default: the latest year with data")
        _output_arguments(portfolio)

        policy = sub.add_parser(
            "beleidssignalen",
            help="a municipality's policy signals, over its neighbourhoods in the programmes",
        )
        policy.add_argument("--municipality", required=True, help="CBS municipality code, e.g. GM0202")
        policy.add_argument("--year", type=int, help="default: the latest year with data")
        _output_arguments(policy)

    def handle(self, *args, **options):
        kind = options["kind"]
        out = Path(options["out"])
        if out.suffix.lower() != ".pdf":
            raise CommandError(_("The output file must end in .pdf: %(path)s") % {"path": out})
        if not out.parent.is_dir():
            raise CommandError(_("The folder does not exist: %(path)s") % {"path": out.parent})
        site = options["site_url"].rstrip("/")
        started = time.perf_counter()
        if kind in ("portfolio", "beleidssignalen"):
            content = (
                self._portfolio(options, site)
                if kind == "portfolio"
                else self._beleidssignalen(options, site)
            )
            written = services.write_atomically(out, content)
            self.stdout.write(
                _("%(path)s written (%(kb)s kB, %(seconds)s s).")
                % {"path": written.path, "kb": round(written.size / 1024),
                   "seconds": f"{time.perf_counter() - started:.1f}"}
            )  # fmt: skip
            return
        try:
            report = (
                self._synthese(options, site)
                if kind == "synthese"
                else self._neighbourhood(kind, options, site)
            )
        except NoDataForYear as error:
            raise CommandError(str(error)) from None
        content = services.report_pdf(report, extra={"sees_data": True})
        written = services.write_atomically(out, content)
        self.stdout.write(
            _("%(path)s written (%(kb)s kB, %(seconds)s s).")
            % {
                "path": written.path,
                "kb": round(written.size / 1024),
                "seconds": f"{time.perf_counter() - started:.1f}",
            }
        )

    def _portfolio(self, options: dict[str, Any], site: str) -> bytes:
        user = get_user_model().objects.filter(username=options["user"]).first()
        if user is None:
            raise CommandError(_("Unknown user: %(name)s.") % {"name": options["user"]})
        try:
            neighbourhoods, funders = portfolio_scope(user=user)
        except (PermissionDenied, Http404) as error:
            raise CommandError(str(error)) from None
        year = options["year"]
        if year is None:
            years = data_years(neighbourhood_ids=[n.pk for n in neighbourhoods])
            if not years:
                raise CommandError(_("Nothing has been recorded here yet, in any year."))
            year = years[-1]
        try:
            report = portfolio_report(neighbourhoods=neighbourhoods, year=year, funders=funders, site=site)
        except NoDataForYear as error:
            raise CommandError(str(error)) from None
        return portfolio_pdf(report)

    def _beleidssignalen(self, options: dict[str, Any], site: str) -> bytes:
        code = options["municipality"].strip().upper()
        if not MUNICIPALITY_CODE.match(code):
            raise CommandError(
                _("Unknown municipality code: %(code)s. A municipality code looks like GM0202.")
                % {"code": options["municipality"]}
            )
        neighbourhoods = municipality_neighbourhoods(municipality_code=code)
        if not neighbourhoods:
            raise CommandError(
                _("No neighbourhood of municipality %(code)s takes part in a programme.") % {"code": code}
            )
        year = options["year"]
        if year is None:
            years = data_years(neighbourhood_ids=[n.pk for n in neighbourhoods])
            if not years:
                raise CommandError(_("Nothing has been recorded here yet, in any year."))
            year = years[-1]
        try:
            report = beleidssignalen_report(
                municipality_code=code, neighbourhoods=neighbourhoods, year=year, site=site
            )
        except NoDataForYear as error:
            raise CommandError(str(error)) from None
        return beleidssignalen_pdf(report)

    def _neighbourhood(self, kind: str, options: dict[str, Any], site: str) -> Report:
        code = options["neighbourhood"].strip().upper()
        neighbourhood = Neighbourhood.objects.select_related("programme").filter(cbs_code=code).first()
        if neighbourhood is None:
            raise CommandError(
                _("Unknown CBS code: %(code)s. A neighbourhood code looks like BU02021990.")
                % {"code": options["neighbourhood"]}
            )
        if kind == "financier":
            return financier_report(neighbourhood=neighbourhood, year=options["year"], site=site)
        return buurtbeeld_report(neighbourhood=neighbourhood, year=options["year"], site=site)

    def _synthese(self, options: dict[str, Any], site: str) -> Synthese:
        programme = Programme.objects.filter(slug=options["programme"]).first()
        if programme is None:
            known = ", ".join(Programme.objects.order_by("slug").values_list("slug", flat=True)) or "—"
            raise CommandError(
                _("Unknown programme: %(slug)s. Known programmes: %(known)s.")
                % {"slug": options["programme"], "known": known}
            )
        neighbourhoods = list(Neighbourhood.objects.filter(programme=programme).order_by("pk"))
        if not neighbourhoods:
            raise CommandError(
                _("The programme %(name)s has no neighbourhoods yet.") % {"name": programme.name}
            )
        year = options["year"]
        if year is None:
            years = data_years(neighbourhood_ids=[n.pk for n in neighbourhoods])
            if not years:
                raise CommandError(_("Nothing has been recorded here yet, in any year."))
            year = years[-1]
        others = [(other, list(Neighbourhood.objects.filter(programme=other).order_by("pk")))
                  for other in Programme.objects.exclude(pk=programme.pk).order_by("name")]  # fmt: skip
        return synthese_report(
            programme=programme,
            neighbourhoods=neighbourhoods,
            year=year,
            other_programmes=others,
            site=site,
        )


def _output_arguments(parser) -> None:
    """What every report's command takes: where to write the PDF and where the app runs (for its links)."""
    parser.add_argument("--out", required=True, help="the PDF file to write")
    parser.add_argument(
        "--site-url",
        default="http://127.0.0.1:8000",
        help="where the app runs, for the links to the evidence in the PDF",
    )
