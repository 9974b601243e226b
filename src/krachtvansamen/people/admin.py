from django.contrib import admin

from krachtvansamen.people.models import Consent, Funding, Invitation, Membership, Organisation, Person


class ConsentInline(admin.TabularInline):
    """Consents are a history: a new record can be added (it counts, being the newest), none changed or
    removed."""

    model = Consent
    extra = 0
    readonly_fields = ("recorded_at", "recorded_by")

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("pseudonym", "neighbourhood", "role", "age_band", "origin")
    list_filter = ("role", "neighbourhood__programme")
    search_fields = ("pseudonym",)
    raw_id_fields = ("neighbourhood", "user", "organisation")
    inlines = [ConsentInline]

    def save_formset(self, request, form, formset, change):  # type: ignore[no-untyped-def]
        """A consent added here is recorded by the administrator who added it."""
        for record in formset.save(commit=False):
            if isinstance(record, Consent) and record.pk is None:
                record.recorded_by = request.user
            record.save()
        formset.save_m2m()


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "municipality_code")
    list_filter = ("kind",)
    search_fields = ("name",)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "role", "neighbourhood", "programme", "organisation")
    list_filter = ("role",)
    search_fields = ("user__username", "neighbourhood__name")
    raw_id_fields = ("neighbourhood",)


@admin.register(Funding)
class FundingAdmin(admin.ModelAdmin):
    list_display = ("funder", "neighbourhood", "programme", "start_year", "end_year")
    list_filter = ("funder", "programme")
    raw_id_fields = ("neighbourhood",)


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read-only: invitations are made, accepted and withdrawn on /uitnodigingen/ (``people.invitations``),
    so the e-mail is sent and the token is only ever stored as a hash. The hash itself is not shown."""

    list_display = (
        "email",
        "neighbourhood",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "revoked_at",
    )
    list_filter = ("role",)
    search_fields = ("email", "neighbourhood__name")
    fields = (
        "email",
        "neighbourhood",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_user",
        "revoked_at",
    )
    readonly_fields = fields

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False

    def has_change_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
