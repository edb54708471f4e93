"""The juror's side over HTTP: blind pages, 404s, autosave, watched share, locking at close."""

import json
import re
from datetime import timedelta
from html import unescape
from urllib.parse import unquote

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from contest.models import AuditEvent, ContestRole
from judging import selectors, services
from judging.models import Assignment, Conflict, Review, Score
from judging.selectors import Source, Track
from media_pipeline import storage
from tests.factories import ContestRoleFactory, EntryFactory, TeamMemberFactory

pytestmark = pytest.mark.django_db


def entry_url(scene, name="jury_entry", code=None):
    return reverse(
        name,
        kwargs={"contest_slug": scene.contest.slug, "round_id": scene.round.pk, "code": code or scene.entry.code},
    )


def client_for(user, enforce_csrf=False) -> Client:
    client = Client(enforce_csrf_checks=enforce_csrf)
    client.force_login(user)
    return client


@pytest.fixture
def proxy_provider(scene):
    """What the media pipeline will register: URLs named by entry code only."""

    def provider(entry):
        return (
            [
                Source(url=f"/media/proxy/{entry.code}-light.mp4", media="(max-width: 40rem)"),
                Source(url=f"/media/proxy/{entry.code}.mp4"),
            ],
            [Track(url=f"/media/proxy/{entry.code}.fr.vtt", language="fr", label="Français")],
        )

    selectors.register_source_provider(provider)
    yield provider
    selectors.unregister_source_provider(provider)


def test_blind_page_contains_none_of_the_teams_identifying_strings(scene, proxy_provider):
    html = client_for(scene.juror).get(entry_url(scene)).content.decode()
    for text in scene.identifying:
        assert text not in html, text
    media_urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert "/media/proxy/" + scene.entry.code + ".mp4" in media_urls
    for url in media_urls:
        for text in scene.identifying:
            assert text.lower() not in url.lower()
    assert "Sans voix" in html
    assert scene.entry.code in html
    assert "A girl stops speaking after a party." in html


def test_content_warnings_and_support_come_before_the_player(scene, proxy_provider):
    html = client_for(scene.juror).get(entry_url(scene)).content.decode()
    assert html.index("Sexual violence") < html.index("3919") < html.index("<video")
    assert 'media="(max-width: 40rem)"' in html
    assert '<track kind="subtitles"' in html


def test_without_proxies_the_page_says_the_film_is_being_prepared(scene):
    html = client_for(scene.juror).get(entry_url(scene)).content.decode()
    assert "The film is being prepared." in html
    assert "<video" not in html


def test_a_contest_that_is_not_blind_shows_the_team(scene):
    scene.contest.blind_judging = False
    scene.contest.save()
    html = client_for(scene.juror).get(entry_url(scene)).content.decode()
    assert "Les Voix Cachées" in html
    assert "Directed by Camille Rivière" in html


def test_a_juror_gets_404_for_an_entry_not_assigned_to_them(scene):
    other_entry = EntryFactory(team__contest=scene.contest, status="submitted")
    client = client_for(scene.juror)
    assert client.get(entry_url(scene, code=other_entry.code)).status_code == 404
    assert client_for(scene.other_juror).get(entry_url(scene)).status_code == 404
    assert client.get(entry_url(scene, code="NOPE99")).status_code == 404


def test_a_juror_gets_404_once_in_conflict_even_with_an_old_assignment(scene):
    # Derived from the roster: the juror joins the team (the assignment row predates it).
    TeamMemberFactory(team=scene.entry.team, user=scene.juror, role="member")
    client = client_for(scene.juror)
    assert client.get(entry_url(scene)).status_code == 404
    assert client.post(entry_url(scene, "jury_autosave"), "{}", content_type="application/json").status_code == 404
    queue = client.get(reverse("jury_queue", kwargs={"contest_slug": scene.contest.slug, "round_id": scene.round.pk}))
    assert scene.entry.code not in queue.content.decode()


def test_sharing_the_teams_institution_is_a_conflict_when_the_round_says_so(scene):
    ContestRole.objects.filter(user=scene.juror).update(institution=scene.entry.team.institution)
    assert client_for(scene.juror).get(entry_url(scene)).status_code == 404
    scene.round.conflicts_by_institution = False
    scene.round.save()
    assert client_for(scene.juror).get(entry_url(scene)).status_code == 200


def test_declaring_a_conflict_on_the_page_removes_the_film_from_the_queue(scene):
    client = client_for(scene.juror)
    response = client.post(entry_url(scene, "jury_entry_conflict"))
    assert response.status_code == 302
    assert not Assignment.objects.filter(pk=scene.assignment.pk).exists()
    assert Conflict.objects.get(juror=scene.juror).entry == scene.entry
    assert client.get(entry_url(scene)).status_code == 404


def test_opting_out_of_a_content_warning_takes_such_films_away_and_keeps_them_away(scene):
    client = client_for(scene.juror)
    warning = scene.entry.content_warnings.get()
    conflicts_url = reverse("jury_conflicts", kwargs={"contest_slug": scene.contest.slug})
    queue_url = reverse("jury_queue", kwargs={"contest_slug": scene.contest.slug, "round_id": scene.round.pk})
    assert "Sexual violence" in client.get(conflicts_url).content.decode()

    response = client.post(conflicts_url, {"action": "opt_out", "optout-warnings": [warning.pk]})

    assert response.status_code == 302
    assert client.get(entry_url(scene)).status_code == 404
    assert scene.entry.code not in client.get(queue_url).content.decode()
    assert not Assignment.objects.filter(round=scene.round, juror=scene.juror).exists()
    event = AuditEvent.objects.get(verb="content_opt_outs_set")
    assert (event.actor, event.data["warnings"]) == (scene.juror, [warning.pk])
    # The next automatic run gives the film to the other juror, never back to this one.
    services.assign_jurors(round=scene.round, by=scene.organiser)
    assert list(Assignment.objects.filter(entry=scene.entry).values_list("juror_id", flat=True)) == [
        scene.other_juror.pk
    ]


def test_an_organiser_who_is_not_a_juror_of_the_round_gets_404_on_jury_pages(scene):
    assert client_for(scene.organiser).get(entry_url(scene)).status_code == 404


def test_autosave_keeps_a_draft_and_needs_the_csrf_token(scene):
    client = client_for(scene.juror, enforce_csrf=True)
    page = client.get(entry_url(scene))
    token = page.cookies["csrftoken"].value
    message, craft = scene.criteria
    body = json.dumps({"values": {str(message.pk): "4", str(craft.pk): "12.5"}, "private_comment": "Strong."})
    refused = client.post(entry_url(scene, "jury_autosave"), body, content_type="application/json")
    assert refused.status_code == 403
    saved = client.post(
        entry_url(scene, "jury_autosave"), body, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert saved.status_code == 200
    assert saved.json()["ok"] is True
    review = Review.objects.get(assignment=scene.assignment)
    assert (review.status, review.private_comment) == ("draft", "Strong.")
    assert {s.criterion_id: str(s.value) for s in Score.objects.filter(assignment=scene.assignment)} == {
        message.pk: "4.00",
        craft.pk: "12.50",
    }
    event = AuditEvent.objects.get(verb="score_changed")
    assert event.entry is None  # teams read their entry's events: judging never links them
    assert event.data["changes"] == {str(message.pk): [None, "4"], str(craft.pk): [None, "12.5"]}


@pytest.mark.parametrize(
    ("value", "code"), [("6", "out_of_scale"), ("0", "out_of_scale"), ("2.5", "out_of_scale"), ("abc", "not_a_number")]
)
def test_values_off_the_scale_are_refused(scene, value, code):
    message = scene.criteria[0]
    response = client_for(scene.juror).post(
        entry_url(scene, "jury_autosave"),
        json.dumps({"values": {str(message.pk): value}}),
        content_type="application/json",
    )
    assert response.status_code == 400
    assert response.json()["error"] == code
    assert not Score.objects.exists()


def _submit(client, scene, confirm="0", message="4", craft="12.5"):
    data = {
        f"score_{scene.criteria[0].pk}": message,
        f"score_{scene.criteria[1].pk}": craft,
        "private_comment": "Good",
        "team_feedback": "Bravo",
        "confirm_unwatched": confirm,
    }
    return client.post(entry_url(scene), data)


def _watch(client, scene, position, duration=95):
    # The server counts no more than the real time since the player's first report: open the player, then play.
    client.post(entry_url(scene, "jury_watched"), json.dumps({"position": 0}), content_type="application/json")
    with time_machine.travel(timezone.now() + timedelta(seconds=position), tick=False):
        return client.post(
            entry_url(scene, "jury_watched"),
            json.dumps({"position": position, "duration": duration}),
            content_type="application/json",
        )


def test_submitting_before_watching_most_of_the_film_asks_for_confirmation_then_flags_it(scene):
    client = client_for(scene.juror)
    assert _watch(client, scene, 40).json() == {"ok": True, "watched_share": 0.421}
    first = _submit(client, scene)
    assert first.status_code == 400
    assert "You have played 42 % of the film. Submit anyway?" in first.content.decode()
    assert 'name="confirm_unwatched" value="1" required' in first.content.decode()
    assert Review.objects.get(assignment=scene.assignment).status == "draft"
    second = _submit(client, scene, confirm="1")
    assert second.status_code == 302
    review = Review.objects.get(assignment=scene.assignment)
    assert (review.status, review.flagged_unwatched, review.team_feedback) == ("submitted", True, "Bravo")


def test_submitting_after_watching_most_of_the_film_needs_no_confirmation(scene):
    client = client_for(scene.juror)
    _watch(client, scene, 80)
    _watch(client, scene, 10)  # going back does not lower the furthest point reached
    assert _submit(client, scene).status_code == 302
    review = Review.objects.get(assignment=scene.assignment)
    assert (review.status, review.flagged_unwatched, review.watched_seconds) == ("submitted", False, 80.0)


def test_submitting_needs_every_criterion(scene):
    response = _submit(client_for(scene.juror), scene, confirm="1", craft="")
    assert response.status_code == 400
    assert "Score every criterion before submitting" in response.content.decode()


def test_scores_are_locked_one_second_after_the_round_closes(scene):
    client = client_for(scene.juror)
    _watch(client, scene, 90)
    body = json.dumps({"values": {str(scene.criteria[0].pk): "3"}})
    # A fresh login at each boundary: the round closes days from now, after the session has expired.
    with time_machine.travel(scene.round.closes_at - timedelta(seconds=1), tick=False):
        client = client_for(scene.juror)
        assert client.post(entry_url(scene, "jury_autosave"), body, content_type="application/json").status_code == 200
    with time_machine.travel(scene.round.closes_at + timedelta(seconds=1), tick=False):
        client = client_for(scene.juror)
        late = client.post(
            entry_url(scene, "jury_autosave"),
            json.dumps({"values": {str(scene.criteria[0].pk): "5"}}),
            content_type="application/json",
        )
        assert late.status_code == 400
        assert late.json()["error"] == "round_closed"
        assert _submit(client, scene).status_code == 400
        assert _watch(client, scene, 95).status_code == 400
        assert "This round is closed: scores are locked." in client.get(entry_url(scene)).content.decode()
    assert [str(v) for v in Score.objects.values_list("value", flat=True)] == ["3.00"]
    assert Review.objects.get(assignment=scene.assignment).status == "draft"


def test_a_juror_never_sees_other_jurors_scores_unless_the_round_allows_it_after_their_own(scene):
    other_assignment = Assignment.objects.create(round=scene.round, juror=scene.other_juror, entry=scene.entry)
    Review.objects.create(assignment=other_assignment, status="submitted", watched_seconds=95, duration_seconds=95)
    Score.objects.create(assignment=other_assignment, criterion=scene.criteria[0], value=2)
    Score.objects.create(assignment=other_assignment, criterion=scene.criteria[1], value="17.5")
    client = client_for(scene.juror)
    _watch(client, scene, 95)
    assert "17.5" not in client.get(entry_url(scene)).content.decode()
    scene.round.show_scores_after_own = True
    scene.round.save()
    assert "17.5" not in client.get(entry_url(scene)).content.decode()  # own review not in yet
    _submit(client, scene)
    html = client.get(entry_url(scene)).content.decode()
    assert "Juror 1" in html and "17.5" in html
    assert "juror2@example.org" not in html


def test_the_queue_shows_progress(scene):
    second = EntryFactory(team__contest=scene.contest, status="submitted", title="Deuxième film")
    Assignment.objects.create(round=scene.round, juror=scene.juror, entry=second)
    client = client_for(scene.juror)
    _watch(client, scene, 95)
    _submit(client, scene)
    html = client.get(
        reverse("jury_queue", kwargs={"contest_slug": scene.contest.slug, "round_id": scene.round.pk})
    ).content.decode()
    assert "1 of 2 reviews submitted" in html
    assert "Deuxième film" in html
    for text in scene.identifying:
        assert text not in html


def test_jury_home_sends_a_juror_with_one_open_round_to_their_queue(scene):
    response = client_for(scene.juror).get(reverse("jury_home", kwargs={"contest_slug": scene.contest.slug}))
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "jury_queue", kwargs={"contest_slug": scene.contest.slug, "round_id": scene.round.pk}
    )


def test_someone_without_a_juror_role_gets_404_on_the_jury_home(scene):
    stranger = ContestRoleFactory(role=ContestRole.Role.JUROR).user  # juror of another contest
    assert (
        client_for(stranger).get(reverse("jury_home", kwargs={"contest_slug": scene.contest.slug})).status_code == 404
    )


def test_a_juror_who_left_the_round_gets_404(scene):
    scene.round.jurors.filter(user=scene.juror).update(active=False)
    assert client_for(scene.juror).get(entry_url(scene)).status_code == 404


@pytest.fixture(params=["local", "s3"])
def storage_mode(request):
    if request.param == "s3":
        request.getfixturevalue("s3")
    return request.param


def test_the_real_player_sources_name_neither_the_team_nor_the_uploaded_file(scene, storage_mode):
    from media_pipeline import delivery
    from media_pipeline.models import Film, Rendition, Upload, new_rendition_key

    captain = User.objects.get(email="camille.riviere@example.org")
    upload = Upload.objects.create(
        entry=scene.entry,
        original_name="Les Voix Cachées - Sans voix - montage final Camille.mov",
        declared_size=1000,
        part_size=8 * 1024 * 1024,
        content_type="video/quicktime",
        created_by=captain,
        state=Upload.State.COMPLETED,
    )
    film = Film.objects.create(
        entry=scene.entry,
        upload=upload,
        key=upload.key,
        original_name=upload.original_name,
        content_type=upload.content_type,
        size=1000,
        checksum="9b2cf535f27731c974343645a3985328-1",
        uploaded_by=captain,
        state=Film.State.READY,
    )
    made = {
        kind: Rendition.objects.create(film=film, kind=kind, key=new_rendition_key(kind, extension), content_type=type_)
        for kind, extension, type_ in [
            (Rendition.Kind.PROXY, "mp4", "video/mp4"),
            (Rendition.Kind.LIGHT, "mp4", "video/mp4"),
            (Rendition.Kind.SUBTITLES, "vtt", "text/vtt"),
        ]
    }

    html = client_for(scene.juror).get(entry_url(scene)).content.decode()

    sources = [unescape(url) for url in re.findall(r'<source src="([^"]+)"', html)]
    tracks = [unescape(url) for url in re.findall(r'<track kind="subtitles" src="([^"]+)"', html)]
    assert re.search(r'<source src="[^"]+" type="video/mp4" media="\(max-width: 40rem\)"><source src="', html)
    assert len(sources) == 2 and len(tracks) == 1
    secrets = [*scene.identifying, upload.original_name, "montage final", film.checksum, upload.key, film.key]
    for text in secrets:
        assert text not in html, text
    if storage_mode == "s3":
        keys = [unquote(url.split("?")[0]).split(f"/{storage.settings.S3_BUCKET}/", 1)[1] for url in sources + tracks]
        queries = [unquote(url.split("?", 1)[1]) for url in sources + tracks]
    else:
        payloads = [delivery.read_media_token(url.rstrip("/").rsplit("/", 1)[1]) for url in sources + tracks]
        keys = [payload["k"] for payload in payloads]
        queries = [str(payload) for payload in payloads]
        assert all("f" not in payload for payload in payloads)  # no download file name
    assert keys == [made["light"].key, made["proxy"].key, made["subtitles"].key]
    for text in secrets:
        for query in queries:
            assert text.lower() not in query.lower(), text
