from django.contrib import admin

from krachtvansamen.fieldwork.models import Plan, PlanItem, Reminder


class PlanItemInline(admin.TabularInline):
    model = PlanItem
    extra = 0
    fields = ("instrument", "scope", "starts_on", "due_on", "holder_role", "holder_user", "position")
    raw_id_fields = ("holder_user",)


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ("programme", "year", "updated_at")
    list_filter = ("programme", "year")
    inlines = [PlanItemInline]


@admin.register(Reminder)
class ReminderAdmin(admin.ModelAdmin):
    # A record of what went out: read only.
    list_display = ("item", "neighbourhood", "user", "kind", "due_on", "sent_at")
    list_filter = ("kind",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
