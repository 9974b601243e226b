"""Programmes, neighbourhoods, measurement years and the CBS figures (tellen) behind them."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

cbs_buurt_code_validator = RegexValidator(
    r"^BU\d{4}[0-9A-Z]{4}$",
    _(
        "A CBS neighbourhood code looks like BU03630000: BU, the 4 digits of the municipality and 4 more characters."
    ),
)


class Programme(models.Model):
    slug = models.SlugField(_("short name"), unique=True)
    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Neighbourhood(models.Model):
    cbs_code = models.CharField(
        _("CBS code"), max_length=10, unique=True, validators=[cbs_buurt_code_validator]
    )
    name = models.CharField(_("name"), max_length=200)
    municipality_code = models.CharField(_("municipality code"), max_length=6, blank=True)
    municipality_name = models.CharField(_("municipality"), max_length=200, blank=True)
    programme = models.ForeignKey(
        Programme,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="neighbourhoods",
        verbose_name=_("programme"),
    )
    is_focus = models.BooleanField(_("focus neighbourhood"), default=False)

    class Meta:
        verbose_name = _("neighbourhood")
        verbose_name_plural = _("neighbourhoods")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.municipality_name})" if self.municipality_name else self.name


class MeasurementYear(models.Model):
    """The yearly rhythm of the instruments (2023, 2024, 2025 in the study)."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    is_open = models.BooleanField(_("open for new data"), default=True)

    class Meta:
        verbose_name = _("measurement year")
        verbose_name_plural = _("measurement years")
        ordering = ["year"]

    def __str__(self) -> str:
        return str(self.year)


class CbsImport(models.Model):
    """One run of ``kvs import-cbs``: what came in, so a second run of the same file can say so."""

    file_name = models.CharField(max_length=300)
    sha256 = models.CharField(max_length=64, db_index=True)
    table_id = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    layout = models.CharField(max_length=40)
    rows = models.PositiveIntegerField()
    created = models.PositiveIntegerField(default=0)
    updated = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("CBS import")
        verbose_name_plural = _("CBS imports")
        ordering = ["-imported_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.year})"


class CbsRecord(models.Model):
    """Kerncijfers wijken en buurten for one region in one year, as published by CBS (CC BY 4.0)."""

    class Kind(models.TextChoices):
        COUNTRY = "land", _("country")
        MUNICIPALITY = "gemeente", _("municipality")
        DISTRICT = "wijk", _("district")
        NEIGHBOURHOOD = "buurt", _("neighbourhood")

    year = models.PositiveSmallIntegerField(_("year"))
    region_code = models.CharField(_("region code"), max_length=10)
    kind = models.CharField(_("kind of region"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    municipality_name = models.CharField(_("municipality"), max_length=200, blank=True)
    table_id = models.CharField(_("StatLine table"), max_length=20)
    # CBS "indelingswijziging": 1 = boundaries unchanged since last year, 2 = changed; blank = unknown.
    boundary_change = models.CharField(_("boundary change code"), max_length=2, blank=True)
    source_row = models.PositiveIntegerField(
        help_text="Row number in the StatLine export (1 = first data row)."
    )
    population = models.PositiveIntegerField(_("residents"), null=True)
    men = models.PositiveIntegerField(null=True)
    women = models.PositiveIntegerField(null=True)
    age_0_15 = models.PositiveIntegerField(null=True)
    age_15_25 = models.PositiveIntegerField(null=True)
    age_25_45 = models.PositiveIntegerField(null=True)
    age_45_65 = models.PositiveIntegerField(null=True)
    age_65_plus = models.PositiveIntegerField(null=True)
    origin_netherlands = models.PositiveIntegerField(null=True)
    origin_europe = models.PositiveIntegerField(null=True)
    origin_outside_europe = models.PositiveIntegerField(null=True)
    # Every other column of the export, by its CBS label, so nothing published is thrown away.
    extra = models.JSONField(default=dict, blank=True)
    # Fields CBS kept secret ('.'), so a blank is never read as zero.
    suppressed = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("CBS record")
        verbose_name_plural = _("CBS records")
        ordering = ["year", "region_code"]
        constraints = [models.UniqueConstraint(fields=["year", "region_code"], name="unique_cbs_region_year")]
        indexes = [models.Index(fields=["region_code", "year"])]

    def __str__(self) -> str:
        return f"{self.region_code} {self.name} ({self.year})"


class DataVersion(models.Model):
    """A token that changes whenever data a report reads changes: one row per neighbourhood and one for data
    every report reads (``neighbourhoods.data_versions``). Cached reports are keyed by these tokens."""

    key = models.CharField(max_length=40, primary_key=True)  # "all", or "n:<neighbourhood id>"
    version = models.BigIntegerField(default=0)  # how often it changed (for people reading the table)
    # A fresh random value at every change: a rolled-back change can bump the counter to the same number a later
    # committed change reaches, never to the same token, so a report cached inside that transaction stays unused.
    token = models.CharField(max_length=32)

    class Meta:
        verbose_name = _("data version")
        verbose_name_plural = _("data versions")

    def __str__(self) -> str:
        return f"{self.key} v{self.version}"
