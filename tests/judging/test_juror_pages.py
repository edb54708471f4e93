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
from judging import players, services
from judging.models import Assignment, Conflict, Review, Score
from judging.players import Source, Track
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

    players.register_source_provider(provider)
    yield provider
    players.unregister_source_provider(provider)


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
    assert client_for(scene.other_juror).post(entry_url(scene, "jury_submit"), {}).status_code == 404
    assert not Review.objects.filter(submitted_at__isnull=False).exists()


def test_a_juror_gets_404_once_in_conflict_even_with_an_old_assignment(scene):
    # Derived from the roster: the juror joins the team (the assignment row predates it).
    TeamMemberFactory(team=scene.entry.team, user=scene.juror, role="member")
    client = client_for(scene.juror)
    assert client.get(entry_url(scene)).status_code == 404
    assert client.post(entry_url(scene, "jury_autosave"), "{}", content_type="application/json").status_code == 404
    assert client.post(entry_url(scene, "jury_submit"), {}).status_code == 404
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

    opt_outs_url = reverse("jury_set_opt_outs", kwargs={"contest_slug": scene.contest.slug})
    response = client.post(opt_outs_url, {"optout-warnings": [warning.pk]})

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
    return client.post(entry_url(scene, "jury_submit"), data)


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
    assert _watch(client, scene, 40).json() == {"ok": True, "watched_share": 0.421, "message": "Watched: 42 %"}
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


# Issue 12: the juror's journey (navigation, the warning before the film, its real duration, a forgiving autosave)


def _autosave(client, scene, values, **comments):
    return client.post(
        entry_url(scene, "jury_autosave"), json.dumps({"values": values, **comments}), content_type="application/json"
    )


def _saved(scene) -> dict:
    return {s.criterion_id: str(s.value) for s in Score.objects.filter(assignment=scene.assignment)}


def test_autosave_with_one_bad_score_keeps_the_comment_and_the_good_score_and_names_the_bad_field(scene):
    client = client_for(scene.juror)
    message, craft = scene.criteria
    assert _autosave(client, scene, {str(message.pk): "3"}).status_code == 200
    response = _autosave(
        client, scene, {str(message.pk): "6", str(craft.pk): "13.5"}, private_comment="Juste et fort.", team_feedback=""
    )
    assert response.status_code == 400
    body = response.json()
    assert body["ok"] is False
    assert body["error"] == "out_of_scale"
    assert body["fields"] == {f"score_{message.pk}": "The score must be a whole number from 1 to 5."}
    assert body["message"] == f"Draft saved at {body['saved_at']}, except the marked scores: Message."
    # The good score and the comment are in; the refused one leaves the score saved before as it was.
    assert _saved(scene) == {message.pk: "3.00", craft.pk: "13.50"}
    review = Review.objects.get(assignment=scene.assignment)
    assert (review.status, review.private_comment) == ("draft", "Juste et fort.")


def test_autosave_names_a_field_that_is_not_a_number_and_says_the_step_when_it_is_not_one(scene):
    client = client_for(scene.juror)
    message, craft = scene.criteria
    response = _autosave(client, scene, {str(message.pk): "?", str(craft.pk): "13.25"}, private_comment="Bien.")
    assert response.status_code == 400
    assert response.json()["fields"] == {
        f"score_{message.pk}": "Enter a number.",
        f"score_{craft.pk}": "The score must be from 0 to 20, in steps of 0.5.",
    }
    assert _saved(scene) == {}
    assert Review.objects.get(assignment=scene.assignment).private_comment == "Bien."


def test_autosave_of_valid_scores_answers_with_the_time_and_no_field(scene):
    response = _autosave(client_for(scene.juror), scene, {str(scene.criteria[0].pk): "4"})
    body = response.json()
    assert (response.status_code, body["ok"], body["fields"]) == (200, True, {})
    assert body["message"] == f"Draft saved at {body['saved_at']}."


def test_submitting_with_a_bad_score_marks_that_field_beside_it(scene):
    client = client_for(scene.juror)
    _watch(client, scene, 95)
    response = _submit(client, scene, message="6")
    assert response.status_code == 400
    html = response.content.decode()
    message = scene.criteria[0]
    assert re.search(rf'id="score_{message.pk}"[^>]*aria-invalid="true"', html, re.S)
    assert (
        f'<p class="errorlist field-error" id="error_{message.pk}" data-error-for="score_{message.pk}">'
        "The score must be a whole number from 1 to 5.</p>"
    ) in html
    assert "Correct the marked scores: Message." in html
    craft = scene.criteria[1]
    assert (
        f'<p class="errorlist field-error" id="error_{craft.pk}" data-error-for="score_{craft.pk}" hidden></p>' in html
    )


def test_after_a_reload_scores_read_as_their_step_and_the_watched_share_is_shown(scene, proxy_provider):
    client = client_for(scene.juror)
    message, craft = scene.criteria
    _autosave(client, scene, {str(message.pk): "4", str(craft.pk): "13.5"})
    _watch(client, scene, 40)
    html = client.get(entry_url(scene)).content.decode()
    assert re.search(rf'id="score_{message.pk}".*?value="4"', html, re.S)
    assert re.search(rf'id="score_{craft.pk}".*?value="13.5"', html, re.S)
    assert "4.00" not in html and "13.50" not in html
    assert '<p class="helptext" id="watched-status" aria-live="polite">Watched: 42 %</p>' in html


def test_the_score_label_names_the_step_only_when_it_is_not_one(scene):
    html = client_for(scene.juror).get(entry_url(scene)).content.decode()
    message, craft = scene.criteria
    assert f'<label for="score_{message.pk}">Score from 1 to 5</label>' in html
    assert f'<label for="score_{craft.pk}">Score from 0 to 20, in steps of 0.5</label>' in html
    assert "(step" not in html


def test_scores_and_scales_use_the_french_decimal_comma_in_french():
    from django.utils import translation

    from judging.models import format_score, score_input_value

    with translation.override("fr"):
        assert [format_score(value) for value in ("4.00", "13.50", "0.5", "20")] == ["4", "13,5", "0,5", "20"]
        assert score_input_value("13.50") == "13.5"  # a number input's value keeps its dot


def test_the_player_waits_behind_the_warning_until_the_juror_has_read_it(scene, proxy_provider):
    html = client_for(scene.juror).get(entry_url(scene)).content.decode()
    gate = html.index('<details class="player-gate" id="player-gate">')
    summary = html.index('<summary class="button">I have read the warnings: show the film</summary>')
    assert html.index("Sexual violence") < gate < summary < html.index("<video") < html.index("</details>")


def test_a_film_without_warnings_plays_without_a_gate(scene, proxy_provider):
    scene.entry.content_warnings.clear()
    html = client_for(scene.juror).get(entry_url(scene)).content.decode()
    assert "<video" in html and "player-gate" not in html


def _ready_film(entry, duration_s):
    from media_pipeline.models import Film

    return Film.objects.create(
        entry=entry,
        key=f"films/{entry.public_id}.mp4",
        original_name="f.mp4",
        content_type="video/mp4",
        size=1,
        checksum="x",
        state=Film.State.READY,
        duration_s=duration_s,
    )


def test_the_duration_is_the_films_probed_one_not_the_runtime_the_team_typed(scene, django_assert_max_num_queries):
    scene.entry.runtime_s = 8
    scene.entry.save()
    _ready_film(scene.entry, 5.0)
    second = EntryFactory(team__contest=scene.contest, status="submitted", title="Deuxième film", runtime_s=8)
    Assignment.objects.create(round=scene.round, juror=scene.juror, entry=second)
    _ready_film(second, 90.2)
    client = client_for(scene.juror)
    html = client.get(entry_url(scene)).content.decode()
    assert '<p class="helptext" id="film-duration">Duration: 5 s</p>' in html
    assert "8 s" not in html and "Runtime" not in html
    queue_url = reverse("jury_queue", kwargs={"contest_slug": scene.contest.slug, "round_id": scene.round.pk})
    with django_assert_max_num_queries(20):
        queue = client.get(queue_url).content.decode()
    cells = re.findall(r'<td data-label="Duration" class="duration">([^<]*)</td>', queue)
    assert cells == ["5 s", "1 min 31 s"] if scene.entry.code < second.code else ["1 min 31 s", "5 s"]


def test_without_a_probed_film_the_queue_and_page_show_no_duration(scene):
    client = client_for(scene.juror)
    assert 'id="film-duration"' not in client.get(entry_url(scene)).content.decode()
    queue = client.get(
        reverse("jury_queue", kwargs={"contest_slug": scene.contest.slug, "round_id": scene.round.pk})
    ).content.decode()
    assert '<td data-label="Duration" class="duration">—</td>' in queue
    assert "95 s" not in queue


def _links(html) -> list[tuple[str, str]]:
    return [
        (unquote(href), unescape(re.sub(r"<[^>]+>", "", text)).strip())
        for href, text in re.findall(r'<a href="([^"]+)"[^>]*>(.*?)</a>', html, re.S)
    ]


def test_the_headers_jury_link_leads_to_the_jury_home(scene):
    home = reverse("jury_home", kwargs={"contest_slug": scene.contest.slug})
    html = client_for(scene.juror).get(entry_url(scene)).content.decode()
    assert (home, "Jury") in _links(html)


def test_with_one_round_the_queue_is_the_jury_home_and_links_to_nothing_that_comes_back_to_it(scene):
    client = client_for(scene.juror)
    queue = reverse("jury_queue", kwargs={"contest_slug": scene.contest.slug, "round_id": scene.round.pk})
    home = reverse("jury_home", kwargs={"contest_slug": scene.contest.slug})
    html = client.get(queue).content.decode()
    main = html[html.index('<main id="main"') :]
    assert home not in [href for href, _text in _links(main)]  # no « ← Jury » that would come straight back here
    assert f"Jury · {scene.contest.title}" in main
    conflicts = client.get(reverse("jury_conflicts", kwargs={"contest_slug": scene.contest.slug})).content.decode()
    assert (queue, "← My queue") in _links(conflicts)
    assert (queue, "← My queue") in _links(client.get(entry_url(scene)).content.decode())


def test_with_two_rounds_the_jury_home_lists_them_and_each_queue_leads_back_to_it(scene):
    from tests.judging.factories import RoundFactory

    final = RoundFactory(contest=scene.contest, name_en="Second round")
    final.jurors.create(user=scene.juror)
    client = client_for(scene.juror)
    home = reverse("jury_home", kwargs={"contest_slug": scene.contest.slug})
    page = client.get(home)
    assert page.status_code == 200
    links = _links(page.content.decode())
    for round in (scene.round, final):
        queue = reverse("jury_queue", kwargs={"contest_slug": scene.contest.slug, "round_id": round.pk})
        assert (queue, round.name_en) in links
        assert (home, f"← Jury · {scene.contest.title}") in _links(client.get(queue).content.decode())
