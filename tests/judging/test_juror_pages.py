"""The juror's pages over HTTP: the blind entry page and its player, 404s and conflicts, the queue and the way home."""

import re
from datetime import timedelta
from html import unescape
from urllib.parse import unquote

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from contest.models import AuditEvent, ContestRole
from judging import services
from judging.models import Assignment, Conflict, Review
from media_pipeline import storage
from tests.factories import ContestRoleFactory, EntryFactory, TeamMemberFactory

from .jury_http import client_for, entry_url

pytestmark = pytest.mark.django_db


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


# Issue 12: the juror's journey (navigation, the warning before the film, its real duration)


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


def test_once_the_round_is_closed_the_player_reports_no_watching(scene, proxy_provider):
    watched = entry_url(scene, "jury_watched")
    assert f'data-watched-url="{watched}"' in client_for(scene.juror).get(entry_url(scene)).content.decode()
    scene.round.closes_at = timezone.now() - timedelta(minutes=1)
    scene.round.save()
    html = client_for(scene.juror).get(entry_url(scene)).content.decode()
    assert "data-watched-url" not in html  # the server would refuse it: the round is closed
    assert '<video id="film"' in html  # the film still plays
