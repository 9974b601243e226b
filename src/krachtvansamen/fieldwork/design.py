"""The study's own fieldwork design, the default of every new plan.

Source: the public version of the research report "De Kracht van Samen" (Verwey-Jonker Instituut / HAN, 2025),
Afbeelding 3 "Toelichting onderzoeksactiviteiten: buurten breed en extra voor focusbuurten", and the
introduction ("In alle buurten is gebruikgemaakt van buurtscans en vragenlijsten. Daarnaast zijn twaalf buurten
geselecteerd als focusbuurten, waar verdiepend onderzoek is gedaan met Wijkwaardenkaart-gesprekken,
diepte-interviews, buurtbezoeken en dialogische bijeenkomsten zoals effectenpleinen."):

    2023  all:   Buurtscan, vragenlijst (training Wijkwaardenkaart)
          focus: (selectie focusbuurten), eerste ronde buurtbezoeken, Wijkwaardenkaart-gesprekken
    2024  all:   vragenlijst, Pas-op-de-plaats-gesprekken
          focus: tweede ronde buurtbezoeken, Wijkwaardenkaart-gesprekken
    2025  all:   vragenlijst, reflectiesessie (analyse Pas-op-de-plaats-gesprekken)
          focus: diepte-interviews, Effectenpleinen

The activities in brackets are the researchers' own work, not an instrument that leaves a record here, so they
are not plan rows. The figure gives only the year: the default period is the whole calendar year, and the
programme manager narrows it. A year outside 2023–2025 gets our choice (not the study's): the instruments the
study handed over to run without researchers — the questionnaire and Pas-op-de-plaats everywhere, Wijkwaardenkaart
and an Effectenplein in the focus neighbourhoods.
"""

from __future__ import annotations

from dataclasses import dataclass

from krachtvansamen.coding.models import Instrument
from krachtvansamen.fieldwork.models import Scope


@dataclass(frozen=True)
class DesignRow:
    instrument: str
    scope: str


STUDY_DESIGN: dict[int, list[DesignRow]] = {
    2023: [
        DesignRow(Instrument.BUURTSCAN, Scope.ALL),
        DesignRow(Instrument.VRAGENLIJST, Scope.ALL),
        DesignRow(Instrument.BUURTBEZOEK, Scope.FOCUS),
        DesignRow(Instrument.WIJKWAARDENKAART, Scope.FOCUS),
    ],
    2024: [
        DesignRow(Instrument.VRAGENLIJST, Scope.ALL),
        DesignRow(Instrument.PAS_OP_DE_PLAATS, Scope.ALL),
        DesignRow(Instrument.BUURTBEZOEK, Scope.FOCUS),
        DesignRow(Instrument.WIJKWAARDENKAART, Scope.FOCUS),
    ],
    2025: [
        DesignRow(Instrument.VRAGENLIJST, Scope.ALL),
        DesignRow(Instrument.REFLECTIESESSIE, Scope.ALL),
        DesignRow(Instrument.INTERVIEW, Scope.FOCUS),
        DesignRow(Instrument.EFFECTENPLEIN, Scope.FOCUS),
    ],
}
LATER_YEARS = [
    DesignRow(Instrument.VRAGENLIJST, Scope.ALL),
    DesignRow(Instrument.PAS_OP_DE_PLAATS, Scope.ALL),
    DesignRow(Instrument.WIJKWAARDENKAART, Scope.FOCUS),
    DesignRow(Instrument.EFFECTENPLEIN, Scope.FOCUS),
]


def design_for_year(year: int) -> list[DesignRow]:
    return STUDY_DESIGN.get(year, LATER_YEARS)
