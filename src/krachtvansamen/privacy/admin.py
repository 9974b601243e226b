"""Admin: the erasure action on persons ("Wis deze persoon overal (AVG)") and the erasure records.

The ``Person`` admin belongs to people, a lower layer that cannot import privacy; privacy takes it over here
(admin modules load in INSTALLED_APPS order, people first) and adds the action.
"""

from __future__ import annotations

import json

from django.contrib import admin, messages
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from krachtvansamen.people.admin import PersonAdmin
from krachtvansamen.people.models import Person
from krachtvansamen.privacy.access_export import person_data
from krachtvansamen.privacy.erasure import person_erase
from krachtvansamen.privacy.models import AccessLogEntry, ErasureRecord


class PersonErasureAdmin(PersonAdmin):
    """Deleting a person in the admin (one, or "delete selected") is an erasure too: a plain delete would
    keep their words in submission answers (issue 13 row 7)."""

    actions = ["erase_everywhere", "download_data"]

    def delete_model(self, request: HttpRequest, obj: Person) -> None:
        person_erase(obj, request.user, _("Deleted in the admin"))

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Person]) -> None:
        for person in queryset:
            person_erase(person, request.user, _("Deleted in the admin"))

    @admin.action(description=gettext_lazy("Erase this person everywhere (GDPR)"))
    def erase_everywhere(self, request: HttpRequest, queryset: QuerySet[Person]) -> HttpResponse | None:
        if not request.user.is_superuser:
            self.message_user(request, _("Only an administrator may erase a person."), messages.ERROR)
            return None
        reason = request.POST.get("reason", "").strip()
        if request.POST.get("confirm") == "yes" and reason:
            done = 0
            for person in queryset:
                try:
                    person_erase(person, request.user, reason)
                except ValidationError as error:
                    self.message_user(request, " ".join(error.messages), messages.ERROR)
                    continue
                done += 1
            self.message_user(request, _("Erased everywhere: %(count)d person(s).") % {"count": done})
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": _("Erase everywhere"),
            "persons": queryset,
            "missing_reason": request.POST.get("confirm") == "yes" and not reason,
            "action_checkbox_name": ACTION_CHECKBOX_NAME,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "privacy/erase_confirm.html", context)

    @admin.action(description=gettext_lazy("Download this person's data (GDPR art. 15)"))
    def download_data(self, request: HttpRequest, queryset: QuerySet[Person]) -> HttpResponse | None:
        """One person at a time: a file of several people's data would be a leak, not an answer."""
        if queryset.count() != 1:
            self.message_user(request, _("Choose exactly one person."), messages.ERROR)
            return None
        person = queryset.get()
        response = HttpResponse(
            json.dumps(person_data(person), ensure_ascii=False, indent=2), content_type="application/json"
        )
        response["Content-Disposition"] = f'attachment; filename="persoon-{person.pk}.json"'
        response["Cache-Control"] = "no-store"
        return response


admin.site.unregister(Person)
admin.site.register(Person, PersonErasureAdmin)


@admin.register(ErasureRecord)
class ErasureRecordAdmin(admin.ModelAdmin):
    list_display = ("erased_at", "erased_by", "neighbourhood", "reason")
    readonly_fields = ("erased_at", "erased_by", "neighbourhood", "reason", "counts")

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: ErasureRecord | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: ErasureRecord | None = None) -> bool:
        return False


@admin.register(AccessLogEntry)
class AccessLogAdmin(admin.ModelAdmin):
    """Read by administrators only; nobody adds, changes or removes an entry here."""

    list_display = ("at", "username", "action", "kind", "path", "status")
    list_filter = ("action", "kind")
    search_fields = ("username", "path")
    readonly_fields = ("at", "user", "username", "action", "kind", "path", "status")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return bool(request.user.is_superuser)

    def has_view_permission(self, request: HttpRequest, obj: AccessLogEntry | None = None) -> bool:
        return bool(request.user.is_superuser)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AccessLogEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AccessLogEntry | None = None) -> bool:
        return False
