"""A line break typed into a single-line field is refused with a message naming the field (it would otherwise reach
mail headers); multi-line fields take line breaks and tabs but no other control character. Rows stored before the
rule still get their mails, with the subject on one line."""

import pytest
from django.urls import reverse

from contest.models import AuditEvent, Entry, Team
from tests.factories import EntryFactory, InstitutionFactory, TeamMemberFactory, team_with_member

pytestmark = pytest.mark.django_db

INJECTED = "Sans voix\r\nBcc: x@evil.example"


def test_a_title_with_a_line_break_is_refused_by_the_entry_form_and_nothing_changes(client):
    entry = EntryFactory(title="Sans voix", synopsis_fr="Léa ne parle plus.")
    member = TeamMemberFactory(team=entry.team).user
    client.force_login(member)
    before = AuditEvent.objects.count()
    response = client.post(
        reverse("entry_edit", kwargs={"contest_slug": entry.contest.slug, "public_id": entry.public_id}),
        {"title": INJECTED, "synopsis_fr": "Autre chose."},
    )
    assert response.status_code == 200
    assert "Title must be on one line: remove the line break or control character." in response.content.decode()
    entry.refresh_from_db()
    assert (entry.title, entry.synopsis_fr) == ("Sans voix", "Léa ne parle plus.")
    assert AuditEvent.objects.count() == before


def test_a_new_entry_with_a_line_break_in_its_title_is_not_created(client):
    team, member = team_with_member()
    client.force_login(member)
    response = client.post(reverse("entry_create", kwargs={"contest_slug": team.contest.slug}), {"title": INJECTED})
    assert response.status_code == 200
    assert "Title must be on one line: remove the line break or control character." in response.content.decode()
    assert not Entry.objects.filter(team=team).exists()


def test_line_breaks_and_tabs_are_kept_in_a_synopsis_but_other_control_characters_are_refused(client):
    entry = EntryFactory(title="Sans voix", synopsis_fr="Léa ne parle plus.")
    client.force_login(TeamMemberFactory(team=entry.team).user)
    url = reverse("entry_edit", kwargs={"contest_slug": entry.contest.slug, "public_id": entry.public_id})
    response = client.post(url, {"title": "Sans voix", "synopsis_fr": "Léa\x1bne parle plus."})
    assert response.status_code == 200
    assert (
        "Synopsis (French) contains a control character: remove it (line breaks and tabs are fine)."
        in response.content.decode()
    )
    assert client.post(url, {"title": "Sans voix", "synopsis_fr": "Léa\r\n\tne parle plus."}).status_code == 302
    entry.refresh_from_db()
    assert entry.synopsis_fr == "Léa\r\n\tne parle plus."


@pytest.mark.parametrize("name", ["Les Voix\nBcc: x@evil.example", "Les\tVoix", "Les\u2028Voix", "Les\x85Voix"])
def test_a_team_name_with_a_control_character_is_refused_at_registration(client, name):
    team, member = team_with_member()
    institution = InstitutionFactory()
    team.contest.institutions.add(institution)
    response = client.post(
        reverse("register_team", kwargs={"contest_slug": team.contest.slug}),
        {
            "account-full_name": "Yanis Bernard",
            "account-email": "yanis@example.org",
            "account-password": "un mot de passe assez long",
            "team-name": name,
            "team-institution": institution.pk,
        },
    )
    assert response.status_code == 200
    assert "Team name must be on one line: remove the line break or control character." in response.content.decode()
    assert list(Team.objects.filter(contest=team.contest)) == [team]
