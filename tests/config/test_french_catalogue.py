"""The French interface is whole: every text the code marks for translation is in the French catalogue with its
translation (none missing, empty or fuzzy), the compiled catalogue is the committed one, and the main pages rendered
in French show no text of the English catalogue."""

import gettext
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from accounts.models import User
from demo.services import load_demo
from tests.french import english_catalogue, english_texts
from tests.main_pages import main_pages

CATALOGUE = Path(settings.BASE_DIR) / "locale/fr/LC_MESSAGES"


def _entries(po_text: str) -> list[str]:
    """The msgids of the entries msgattrib printed (the header's empty msgid left out)."""
    msgids, current = [], None
    for line in po_text.splitlines() + [""]:
        if line.startswith("msgid "):
            current = [line[len("msgid ") :].strip('"')]
        elif current is not None and line.startswith('"'):
            current.append(line.strip('"'))
        elif current is not None:
            msgids.append("".join(current))
            current = None
    return [msgid for msgid in msgids if msgid]


def test_every_text_marked_in_the_code_has_its_french_translation(tmp_path):
    source = tmp_path / "source"
    shutil.copytree(
        settings.BASE_DIR,
        source,
        ignore=shutil.ignore_patterns(".git", ".venv", ".run", "node_modules", "__pycache__", "vendor", "*.mo"),
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "fr", "--no-obsolete", "--ignore=tests", "--ignore=bench"],
        cwd=source,
        env=environment,
        check=True,
        capture_output=True,
    )
    extracted = source / "locale/fr/LC_MESSAGES/django.po"
    untranslated = subprocess.run(["msgattrib", "--untranslated", str(extracted)], capture_output=True, text=True)
    fuzzy = subprocess.run(["msgattrib", "--only-fuzzy", str(extracted)], capture_output=True, text=True)
    assert (untranslated.returncode, fuzzy.returncode) == (0, 0), untranslated.stderr + fuzzy.stderr
    assert _entries(untranslated.stdout) == [], "missing from or untranslated in locale/fr/LC_MESSAGES/django.po"
    # makemessages revives an obsolete (#~) translation that the code uses again, but compilemessages leaves it out.
    committed = set(_entries((CATALOGUE / "django.po").read_text()))
    assert sorted(set(_entries(extracted.read_text())) - committed) == [], "obsolete (#~) in the committed catalogue"
    assert _entries(fuzzy.stdout) == [], "fuzzy (a guess to check) in locale/fr/LC_MESSAGES/django.po"


def test_the_compiled_french_catalogue_is_the_committed_one(tmp_path):
    compiled = tmp_path / "django.mo"
    subprocess.run(["msgfmt", "--check", "-o", str(compiled), str(CATALOGUE / "django.po")], check=True)
    with open(compiled, "rb") as fresh, open(CATALOGUE / "django.mo", "rb") as committed:
        assert gettext.GNUTranslations(committed)._catalog == gettext.GNUTranslations(fresh)._catalog, (
            "run `make messages` (or compilemessages) and commit locale/fr/LC_MESSAGES/django.mo"
        )


@pytest.mark.django_db
def test_the_main_pages_in_french_show_no_english_text(client, settings):
    settings.LANGUAGE_CODE = "fr"
    load_demo()
    english = english_catalogue()
    found = {}
    for page in main_pages():
        client.logout()
        if page.email:
            client.force_login(User.objects.get(email=page.email))
        response = client.get(page.path, HTTP_ACCEPT_LANGUAGE="fr")
        assert response.status_code == 200, page
        texts = english_texts(response.content.decode(), english)
        if texts:
            found[page.name] = texts
    assert found == {}
