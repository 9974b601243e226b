from django.contrib import admin

from krachtvansamen.coding.models import Coding, Fragment


class CodingInline(admin.TabularInline):
    model = Coding
    extra = 0
    raw_id_fields = ("code", "coder")


@admin.register(Fragment)
class FragmentAdmin(admin.ModelAdmin):
    list_display = ("__str__", "neighbourhood", "year", "instrument", "speaker_role", "consent_level")
    list_filter = ("instrument", "year", "speaker_role", "consent_level")
    search_fields = ("text",)
    raw_id_fields = ("neighbourhood", "speaker", "recorded_by")
    inlines = [CodingInline]
