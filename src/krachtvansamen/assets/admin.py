from django.contrib import admin

from krachtvansamen.assets.models import Activity, Asset


@admin.register(Asset)
class AssetAdmin(admin.ModelAdmin):
    list_display = ("name", "category", "is_meeting_place", "neighbourhood", "year")
    list_filter = ("category", "is_meeting_place", "year")
    search_fields = ("name", "description")
    raw_id_fields = ("neighbourhood", "person", "organisation")


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ("title", "initiated_by", "neighbourhood", "year", "participant_count")
    list_filter = ("initiated_by", "year")
    search_fields = ("title",)
    raw_id_fields = (
        "neighbourhood",
        "initiator_person",
        "initiator_organisation",
        "meeting_place",
        "participants",
    )
