from django.contrib import admin

from krachtvansamen.effectenplein.models import Meeting, Participant, Recognition, Story, Vote


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = (
        "title", "neighbourhood", "year", "code", "status", "max_participants", "created_at", "expires_at",
    )  # fmt: skip
    list_filter = ("status", "year")
    search_fields = ("title", "code")
    raw_id_fields = ("neighbourhood", "opened_by")
    readonly_fields = ("version", "created_at", "closed_at")


@admin.register(Story)
class StoryAdmin(admin.ModelAdmin):
    list_display = (
        "__str__", "meeting", "level", "consent_to_quote", "hidden", "keep", "is_most_significant", "created_at",
    )  # fmt: skip
    list_filter = ("level", "is_most_significant", "consent_to_quote", "hidden", "keep")
    search_fields = ("text",)
    raw_id_fields = ("meeting", "participant", "fragment")


@admin.register(Participant)
class ParticipantAdmin(admin.ModelAdmin):
    list_display = ("__str__", "meeting", "created_at")
    raw_id_fields = ("meeting",)
    # The token hash is the participant's only key; it is never shown.
    exclude = ("token_hash", "device_hash", "address_hash")


admin.site.register(Recognition, raw_id_fields=("participant", "story"))
admin.site.register(Vote, raw_id_fields=("participant", "story"))
