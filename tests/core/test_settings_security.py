"""Settings that make an installation safe: its own secret key (issue #12) and production in one switch."""

from __future__ import annotations

import runpy
import stat
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

import krachtvansamen

SETTINGS = Path(krachtvansamen.__file__).parent / "settings.py"
OLD_PUBLIC_KEY = "django-insecure-kracht-van-samen-development-only"
DEPLOY_SETTINGS = [
    "SECRET_KEY",
    "DEBUG",
    "ALLOWED_HOSTS",
    "SECURE_SSL_REDIRECT",
    "SESSION_COOKIE_SECURE",
    "CSRF_COOKIE_SECURE",
    "SECURE_HSTS_SECONDS",
    "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_HSTS_PRELOAD",
    "SECURE_PROXY_SSL_HEADER",
]


def load_settings(monkeypatch, data_dir: Path, **env: str) -> dict:
    for name in [
        "KVS_SECRET_KEY",
        "KVS_HTTPS",
        "KVS_DEBUG",
        "KVS_ALLOWED_HOSTS",
        "KVS_EMAIL_HOST",
        "DATABASE_URL",
    ]:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KVS_DATA_DIR", str(data_dir))
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return runpy.run_path(str(SETTINGS))


def test_without_kvs_secret_key_an_installation_makes_its_own_key_once_and_keeps_it(monkeypatch, tmp_path):
    first = load_settings(monkeypatch, tmp_path)["SECRET_KEY"]
    key_file = tmp_path / "secret_key"
    assert key_file.read_text() == first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert load_settings(monkeypatch, tmp_path)["SECRET_KEY"] == first
    assert len(first) >= 50 and first != OLD_PUBLIC_KEY
    other = load_settings(monkeypatch, tmp_path / "other")["SECRET_KEY"]
    assert other != first


def test_the_public_development_key_is_gone_from_the_source():
    assert OLD_PUBLIC_KEY not in SETTINGS.read_text()
    assert "django-insecure" not in SETTINGS.read_text()


def test_kvs_secret_key_wins_and_no_key_file_is_written(monkeypatch, tmp_path):
    loaded = load_settings(monkeypatch, tmp_path, KVS_SECRET_KEY="k" * 60)
    assert loaded["SECRET_KEY"] == "k" * 60
    assert not (tmp_path / "secret_key").exists()


def production(monkeypatch, tmp_path, **env: str) -> dict:
    loaded = load_settings(
        monkeypatch,
        tmp_path,
        KVS_SECRET_KEY="x7-Gq!" + "secret-from-a-vault-" * 3,
        KVS_ALLOWED_HOSTS="kracht.example.nl",
        **env,
    )
    return {name: loaded.get(name) for name in DEPLOY_SETTINGS}


def test_kvs_https_is_production_in_one_switch_and_check_deploy_passes(monkeypatch, tmp_path):
    values = production(monkeypatch, tmp_path, KVS_HTTPS="1")
    assert values["SECURE_HSTS_SECONDS"] == 31536000
    assert values["SECURE_PROXY_SSL_HEADER"] == ("HTTP_X_FORWARDED_PROTO", "https")
    with override_settings(**values):
        call_command("check", deploy=True, fail_level="WARNING")


def test_without_kvs_https_check_deploy_still_warns(monkeypatch, tmp_path):
    values = production(monkeypatch, tmp_path)
    with override_settings(**values), pytest.raises(SystemCheckError):
        call_command("check", deploy=True, fail_level="WARNING")


def test_e_mail_goes_to_the_console_unless_an_smtp_host_is_set(monkeypatch, tmp_path):
    console = load_settings(monkeypatch, tmp_path)
    assert console["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
    smtp = load_settings(
        monkeypatch, tmp_path, KVS_EMAIL_HOST="smtp.example.nl", KVS_DEFAULT_FROM_EMAIL="buurt@example.nl"
    )
    assert smtp["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (smtp["EMAIL_HOST"], smtp["EMAIL_PORT"], smtp["EMAIL_USE_TLS"]) == ("smtp.example.nl", 587, True)
    assert smtp["DEFAULT_FROM_EMAIL"] == "buurt@example.nl"
