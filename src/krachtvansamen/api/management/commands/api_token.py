"""``kvs api-token --user USERNAME [--name NAME]`` makes an API token and prints it (once: only its hash is kept);
``--list`` lists the user's tokens; ``--revoke PREFIX`` revokes the token(s) starting with PREFIX."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser

from krachtvansamen.api.models import ApiToken
from krachtvansamen.api.tokens import token_create, token_revoke, user_by_username


class Command(BaseCommand):
    help = "Make (and print once), list or revoke a user's API tokens."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--user", required=True, help="The user name the token acts as.")
        parser.add_argument("--name", default="", help="A name to recognise the token by.")
        what = parser.add_mutually_exclusive_group()
        what.add_argument("--revoke", metavar="PREFIX", help="Revoke the token starting with PREFIX.")
        what.add_argument("--list", action="store_true", help="List the user's tokens (prefixes only).")

    def handle(self, *args: object, **options: object) -> None:
        user = user_by_username(str(options["user"]))
        if user is None:
            raise CommandError(f"No user {options['user']!r}.")
        if options["list"]:
            for token in ApiToken.objects.filter(user=user).order_by("created", "pk"):
                state = f"revoked {token.revoked_at:%Y-%m-%d %H:%M}" if token.revoked_at else "active"
                used = f"{token.last_used:%Y-%m-%d %H:%M}" if token.last_used else "never"
                self.stdout.write(
                    f"{token.prefix}…\t{token.name or '-'}\tcreated {token.created:%Y-%m-%d %H:%M}\t"
                    f"last used {used}\t{state}"
                )
            return
        if options["revoke"]:
            revoked = token_revoke(user=user, prefix=str(options["revoke"]))
            if not revoked:
                raise CommandError(
                    f"No active token of {user.get_username()} starts with {options['revoke']!r} "
                    "(give at least its first 8 characters, kvs_ included)."
                )
            self.stdout.write(f"Revoked {revoked} token(s).")
            return
        if not user.is_active:
            raise CommandError(f"{user.get_username()} is not active: a token would not work.")
        new = token_create(user=user, name=str(options["name"]))
        self.stderr.write(
            f"API token for {user.get_username()} (shown once; send it as 'Authorization: Bearer <token>'):"
        )
        self.stdout.write(new.token)
