from django.contrib import admin

from krachtvansamen.assessments.models import FactorObservation, SustainabilityAssessment


@admin.register(FactorObservation)
class FactorObservationAdmin(admin.ModelAdmin):
    list_display = ("neighbourhood", "year", "code", "direction")
    list_filter = ("direction", "year", "code__key")
    raw_id_fields = ("neighbourhood", "code", "fragment")


@admin.register(SustainabilityAssessment)
class SustainabilityAssessmentAdmin(admin.ModelAdmin):
    list_display = ("neighbourhood", "year", "code", "status")
    list_filter = ("status", "year")
    raw_id_fields = ("neighbourhood", "code")
