from django.contrib import admin

from krachtvansamen.people.models import Consent, Funding, Membership, Organisation, Person


class ConsentInline(admin.TabularInline):
    model = Consent
    extra = 0
    readonly_fields = ("recorded_at", "recorded_by")


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ("pseudonym", "neighbourhood", "role", "age_band", "origin")
    list_filter = ("role", "neighbourhood__programme")
    search_fields = ("pseudonym",)
    raw_id_fields = ("neighbourhood", "user", "organisation")
    inlines = [ConsentInline]


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
