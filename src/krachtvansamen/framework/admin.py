from django.contrib import admin

from krachtvansamen.framework.models import Code, Codebook


class CodeInline(admin.TabularInline):
    model = Code
    fields = ("key", "label_nl", "label_en", "is_user_defined")
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Codebook)
class CodebookAdmin(admin.ModelAdmin):
    list_display = ("version", "title_nl", "released", "is_current", "loaded_at")
    # Versions are loaded from files (kvs codebook load); editing them here would break their hash check.
    readonly_fields = ("version", "title_nl", "title_en", "source", "released", "content_hash", "is_current")
    inlines = [CodeInline]

    def has_add_permission(self, request):
        return False


@admin.register(Code)
class CodeAdmin(admin.ModelAdmin):
    list_display = ("key", "label_nl", "label_en", "codebook", "is_user_defined")
    list_filter = ("codebook", "group", "is_user_defined")
    search_fields = ("key", "label_nl", "label_en", "definition_nl")
    readonly_fields = ("codebook", "key", "parent", "group", "depth")
