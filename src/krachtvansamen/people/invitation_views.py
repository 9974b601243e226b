"""Pages for invitations: the list and the form to invite (community builders, administrators), and the
page behind the link in the e-mail, where the invited person chooses a user name and password."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from krachtvansamen.core.forms import ExplainedChoiceField, add_errors, style_fields
from krachtvansamen.core.security import client_address
from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.people.invitations import (
    InvitationUnusable,
    accept,
    invitation_for_token,
    invitations_for_user,
    invite,
    neighbourhoods_for_inviting,
    revoke,
    token_guessing_wait,
    token_unknown,
    user_invites,
)
from krachtvansamen.people.models import INVITABLE_ROLES, Role

ROLE_EXPLANATIONS = {
    Role.CONNECTOR.value: gettext_lazy(
        "Records assets, activities and contacts in the neighbourhood and sees its data."
    ),
    Role.COMMUNITY_BUILDER.value: gettext_lazy(
        "Can do the same, and also code conversations and invite others for the neighbourhood."
    ),
}


class InviteForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("E-mail address"),
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    neighbourhood = forms.ModelChoiceField(
        label=gettext_lazy("Neighbourhood"), queryset=Neighbourhood.objects.none(), empty_label=None
    )
    role = ExplainedChoiceField(
        label=gettext_lazy("Role"),
        choices=INVITABLE_ROLES,
        initial=Role.CONNECTOR.value,
        explanations=ROLE_EXPLANATIONS,
    )

    def __init__(self, *args: object, neighbourhoods: QuerySet[Neighbourhood], **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        field = self.fields["neighbourhood"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = neighbourhoods.order_by("name")
        style_fields(self)


class AcceptForm(forms.Form):
    username = forms.CharField(
        label=gettext_lazy("User name"),
        max_length=150,
        help_text=gettext_lazy("You log in with this name. Letters, digits and @ . + - _ only."),
        widget=forms.TextInput(attrs={"autocomplete": "username", "autocapitalize": "none"}),
    )
    password1 = forms.CharField(
        label=gettext_lazy("Password"),
        strip=False,
        help_text=gettext_lazy(
            "At least 8 characters. Not a password many people use, and not like your user name or e-mail "
            "address."
        ),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=gettext_lazy("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        style_fields(self)

    def clean(self) -> dict[str, object]:
        data = super().clean() or {}
        first, second = data.get("password1"), data.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The two passwords are not the same."))
        return data


def _refuse_outside_scope(request: HttpRequest, neighbourhoods: QuerySet[Neighbourhood]) -> None:
    """A neighbourhood outside the user's scope in the posted form is a tampered request: 403, not a form
    error."""
    wanted = request.POST.get("neighbourhood", "")
    if wanted.isdigit() and not neighbourhoods.filter(pk=int(wanted)).exists():
        if Neighbourhood.objects.filter(pk=int(wanted)).exists():
            raise PermissionDenied(_("You may not invite people for this neighbourhood."))


@login_required
def invitation_list(request: HttpRequest) -> HttpResponse:
    if not user_invites(user=request.user):
        raise PermissionDenied(_("Only community builders and administrators can invite people."))
    neighbourhoods = neighbourhoods_for_inviting(user=request.user)
    if request.method == "POST":
        _refuse_outside_scope(request, neighbourhoods)
        form = InviteForm(request.POST, neighbourhoods=neighbourhoods)
        if form.is_valid():
            try:
                sent = invite(
                    inviter=request.user,
                    email=form.cleaned_data["email"],
                    neighbourhood=form.cleaned_data["neighbourhood"],
                    role=form.cleaned_data["role"],
                    build_absolute_uri=request.build_absolute_uri,
                )
            except ValidationError as error:
                add_errors(form, error)
            else:
                messages.success(
                    request,
                    _("The invitation was sent to %(email)s. The link works for 7 days.")
                    % {"email": sent.invitation.email},
                )
                return redirect("invitations")
    else:
        form = InviteForm(neighbourhoods=neighbourhoods)
    now = timezone.now()
    rows = [
        {"invitation": invitation, "status": invitation.status_at(now)}
        for invitation in invitations_for_user(user=request.user)
    ]
    return render(request, "people/invitations.html", {"form": form, "rows": rows})


@login_required
@require_POST
def invitation_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = get_object_or_404(invitations_for_user(user=request.user), pk=pk)
    try:
        revoke(user=request.user, invitation=invitation)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, _("The invitation for %(email)s was withdrawn.") % {"email": invitation.email}
        )
    return redirect("invitations")


def _unusable(request: HttpRequest, message: str, status: int) -> HttpResponse:
    response = render(request, "people/invitation_invalid.html", {"message": message}, status=status)
    response["Referrer-Policy"] = "same-origin"
    return response


@never_cache
def invitation_accept(request: HttpRequest, token: str) -> HttpResponse:
    """Anonymous: the page behind the e-mail's link. Unknown tokens count against the client's address."""
    address = client_address(request)
    wait = token_guessing_wait(address=address)
    if wait:
        minutes = max(1, -(-wait // 60))
        response = _unusable(
            request,
            _("Too many invitation links that do not exist were tried from this network. Wait %(minutes)d "
              "minutes and try again.") % {"minutes": minutes},
            429,
        )  # fmt: skip
        response["Retry-After"] = str(wait)
        return response
    try:
        invitation = invitation_for_token(token=token)
    except InvitationUnusable as unusable:
        if unusable.status == 404:
            token_unknown(address=address)
        return _unusable(request, unusable.message, unusable.status)
    form = AcceptForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = accept(
                token=token,
                username=form.cleaned_data["username"],
                password=form.cleaned_data["password1"],
            )
        except InvitationUnusable as unusable:  # used or withdrawn while the form was open
            return _unusable(request, unusable.message, unusable.status)
        except ValidationError as error:
            add_errors(form, error)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(
                request,
                _("Welcome! Your account is ready. You are now %(role)s in %(neighbourhood)s.")
                % {"role": invitation.get_role_display(), "neighbourhood": invitation.neighbourhood.name},
            )
            return redirect("start")
    response = render(request, "people/invitation_accept.html", {"form": form, "invitation": invitation})
    response["Referrer-Policy"] = "same-origin"
    return response
