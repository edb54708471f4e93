"""The entry form's subtitle field and declarations: the current subtitle file by its name with a remove box and
no link (media are never served at MEDIA_URL: such a link answers 404), and each declaration's box beside its label."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contest.models import Entry
from tests.factories import team_with_member

pytestmark = pytest.mark.django_db

SRT = b"1\r\n00:00:01,000 --> 00:00:02,500\r\nElle se tait.\r\n"


def edit_url(entry):
    return reverse("entry_edit", kwargs={"contest_slug": entry.contest.slug, "public_id": entry.public_id})


def test_the_current_subtitle_file_shows_its_name_and_a_remove_box_and_no_link(client, settings):
    team, member = team_with_member()
    client.force_login(member)
    create = reverse("entry_create", kwargs={"contest_slug": team.contest.slug})
    assert client.post(create, {"title": "T", "subtitle_file": SimpleUploadedFile("s.srt", SRT)}).status_code == 302
    entry = Entry.objects.get(team=team)
    stored = entry.subtitle_file.name.rsplit("/", 1)[-1]

    page = client.get(edit_url(entry)).content.decode()
    assert settings.MEDIA_URL not in page
    assert f'<p class="file-current">Current file: <span class="file-name">{stored}</span></p>' in page
    assert re.search(
        r'<p class="checkbox-line"><input type="checkbox" name="subtitle_file-clear" id="subtitle_file-clear_id">\s*'
        r'<label for="subtitle_file-clear_id">Remove the subtitles</label></p>',
        page,
    )
    assert 'type="file" name="subtitle_file"' in page

    assert client.post(edit_url(entry), {"title": "T", "subtitle_file-clear": "on"}).status_code == 302
    entry.refresh_from_db()
    assert not entry.subtitle_file
    page = client.get(edit_url(entry)).content.decode()
    assert "file-current" not in page and "subtitle_file-clear" not in page


@pytest.mark.parametrize("name", ["consent_on_screen", "rights_cleared", "rules_accepted"])
def test_each_declaration_box_sits_beside_its_label(client, name):
    team, member = team_with_member()
    client.force_login(member)
    page = client.get(reverse("entry_create", kwargs={"contest_slug": team.contest.slug})).content.decode()
    label = str(Entry._meta.get_field(name).verbose_name)
    assert re.search(
        rf'<p class="checkbox-line"><input type="checkbox" name="{name}" id="id_{name}"[^>]*> '
        rf'<label for="id_{name}">{re.escape(label)}</label></p>',
        page,
    ), page[page.find(name) - 200 : page.find(name) + 300]
