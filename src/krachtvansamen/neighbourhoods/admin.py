from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from krachtvansamen.neighbourhoods.data_versions import data_versions_bump_everything
from krachtvansamen.neighbourhoods.models import (
    CbsImport,
    CbsRecord,
    MeasurementYear,
    Neighbourhood,
    Programme,
)


@admin.register(Programme)
class ProgrammeAdmin(admin.ModelAdmin):
    list_display = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Neighbourhood)
class NeighbourhoodAdmin(admin.ModelAdmin):
    list_display = ("name", "cbs_code", "municipality_name", "programme", "is_focus")
    list_filter = ("programme", "is_focus", "municipality_name")
    search_fields = ("name", "cbs_code", "municipality_name")


@admin.register(MeasurementYear)
class MeasurementYearAdmin(admin.ModelAdmin):
    list_display = ("year", "is_open")


@admin.register(CbsRecord)
class CbsRecordAdmin(admin.ModelAdmin):
    """Read-only: CBS figures come from `kvs import-cbs`, never from hand edits."""

    list_display = ("region_code", "name", "kind", "year", "population", "municipality_name")
    list_filter = ("year", "kind")
    search_fields = ("region_code", "name", "municipality_name")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[CbsRecord]) -> None:
        # CbsRecord has no delete signal (see reports.cache_invalidation): the reports are retired here.
        super().delete_queryset(request, queryset)
        data_versions_bump_everything()

    def delete_model(self, request: HttpRequest, obj: CbsRecord) -> None:
        super().delete_model(request, obj)
        data_versions_bump_everything()


@admin.register(CbsImport)
class CbsImportAdmin(admin.ModelAdmin):
    list_display = ("file_name", "table_id", "year", "rows", "created", "updated", "unchanged", "imported_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
