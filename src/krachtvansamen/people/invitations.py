"""Invitations: a community builder invites someone by e-mail to join their neighbourhood (privacy/security
issue row 11).

- Who may invite: an administrator for any neighbourhood; a community builder for the neighbourhood(s) where
  they are community builder, as connector or as community builder. Nobody else.
- The link holds a random token (``secrets.token_urlsafe(32)``); only its sha256 is stored. It works once,
  for ``INVITATION_VALID_FOR``, and not after it was withdrawn.
- Accepting makes the account and its membership in one transaction: a refused password leaves nothing.
- Unknown tokens count against the client's network address (a keyed hash of it, in Django's cache): after
  ``INVITATION_TOKEN_FAILURES`` (20 per 10 minutes unless settings say otherwise) that address has to wait,
  so guessing links does not pay off.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

from django.contrib.auth.models import AbstractUser
from django.contrib.auth.models import User as Account
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from krachtvansamen.core.throttle import FailureThrottle
from krachtvansamen.core.types import User
from krachtvansamen.neighbourhoods.models import Neighbourhood
from krachtvansamen.people.access import user_is_admin, user_roles
from krachtvansamen.people.models import INVITABLE_ROLES, Invitation, Membership, Role

INVITATION_VALID_FOR = timedelta(days=7)
# Unknown tokens per client address: (how many, per how many seconds).
DEFAULT_TOKEN_FAILURES = (20, 600)


class InvitationUnusable(Exception):
    """The token is unknown, or the invitation behind it can no longer be accepted."""

    def __init__(self, message: str, *, status: int) -> None:
        super().__init__(message)
        self.message = message
        self.status = status  # 404 unknown, 410 expired / used / withdrawn


@dataclass(frozen=True)
class Sent:
    invitation: Invitation
    link: str


def _now(now: datetime | None) -> datetime:
    return now if now is not None else timezone.now()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


# --- who may invite -----------------------------------------------------------------------------------------


def neighbourhoods_for_inviting(*, user: User) -> QuerySet[Neighbourhood]:
    """Where the user may invite (and see and withdraw invitations): everywhere for an administrator, else
    the neighbourhoods where they are community builder."""
    if not user.is_authenticated or not user.is_active:
        return Neighbourhood.objects.none()
    if user_is_admin(user=user):
        return Neighbourhood.objects.all()
    return Neighbourhood.objects.filter(
        memberships__user_id=user.pk, memberships__role=Role.COMMUNITY_BUILDER
    ).distinct()


def user_invites(*, user: User) -> bool:
    """Whether the invitations page belongs in the user's menu."""
    return bool(user_roles(user=user) & {Role.COMMUNITY_BUILDER, Role.ADMIN})


def may_invite(*, user: User, neighbourhood: Neighbourhood, role: str) -> bool:
    if role not in dict(INVITABLE_ROLES):
        return False
    return neighbourhoods_for_inviting(user=user).filter(pk=neighbourhood.pk).exists()


def invitations_for_user(*, user: User) -> QuerySet[Invitation]:
    return (
        Invitation.objects.filter(neighbourhood__in=neighbourhoods_for_inviting(user=user))
        .select_related("neighbourhood", "invited_by", "accepted_user")
        .order_by("-created_at", "-pk")
    )


# --- inviting -----------------------------------------------------------------------------------------------


def invite(
    *,
    inviter: User,
    email: str,
    neighbourhood: Neighbourhood,
    role: str,
    build_absolute_uri: Callable[[str], str],
    now: datetime | None = None,
) -> Sent:
    """Make the invitation and send its one e-mail, in one transaction: when the e-mail cannot be sent, no
    invitation remains. PermissionDenied outside the inviter's scope; ValidationError when the address
    already has an open invitation for the neighbourhood or already has this role there."""
    if not may_invite(user=inviter, neighbourhood=neighbourhood, role=role):
        raise PermissionDenied(_("You may not invite people for this neighbourhood."))
    moment = _now(now)
    email = email.strip()
    open_invitation = Invitation.objects.filter(
        neighbourhood=neighbourhood,
        email__iexact=email,
        accepted_at__isnull=True,
        revoked_at__isnull=True,
        expires_at__gt=moment,
    )
    if open_invitation.exists():
        raise ValidationError(
            {"email": _("This e-mail address already has an open invitation for this neighbourhood.")}
        )
    if Membership.objects.filter(
        user__email__iexact=email, neighbourhood=neighbourhood, role=role, user__is_active=True
    ).exists():
        raise ValidationError({"email": _("Someone with this e-mail address already has this role here.")})
    token = secrets.token_urlsafe(32)
    link = build_absolute_uri(reverse("invitation_accept", kwargs={"token": token}))
    try:
        with transaction.atomic():
            invitation = Invitation.objects.create(
                email=email,
                neighbourhood=neighbourhood,
                role=role,
                invited_by=cast(Account, inviter),
                created_at=moment,
                expires_at=moment + INVITATION_VALID_FOR,
                token_hash=token_hash(token),
            )
            context = {
                "invitation": invitation,
                "link": link,
                "inviter": _inviter_name(inviter),
                "role": invitation.get_role_display(),
                "neighbourhood": neighbourhood.name,
                "expires_at": invitation.expires_at,
            }
            subject = " ".join(render_to_string("people/invitation_subject.txt", context).split())
            body = render_to_string("people/invitation_email.txt", context)
            send_mail(subject, body, None, [email], fail_silently=False)
    except OSError as error:  # smtplib.SMTPException and connection errors; the transaction rolled back
        raise ValidationError(
            _("The e-mail could not be sent, so nobody was invited. Try again later.")
        ) from error
    return Sent(invitation=invitation, link=link)


def _inviter_name(inviter: User) -> str:
    if isinstance(inviter, AbstractUser):
        return inviter.get_full_name() or inviter.get_username()
    return ""


def revoke(*, user: User, invitation: Invitation, now: datetime | None = None) -> Invitation:
    """Withdraw an open invitation: its link stops working. Only where the user may invite."""
    if not neighbourhoods_for_inviting(user=user).filter(pk=invitation.neighbourhood_id).exists():
        raise PermissionDenied(_("You may not withdraw invitations for this neighbourhood."))
    with transaction.atomic():
        locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if locked.accepted_at is not None:
            raise ValidationError(_("This invitation was already accepted; it can no longer be withdrawn."))
        if locked.revoked_at is None:
            locked.revoked_at = _now(now)
            locked.save(update_fields=["revoked_at"])
    return locked


# --- accepting ----------------------------------------------------------------------------------------------


def invitation_for_token(*, token: str, now: datetime | None = None, for_update: bool = False) -> Invitation:
    """The invitation the token belongs to, if it can still be accepted; else InvitationUnusable with a
    Dutch reason (404 unknown, 410 expired, used or withdrawn)."""
    # Locked without joins: PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
    invitations = (
        Invitation.objects.select_for_update()
        if for_update
        else Invitation.objects.select_related("neighbourhood", "invited_by")
    )
    invitation = invitations.filter(token_hash=token_hash(token)).first() if len(token) <= 200 else None
    if invitation is None:
        raise InvitationUnusable(
            _(
                "This invitation link does not exist. Check the link in your e-mail, or ask for a new invitation."
            ),
            status=404,
        )
    status = invitation.status_at(_now(now))
    if status == Invitation.Status.ACCEPTED:
        raise InvitationUnusable(
            _("This invitation has already been used. Do you have an account? Then log in."), status=410
        )
    if status == Invitation.Status.WITHDRAWN:
        raise InvitationUnusable(
            _("This invitation was withdrawn. Ask the person who invited you if you need a new one."),
            status=410,
        )
    if status == Invitation.Status.EXPIRED:
        raise InvitationUnusable(
            _("This invitation has expired. Ask the person who invited you for a new one."), status=410
        )
    return invitation


def accept(*, token: str, username: str, password: str, now: datetime | None = None) -> Account:
    """Make the account and its membership and mark the invitation accepted, in one transaction; the token
    works once. InvitationUnusable for a token that no longer works; ValidationError (per field: username,
    password) for a taken or invalid user name or a password Django's validators refuse."""
    with transaction.atomic():
        invitation = invitation_for_token(token=token, now=now, for_update=True)
        username = username.strip()
        errors: dict[str, list[str]] = {}
        if not username:
            errors["username"] = [_("Choose a user name.")]
        else:
            try:
                UnicodeUsernameValidator()(username)
            except ValidationError:
                errors["username"] = [
                    _("Use only letters, digits and the characters @ . + - _ in your user name.")
                ]
            if len(username) > 150:
                errors["username"] = [_("Your user name can be at most 150 characters.")]
            elif Account.objects.filter(username__iexact=username).exists():
                errors["username"] = [_("This user name is already taken. Choose another one.")]
        candidate = Account(username=username, email=invitation.email)
        try:
            validate_password(password, user=candidate)
        except ValidationError as error:
            errors["password"] = list(error.messages)
        if errors:
            raise ValidationError(errors)
        user = Account.objects.create_user(username, invitation.email, password)
        Membership.objects.create(user=user, role=invitation.role, neighbourhood=invitation.neighbourhood)
        invitation.accepted_at = _now(now)
        invitation.accepted_user = user
        invitation.save(update_fields=["accepted_at", "accepted_user"])
    return user


# --- guessing tokens ----------------------------------------------------------------------------------------

# Unknown tokens per client address: (count, seconds), overridable by the INVITATION_TOKEN_FAILURES setting.
TOKEN_GUESSING = FailureThrottle("invitation", *DEFAULT_TOKEN_FAILURES, setting="INVITATION_TOKEN_FAILURES")


def token_guessing_wait(*, address: str | None) -> int:
    """0 when the address may try a token; else the seconds it has to wait (it tried too many unknown
    tokens lately)."""
    return TOKEN_GUESSING.wait(address)


def token_unknown(*, address: str | None) -> None:
    """Count an unknown token against the address. The window starts at the first failure."""
    TOKEN_GUESSING.failed(address)
