from django.contrib import admin

from krachtvansamen.documents.models import Document


@admin.register(Document)
class DocumentAdmin(admin.ModelAdmin):
    # Read-only: documents are made and deleted through the app, where the fragments go with them.
    list_display = ("title", "neighbourhood", "year", "instrument", "kind", "created_at")
    list_filter = ("instrument", "year", "kind")
    search_fields = ("title", "neighbourhood__name")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
