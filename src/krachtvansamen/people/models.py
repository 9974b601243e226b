"""Pseudonymous persons, organisations, the roles that scope access, and consent."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from krachtvansamen.neighbourhoods.models import Neighbourhood, Programme


class Role(models.TextChoices):
    RESIDENT = "resident", _("resident")
    CONNECTOR = "connector", _("connector")
    COMMUNITY_BUILDER = "community_builder", _("community builder")
    RESEARCHER = "researcher", _("researcher")
    PROGRAMME_MANAGER = "programme_manager", _("programme manager")
    FUNDER = "funder", _("funder")
    # A policy officer of a municipality: reads the Beleidssignalen of that municipality, never raw data.
    MUNICIPALITY = "gemeente", _("policy officer (municipality)")
    ADMIN = "admin", _("administrator")


class AgeBand(models.TextChoices):
    """The CBS age groups, so participants can be compared with who lives there."""

    AGE_0_15 = "0-15", _("under 15")
    AGE_15_25 = "15-25", _("15 to 25")
    AGE_25_45 = "25-45", _("25 to 45")
    AGE_45_65 = "45-65", _("45 to 65")
    AGE_65_PLUS = "65+", _("65 and older")


class Origin(models.TextChoices):
    """CBS 2024 herkomstland categories."""

    NETHERLANDS = "netherlands", _("Netherlands")
    EUROPE = "europe", _("Europe (outside the Netherlands)")
    OUTSIDE_EUROPE = "outside_europe", _("outside Europe")


class Gender(models.TextChoices):
    MAN = "man", _("man")
    WOMAN = "woman", _("woman")
    OTHER = "other", _("other")


class Organisation(models.Model):
    class Kind(models.TextChoices):
        MUNICIPALITY = "gemeente", _("municipality")
        WELFARE = "welzijn", _("welfare organisation")
        HOUSING = "woningcorporatie", _("housing corporation")
        CARE = "zorg", _("care")
        SCHOOL = "school", _("school")
        FUND = "fonds", _("fund")
        RESIDENTS = "bewonersorganisatie", _("residents' organisation")
        ENTREPRENEUR = "ondernemer", _("entrepreneur")
        OTHER = "other", _("other")

    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=30, choices=Kind.choices)
    municipality_code = models.CharField(_("municipality code"), max_length=6, blank=True)
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.SET_NULL, null=True, blank=True, related_name="organisations"
    )

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Person(models.Model):
    """A participant, known by a pseudonym. Demographics only with recorded consent."""

    class PersonRole(models.TextChoices):
        RESIDENT = "resident", _("resident")
        CONNECTOR = "connector", _("connector")
        COMMUNITY_BUILDER = "community_builder", _("community builder")
        PROFESSIONAL = "professional", _("professional")

    pseudonym = models.CharField(_("pseudonym"), max_length=100)
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.CASCADE, related_name="persons", verbose_name=_("neighbourhood")
    )
    role = models.CharField(_("role"), max_length=30, choices=PersonRole.choices, default=PersonRole.RESIDENT)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="people"
    )
    age_band = models.CharField(_("age group"), max_length=6, choices=AgeBand.choices, blank=True)
    origin = models.CharField(_("origin"), max_length=20, choices=Origin.choices, blank=True)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender.choices, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="person"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")
        ordering = ["pseudonym"]
        constraints = [
            models.UniqueConstraint(
                fields=["neighbourhood", "pseudonym"], name="unique_pseudonym_per_neighbourhood"
            )
        ]

    def __str__(self) -> str:
        return self.pseudonym


class Membership(models.Model):
    """What a user may reach. Scope checks read only this table (see people.access)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, null=True, blank=True, related_name="memberships"
    )

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.CheckConstraint(
                name="membership_scope_fits_role",
                condition=(
                    (
                        models.Q(role__in=["connector", "community_builder"])
                        & models.Q(neighbourhood__isnull=False)
                    )
                    | (models.Q(role="programme_manager") & models.Q(programme__isnull=False))
                    | (models.Q(role="funder") & models.Q(organisation__isnull=False))
                    | (models.Q(role="gemeente") & models.Q(organisation__isnull=False))
                    | models.Q(role__in=["researcher", "admin", "resident"])
                ),
            )
        ]

    def __str__(self) -> str:
        scope = self.neighbourhood or self.programme or self.organisation or _("everything")
        return f"{self.user} — {self.get_role_display()} — {scope}"


class Funding(models.Model):
    """A funder's grant to a neighbourhood: decides which reports a funder may read."""

    funder = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="fundings")
    neighbourhood = models.ForeignKey(Neighbourhood, on_delete=models.CASCADE, related_name="fundings")
    programme = models.ForeignKey(Programme, on_delete=models.SET_NULL, null=True, blank=True)
    start_year = models.PositiveSmallIntegerField(_("first year"))
    end_year = models.PositiveSmallIntegerField(_("last year"))
    purpose = models.CharField(_("purpose"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("funding")
        verbose_name_plural = _("fundings")
        constraints = [
            models.CheckConstraint(
                name="funding_years_in_order", condition=models.Q(end_year__gte=models.F("start_year"))
            )
        ]

    def __str__(self) -> str:
        return f"{self.funder} → {self.neighbourhood} ({self.start_year}–{self.end_year})"


class Consent(models.Model):
    """A consent given (or withdrawn) by a person, per purpose. The newest record for a scope counts."""

    class Scope(models.TextChoices):
        PARTICIPATION = "participation", _("taking part and being recorded")
        DEMOGRAPHICS = "demographics", _("age group, origin and gender")
        QUOTES = "quotes", _("quoting what I said")

    class Level(models.TextChoices):
        INTERNAL = "internal", _("internal use only")
        PSEUDONYMISED = "pseudonymised", _("quotable, pseudonymised")
        NAMED = "named", _("quotable with name")

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    scope = models.CharField(_("for"), max_length=20, choices=Scope.choices)
    given = models.BooleanField(_("given"), default=True)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, blank=True)
    method = models.CharField(_("how it was asked"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+",
        verbose_name=_("recorded by"),
    )  # fmt: skip
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        ordering = ["-recorded_at"]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_scope_display()} — {'ja' if self.given else 'nee'}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Only new records: the history of a consent is the proof of it (AVG art. 7(1)). Narrowing or
        withdrawing is a new record, which counts because it is the newest."""
        if self.pk is not None and Consent.objects.filter(pk=self.pk).exists():
            raise ConsentHistoryError(_("A consent that was recorded cannot be changed: record a new one."))
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        """Only erasure of the whole person removes consents (``privacy.erasure``), never one record."""
        raise ConsentHistoryError(_("A consent that was recorded cannot be deleted: record a new one."))


class ConsentHistoryError(Exception):
    """An attempt to change or remove a recorded consent."""


# Roles a community builder (or an administrator) may invite someone to, in one neighbourhood.
INVITABLE_ROLES = [
    (Role.CONNECTOR.value, Role.CONNECTOR.label),
    (Role.COMMUNITY_BUILDER.value, Role.COMMUNITY_BUILDER.label),
]


class Invitation(models.Model):
    """An invitation by e-mail to join one neighbourhood as a connector or community builder.

    Only a hash (sha256) of the link's secret token is stored: whoever reads the database cannot accept an
    invitation. An invitation is open until it is accepted (once), withdrawn or expired (see
    ``people.invitations``)."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        ACCEPTED = "accepted", _("accepted")
        EXPIRED = "expired", _("expired")
        WITHDRAWN = "withdrawn", _("withdrawn")

    email = models.EmailField(_("e-mail address"))
    neighbourhood = models.ForeignKey(
        Neighbourhood, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("neighbourhood")
    )
    role = models.CharField(_("role"), max_length=30, choices=INVITABLE_ROLES)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(_("invited on"))
    expires_at = models.DateTimeField(_("valid until"))
    accepted_at = models.DateTimeField(_("accepted on"), null=True, blank=True)
    accepted_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account made"),
    )
    revoked_at = models.DateTimeField(_("withdrawn on"), null=True, blank=True)
    token_hash = models.CharField(_("token hash"), max_length=64, unique=True, editable=False)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["neighbourhood", "email"], name="invitation_neighbourhood_email")]

    def __str__(self) -> str:
        return f"{self.email} → {self.neighbourhood} ({self.get_role_display()})"

    def status_at(self, now: Any) -> str:
        """open / accepted / expired / withdrawn at the moment ``now``."""
        if self.accepted_at is not None:
            return self.Status.ACCEPTED
        if self.revoked_at is not None:
            return self.Status.WITHDRAWN
        if now >= self.expires_at:
            return self.Status.EXPIRED
        return self.Status.OPEN
