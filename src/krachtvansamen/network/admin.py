from django.contrib import admin

from krachtvansamen.network.models import Relation


@admin.register(Relation)
class RelationAdmin(admin.ModelAdmin):
    list_display = ("__str__", "neighbourhood", "year", "capital_type", "is_new")
    list_filter = ("capital_type", "year", "is_new")
    raw_id_fields = (
        "neighbourhood",
        "source_person",
        "source_organisation",
        "target_person",
        "target_organisation",
        "hook_activity",
        "hook_place",
        "hook_person",
    )
