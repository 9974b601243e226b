"""`kvs move-database --to URL`: an installation that started on SQLite moves to PostgreSQL without losing a row
(issue 14). The source here is the test database (SQLite, or PostgreSQL in the PostgreSQL run); the target a new
PostgreSQL database made and dropped by the test, or a SQLite file."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from datetime import timedelta
from io import StringIO

import pytest
from axes.models import AccessAttempt
from django.contrib.admin.models import ADDITION, LogEntry
from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.backends.db import SessionStore
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from krachtvansamen.coding.models import CodingPass
from krachtvansamen.core import database_move
from krachtvansamen.core.database_move import models_to_copy
from krachtvansamen.framework.models import Code
from tests import factories

SERVER = "postgres://postgres@127.0.0.1:5432/"


@pytest.fixture
def migrated_source(db):
    if not MigrationRecorder(connection).applied_migrations():
        pytest.skip("The test database was made without migrations (--no-migrations)")


def psycopg_or_skip():
    psycopg = pytest.importorskip("psycopg")
    try:
        psycopg.connect(SERVER + "postgres", connect_timeout=2).close()
    except psycopg.Error:
        pytest.skip("No PostgreSQL on 127.0.0.1:5432")
    return psycopg


def new_database(psycopg) -> str:
    name = f"kvs_move_test_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(SERVER + "postgres", autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return name


def drop_database(psycopg, name: str) -> None:
    with psycopg.connect(SERVER + "postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def postgres_target():
    """A new, empty PostgreSQL database; dropped afterwards."""
    psycopg = psycopg_or_skip()
    name = new_database(psycopg)
    try:
        yield SERVER + name
    finally:
        drop_database(psycopg, name)


def rows_per_table(url: str) -> dict[str, int]:
    return {table: target_count(url, table) for table in sorted(target_tables(url))}


def target_rows(url: str, sql: str, params: tuple = ()) -> list[tuple]:
    import psycopg

    with psycopg.connect(url) as target:
        cursor = target.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def target_count(url: str, table: str) -> int:
    return target_rows(url, f'SELECT COUNT(*) FROM "{table}"')[0][0]


def target_tables(url: str) -> set[str]:
    return {row[0] for row in target_rows(url, "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")}


def source_count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
        return cursor.fetchone()[0]


def rows_of_every_kind() -> dict[str, object]:
    """Django's and django-axes' tables, many-to-many and generic references."""
    admin = factories.UserFactory(username="beheer", is_staff=True, is_superuser=True)
    researcher = factories.UserFactory(username="onderzoeker")
    group = Group.objects.create(name="Onderzoek")
    group.permissions.add(*Permission.objects.filter(codename__startswith="view_")[:5])
    researcher.groups.add(group)
    researcher.user_permissions.add(Permission.objects.get(codename="change_group"))
    LogEntry.objects.log_actions(user_id=admin.pk, queryset=[group], action_flag=ADDITION)
    AccessAttempt.objects.create(username="iemand", ip_address="203.0.113.5", failures_since_start=2)
    session = SessionStore()
    session["_auth_user_id"] = str(researcher.pk)
    session.create()
    # Made long ago: the copy keeps the date (no auto_now), and ids with gaps stay what they are.
    joined = timezone.now().replace(microsecond=0) - timedelta(days=400)
    type(researcher).objects.filter(pk=researcher.pk).update(date_joined=joined)
    return {
        "admin": admin,
        "researcher": researcher,
        "group": group,
        "session": session.session_key,
        "joined": joined,
    }


def demo_like_rows(researcher) -> None:
    """The app's own rows, as the demo has them in small: the codebook, a programme with two neighbourhoods,
    memberships, residents, assets, activities, relations, funding, fragments and their codings."""
    from krachtvansamen.framework.services import codebook_load_shipped
    from krachtvansamen.people.models import Role

    codebook_load_shipped()
    code = Code.objects.filter(depth__gt=0).order_by("pk").first()
    programme = factories.ProgrammeFactory()
    for _ in range(2):
        neighbourhood = factories.NeighbourhoodFactory(programme=programme)
        factories.MembershipFactory(user=researcher, role=Role.RESEARCHER, neighbourhood=neighbourhood)
        people = factories.PersonFactory.create_batch(4, neighbourhood=neighbourhood)
        factories.RelationFactory(
            neighbourhood=neighbourhood, source_person=people[0], target_person=people[1]
        )
        factories.AssetFactory.create_batch(3, neighbourhood=neighbourhood)
        factories.ActivityFactory.create_batch(2, neighbourhood=neighbourhood)
        factories.FundingFactory(neighbourhood=neighbourhood)
        for fragment in factories.FragmentFactory.create_batch(5, neighbourhood=neighbourhood):
            factories.CodingFactory(fragment=fragment, code=code, coder=researcher)
            # coding_codingpass comes before coding_fragment, the table it points at.
            CodingPass.objects.create(fragment=fragment, coder=researcher)


def move(url: str) -> str:
    out = StringIO()
    call_command("move_database", to=url, stdout=out)
    return out.getvalue()


PAGES_AFTER_THE_MOVE = """
import django
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)  # the README's step: applies nothing, makes the cache table
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from krachtvansamen.neighbourhoods.models import Neighbourhood
admin, researcher = Client(), Client()
admin.force_login(get_user_model().objects.get(username="beheer"))
researcher.force_login(get_user_model().objects.get(username="onderzoeker"))
code = Neighbourhood.objects.order_by("pk").first().cbs_code
for client, path in ((admin, "/beheer/"), (admin, "/beheer/auth/group/"), (researcher, "/"),
                     (researcher, f"/buurten/{code}/"), (researcher, "/coderen/")):
    print(path.replace(code, "CODE"), client.get(path, follow=True).status_code)
# New rows get new ids: the sequences continue after the copied ones.
print("new group", Group.objects.create(name="Na de verhuizing").pk > Group.objects.get(name="Onderzoek").pk)
"""


@pytest.mark.django_db(transaction=True)
def test_rows_of_every_kind_move_to_postgresql_and_the_app_works_there(migrated_source, postgres_target):
    kinds = rows_of_every_kind()
    demo_like_rows(kinds["researcher"])
    out = move(postgres_target)

    # Every table of every app has as many rows as before, and the command says so.
    for model in models_to_copy():
        table = model._meta.db_table
        assert target_count(postgres_target, table) == source_count(table), table
        assert f"{table} " in out
    assert source_count("coding_coding") == 10 and source_count("framework_code") > 50
    assert source_count("auth_user_groups") == 1
    assert "KVS_DATA_DIR/media" in out

    # A few records as they were: the password hash, a date, a session, the admin log's content type.
    researcher = kinds["researcher"]
    [(password, joined)] = target_rows(
        postgres_target, "SELECT password, date_joined FROM auth_user WHERE username = 'onderzoeker'"
    )
    assert password == researcher.password and joined == kinds["joined"]
    assert target_rows(
        postgres_target, "SELECT 1 FROM django_session WHERE session_key = %s", (kinds["session"],)
    )
    [(app_label, model)] = target_rows(
        postgres_target,
        "SELECT ct.app_label, ct.model FROM django_admin_log log "
        "JOIN django_content_type ct ON ct.id = log.content_type_id",
    )
    assert (app_label, model) == ("auth", "group")
    assert target_rows(postgres_target, "SELECT id FROM django_content_type ORDER BY id") == [
        (pk,) for pk in ContentType.objects.order_by("pk").values_list("pk", flat=True)
    ]

    # The app, started on the new database, shows its pages and adds rows.
    env = {**os.environ, "DATABASE_URL": postgres_target, "KVS_SECRET_KEY": "m" * 60}
    run = subprocess.run(
        [sys.executable, "-c", PAGES_AFTER_THE_MOVE], env=env, capture_output=True, text=True, check=True
    )
    assert run.stdout.split("\n")[:6] == [
        "/beheer/ 200",
        "/beheer/auth/group/ 200",
        "/ 200",
        "/buurten/CODE/ 200",
        "/coderen/ 200",
        "new group True",
    ]


@pytest.mark.django_db(transaction=True)
def test_a_target_that_already_holds_data_is_refused_and_left_alone(migrated_source, postgres_target):
    rows_of_every_kind()
    target_rows(postgres_target, "CREATE TABLE auth_group (id serial PRIMARY KEY, name text)")
    target_rows(postgres_target, "INSERT INTO auth_group (name) VALUES ('Al hier')")
    with pytest.raises(CommandError, match=r"bevat al gegevens \(tabel auth_group: 1 rijen\)"):
        move(postgres_target)
    assert rows_per_table(postgres_target) == {"auth_group": 1}


@pytest.mark.django_db(transaction=True)
def test_a_failure_halfway_leaves_the_new_database_empty(migrated_source, postgres_target, monkeypatch):
    """On PostgreSQL the tables are made in the same transaction as the rows: not even a table stays."""
    rows_of_every_kind()
    copied = []
    copy = database_move.table_copy

    def fails_halfway(model, source_alias, target_alias):
        if len(copied) == len(models_to_copy()) // 2:
            raise RuntimeError("disk full")
        copy(model, source_alias, target_alias)
        copied.append(model)

    monkeypatch.setattr(database_move, "table_copy", fails_halfway)
    with pytest.raises(RuntimeError, match="disk full"):
        move(postgres_target)
    assert copied and target_tables(postgres_target) == set()
    Group.objects.create(name="Daarna")  # the source, read-only during the move, takes writes again


@pytest.mark.django_db(transaction=True)
def test_counts_that_differ_after_the_copy_keep_nothing(migrated_source, postgres_target, monkeypatch):
    rows_of_every_kind()
    copy = database_move.table_copy

    def loses_the_sessions(model, source_alias, target_alias):
        if model._meta.db_table != "django_session":
            copy(model, source_alias, target_alias)

    monkeypatch.setattr(database_move, "table_copy", loses_the_sessions)
    with pytest.raises(CommandError, match="django_session 1/0"):
        move(postgres_target)
    assert target_tables(postgres_target) == set()


@pytest.mark.django_db(transaction=True)
def test_moving_into_a_sqlite_file_works_too(migrated_source, tmp_path):
    kinds = rows_of_every_kind()
    target = tmp_path / "nieuw.sqlite3"
    move(f"sqlite:///{target}")
    import sqlite3

    database = sqlite3.connect(target)
    assert database.execute("SELECT COUNT(*) FROM auth_user_groups").fetchone()[0] == 1
    assert database.execute("SELECT password FROM auth_user WHERE username = 'onderzoeker'").fetchone() == (
        kinds["researcher"].password,
    )
    database.close()


def test_the_database_in_use_an_unreachable_one_and_a_wrong_address_are_refused(migrated_source):
    in_use = connection.settings_dict
    if in_use["ENGINE"].endswith("postgresql"):
        same = f"postgres://{in_use['USER']}@{in_use['HOST']}:{in_use['PORT'] or 5432}/{in_use['NAME']}"
        with pytest.raises(CommandError, match="database die nu in gebruik is"):
            move(same)
    with pytest.raises(CommandError, match="niet bereiken"):
        move("postgres://postgres@127.0.0.1:1/kvs_nergens")
    with pytest.raises(CommandError, match="adres van de nieuwe database"):
        move("mysqlx://iets")
