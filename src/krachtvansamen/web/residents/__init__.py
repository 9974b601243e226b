"""A resident's own view, without an account: /mijn-gegevens/ opened with a personal code."""
