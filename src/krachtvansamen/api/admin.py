"""API tokens in Beheer: who holds which token, when it was last used, and revoking one. Only the prefix is
shown, never the hash; tokens are made with ``kvs api-token``, which prints a new token once."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from krachtvansamen.api.models import ApiToken
from krachtvansamen.api.tokens import tokens_revoke


class StateFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, Any]]:
        return [("active", _("in use")), ("revoked", _("revoked"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> QuerySet[ApiToken]:
        if self.value() == "active":
            return queryset.filter(revoked_at__isnull=True)
        if self.value() == "revoked":
            return queryset.filter(revoked_at__isnull=False)
        return queryset


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ("holder", "name", "prefix", "in_use", "revoked_at", "last_used", "created")
    list_filter = (StateFilter,)
    search_fields = ("user__username", "name", "prefix")
    fields = ("holder", "name", "prefix", "created", "last_used", "revoked_at")  # never token_hash
    readonly_fields = fields
    actions = ["revoke"]
    ordering = ("-created", "pk")

    @admin.display(description=_("user"), ordering="user__username")
    def holder(self, token: ApiToken) -> str:
        return str(token.user)

    @admin.display(description=_("in use"), boolean=True)
    def in_use(self, token: ApiToken) -> bool:
        return token.revoked_at is None

    def has_add_permission(self, request: HttpRequest) -> bool:
        # A token is shown once, when it is made: `kvs api-token --user NAME` prints it in the terminal.
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    # Who may delete a token may revoke it; revoking keeps the record (who held it, when it was last used).
    @admin.action(description=_("Revoke the selected API tokens"), permissions=["delete"])
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        count = tokens_revoke(tokens=queryset)
        self.message_user(
            request,
            ngettext("%(count)d API token revoked.", "%(count)d API tokens revoked.", count)
            % {"count": count},
            messages.SUCCESS,
        )
