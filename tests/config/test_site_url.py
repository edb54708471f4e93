"""Absolute URLs name the configured SITE_URL, never the request's Host header, and the shared page cache cannot be
poisoned through that header; production refuses to start without SITE_URL."""

import re
import subprocess
import sys

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from tests.factories import UserFactory
from tests.releases.world import T2, build_world

pytestmark = pytest.mark.django_db

SITE = "https://palmares.example.org"


@pytest.fixture
def evil_host_allowed(settings):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "evil.example"]


def test_a_request_with_another_host_cannot_poison_the_cached_page_for_others(evil_host_allowed):
    world = build_world("seed")
    page = reverse("releases:film", kwargs=world.kwargs)
    with time_machine.travel(world.at(T2, 1), tick=False):
        poisoned = Client().get(page, HTTP_HOST="evil.example")
        assert poisoned["X-Palmares-Page-Cache"] == "miss"
        served = Client().get(page)
        assert served["X-Palmares-Page-Cache"] == "hit"
    for response in (poisoned, served):
        body = response.content.decode()
        assert "evil.example" not in body
        assert f'<meta property="og:url" content="{SITE}{page}">' in body


def test_the_feed_and_the_sitemap_name_the_configured_site(evil_host_allowed):
    world = build_world("seed")
    announcement = reverse("releases:announcement", kwargs=world.kwargs)
    with time_machine.travel(world.at(T2, 1), tick=False):
        feed = Client().get(
            reverse("releases:feed", kwargs={"contest_slug": world.contest.slug}), HTTP_HOST="evil.example"
        )
        sitemap = Client().get(reverse("releases:sitemap"), HTTP_HOST="evil.example")
    feed_body = feed.content.decode()
    assert f'<link href="{SITE}{announcement}" rel="alternate"' in feed_body
    assert "evil.example" not in feed_body
    sitemap_body = sitemap.content.decode()
    assert f"<loc>{SITE}{announcement}</loc>" in sitemap_body
    assert "evil.example" not in sitemap_body


def test_the_password_reset_mail_names_the_configured_site(evil_host_allowed):
    UserFactory(email="forgetful@example.org")
    Client().post(reverse("password_reset"), {"email": "forgetful@example.org"}, HTTP_HOST="evil.example")
    assert len(mail.outbox) == 1
    assert "evil.example" not in mail.outbox[0].body
    assert re.search(rf"{re.escape(SITE)}/accounts/reset/\S+/", mail.outbox[0].body)


def test_production_refuses_to_start_without_site_url():
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "PALMARES_ENV": "production",
        "SECRET_KEY": "x" * 60,
        "ALLOWED_HOSTS": "palmares.example.org",
        "DATABASE_URL": "postgres://u@127.0.0.1/x",
        "S3_BUCKET": "b",
    }
    code = "import django; django.setup()"
    result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)  # noqa: S603
    assert result.returncode == 1
    assert "Set the environment variable SITE_URL (required when PALMARES_ENV=production)." in result.stderr
