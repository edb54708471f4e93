"""A juror watches part of a real film in Chromium, scores it and submits; the organiser sees the score and the
watched share. The film is a small VP9 WebM made by PyAV, stored as the entry's Film and served through the media
pipeline's signed, Range-capable delivery view: the same path the demo uses."""

import datetime
import hashlib
import re
import time

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from contest.models import ContestRole, Entry
from judging.models import Assignment, Review, RoundJuror
from media_pipeline.models import Film, Rendition, new_rendition_key
from media_pipeline.samples import make_film
from tests.browser.drafts import wait_for_draft_saved
from tests.factories import (
    ContestRoleFactory,
    EntryFactory,
    InstitutionFactory,
    TeamFactory,
    TeamMemberFactory,
    UserFactory,
)
from tests.judging.factories import CriterionFactory, RoundFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("first_report", ["received", "lost", "late", "before_script"])
def test_a_juror_watches_part_of_a_film_scores_it_and_the_organiser_sees_score_and_watched_share(
    live_server, browser, page, login, tmp_path, first_report
):
    team = TeamFactory(name="Les Voix Cachées", institution=InstitutionFactory(name="Lycée Olympe de Gouges"))
    contest = team.contest
    TeamMemberFactory(team=team, user=UserFactory(full_name="Camille Rivière"))
    entry = EntryFactory(team=team, title="Sans voix", status=Entry.Status.SUBMITTED, film_accepted=True, runtime_s=8)
    path = make_film(tmp_path / "film.webm", duration_s=8, width=320, height=180, fps=12, video_codec="libvpx-vp9")
    data = path.read_bytes()
    key = default_storage.save("films/3f9c2b7e-judging-test.webm", ContentFile(data))
    Film.objects.create(
        entry=entry,
        key=key,
        original_name="Camille_Riviere_Les_Voix_Cachees_FINAL.webm",
        content_type="video/webm",
        size=len(data),
        checksum=hashlib.md5(data).hexdigest(),  # noqa: S324
        state=Film.State.READY,
    )
    round = RoundFactory(contest=contest, name_en="Final", jurors_per_entry=1)
    anchors = {"1": {"fr": "Absent", "en": "Missing"}, "4": {"fr": "Convaincant", "en": "Convincing"}}
    message = CriterionFactory(round=round, name_en="Message", scale_min=1, scale_max=5, step=1, anchors=anchors)
    craft = CriterionFactory(round=round, name_en="Craft", scale_min=0, scale_max=20, step="0.5")
    juror = UserFactory(email="juror1@example.org")
    ContestRoleFactory(contest=contest, user=juror, role=ContestRole.Role.JUROR)
    RoundJuror.objects.create(round=round, user=juror)
    assignment = Assignment.objects.create(round=round, juror=juror, entry=entry)
    organiser = ContestRoleFactory(contest=contest, role=ContestRole.Role.ORGANISER).user

    login(page, "juror1@example.org")
    page.goto(f"{live_server.url}/c/{contest.slug}/jury/")
    # The page's script is what reports playing: the film plays once it has run (the page's load), or, in the
    # "before_script" case, while the script is held on its way (a slow connection) and it arrives after the pause.
    held_script = []
    if first_report == "before_script":
        page.route("**/js/score*.js", lambda route: held_script.append(route))
    with page.expect_navigation(wait_until="commit" if first_report == "before_script" else "load"):
        page.click("text=Sans voix")
    page.wait_for_selector("#film")
    html = page.content()
    for text in ("Les Voix Cachées", "Olympe", "Camille", "Riviere", "FINAL.webm", "3f9c2b7e"):
        assert text not in html
    source = page.locator("video source").first.get_attribute("src")
    assert source.startswith("/media/")

    # Play a bit more than half of the film, muted (autoplay rules), and pause from the page itself as 5 s pass (a
    # pause sent from the test lands late on a loaded machine): the page reports how far it got. The server counts no
    # more than the real time since playing started, which each report tells (never before the page was served), so
    # the share is close to 5/8 however late the first report arrives: the bounds leave 1.8 s (0.4 × 8 = 3.2 s) and
    # stay below "most of the film". The player's first report is let through, dropped (its connection reset: the
    # player sends it again), or held until playing stopped (as behind a film's download on a slow connection).
    touched = []

    def first_report_is(route):
        if touched or first_report in ("received", "before_script"):
            route.continue_()
            return
        touched.append(route)
        if first_report == "lost":
            route.abort("connectionreset")

    page.route("**/watched/", first_report_is)
    sent = []  # what the player sent and when, for the failure message
    page.on(
        "request",
        lambda request: request.url.endswith("/watched/") and sent.append((time.monotonic(), request.post_data)),
    )
    page.evaluate(
        """() => {
          const v = document.getElementById('film');
          v.addEventListener('timeupdate', () => { if (v.currentTime > 5) v.pause(); });
          v.muted = true;
          v.play();
        }"""
    )
    page.wait_for_function(
        "() => document.getElementById('film').paused && document.getElementById('film').currentTime > 5",
        timeout=30_000,
    )
    if first_report == "before_script":
        assert held_script and not sent  # nothing could report yet
        held_script[0].continue_()
    if first_report == "late":  # the first report may leave with the pause itself: wait until it is held
        deadline = time.monotonic() + 15
        while not touched and time.monotonic() < deadline:
            page.wait_for_timeout(50)  # poll interval; Playwright calls the route handler between waits
        assert touched, "the player sent no report within 15 s of pausing"
        touched[0].continue_()
    page.wait_for_function("() => /Watched: \\d+ %/.test(document.getElementById('watched-status').textContent)")
    review = Review.objects.get(assignment=assignment)
    told = page.locator("#watched-status").inner_text()
    assert 0.4 < (review.watched_share or 0) < 0.8, (
        f"share {review.watched_share} (watched {review.watched_seconds} s from {review.watching_started_at}), "
        f"page says {told!r}, reports sent: {sent}"
    )
    assert len(touched) == (first_report not in ("received", "before_script"))

    page.fill(f"#score_{message.pk}", "4")
    # What a 4 means stands out beside it as it is typed.
    assert page.locator(f"#anchors_{message.pk} li[aria-current=true]").inner_text() == "4 — Convincing"
    page.fill(f"#score_{craft.pk}", "13.5")
    page.fill("#private_comment", "Juste et fort.")
    wait_for_draft_saved(page, "Draft saved at ")
    assert Review.objects.get(assignment=assignment).status == "draft"

    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    page.click("#submit-review")
    page.wait_for_url(re.compile(r"/jury/rounds/\d+/$"))
    assert "1 of 1 reviews submitted" in page.content()
    assert dialogs and "less than most of the film" in dialogs[0]
    review = Review.objects.get(assignment=assignment)
    assert (review.status, review.flagged_unwatched) == ("submitted", True)

    context = browser.new_context(locale="en-GB")
    organiser_page = context.new_page()
    login(organiser_page, organiser.email)
    organiser_page.goto(f"{live_server.url}/c/{contest.slug}/organiser/judging/rounds/{round.pk}/results/")
    organiser_page.locator("#ranking").get_by_role("link", name=entry.title).click()
    row = organiser_page.locator("tr[data-juror='juror1@example.org']")
    # Both weights are 1: ((4 - 1) / 4 + 13.5 / 20) / 2 * 100 = 71.25, shown to one decimal.
    assert row.locator("td.total").inner_text() == "71.3"
    # The share as stored once the review is submitted: the pause's report and the one every 5 s of progress can
    # both land after the first answer changed the page's text, moving the share by a point.
    assert 0.4 < review.watched_share < 0.8
    assert row.locator("td.watched").inner_text().startswith(f"{round_share(review.watched_share)} %")
    assert "not watched" in row.locator("td.watched").inner_text()
    context.close()


def round_share(share: float) -> int:
    return round(share * 100)


@pytest.mark.parametrize(
    ("viewport", "width"),
    [({"width": 390, "height": 844}, 160), ({"width": 1200, "height": 900}, 320)],
    ids=["phone", "desktop"],
)
def test_a_phone_plays_the_light_rendition_and_a_desktop_the_proxy(
    live_server, browser, login, tmp_path, viewport, width
):
    entry = EntryFactory(title="Sans voix", status=Entry.Status.SUBMITTED, film_accepted=True, runtime_s=2)
    film = Film.objects.create(
        entry=entry,
        key="uploads/original-not-played.mov",
        original_name="film.mov",
        content_type="video/quicktime",
        size=1,
        checksum="x",
        state=Film.State.READY,
    )
    for kind, size in ((Rendition.Kind.PROXY, (320, 180)), (Rendition.Kind.LIGHT, (160, 90))):
        path = make_film(tmp_path / f"{kind}.mp4", duration_s=2, width=size[0], height=size[1], fps=10)
        key = default_storage.save(new_rendition_key(kind, "mp4"), ContentFile(path.read_bytes()))
        Rendition.objects.create(film=film, kind=kind, key=key, content_type="video/mp4", width=size[0], height=size[1])
    round = RoundFactory(contest=entry.contest, jurors_per_entry=1)
    CriterionFactory(round=round)
    juror = UserFactory(email="juror1@example.org")
    ContestRoleFactory(contest=entry.contest, user=juror, role=ContestRole.Role.JUROR)
    RoundJuror.objects.create(round=round, user=juror)
    Assignment.objects.create(round=round, juror=juror, entry=entry)
    context = browser.new_context(locale="en-GB", viewport=viewport)
    page = context.new_page()

    login(page, juror.email)
    page.goto(f"{live_server.url}/c/{entry.contest.slug}/jury/rounds/{round.pk}/entries/{entry.code}/")
    page.wait_for_function("() => document.getElementById('film').readyState >= 1", timeout=30_000)

    assert page.evaluate("() => document.getElementById('film').videoWidth") == width
    context.close()


def test_scores_typed_before_the_page_script_arrives_are_saved_once_it_runs(live_server, page, login):
    """On a slow connection the form shows before score.js arrives: what the juror typed meanwhile is saved too."""
    entry = EntryFactory(title="Sans voix", status=Entry.Status.SUBMITTED, film_accepted=True)
    round = RoundFactory(contest=entry.contest, jurors_per_entry=1)
    anchors = {"1": {"fr": "Absent", "en": "Missing"}, "4": {"fr": "Convaincant", "en": "Convincing"}}
    message = CriterionFactory(round=round, name_en="Message", scale_min=1, scale_max=5, step=1, anchors=anchors)
    juror = UserFactory(email="juror1@example.org")
    ContestRoleFactory(contest=entry.contest, user=juror, role=ContestRole.Role.JUROR)
    RoundJuror.objects.create(round=round, user=juror)
    assignment = Assignment.objects.create(round=round, juror=juror, entry=entry)

    login(page, juror.email)
    page.goto(f"{live_server.url}/c/{entry.contest.slug}/jury/")
    held = []
    page.route("**/js/score*.js", lambda route: held.append(route))
    page.click("text=Sans voix")
    page.fill(f"#score_{message.pk}", "4")
    page.fill("#private_comment", "Typed while the script was on its way.")
    deadline = time.monotonic() + 15
    while not held and time.monotonic() < deadline:
        page.wait_for_timeout(50)  # poll interval; Playwright calls the route handler between waits
    assert held, "the page never asked for score.js"
    assert not Review.objects.filter(assignment=assignment).exists()  # typed, but nothing listened yet
    held[0].continue_()
    wait_for_draft_saved(page, "Draft saved at ")
    review = Review.objects.get(assignment=assignment)
    assert review.private_comment == "Typed while the script was on its way."
    assert {s.criterion_id: str(s.value) for s in review.assignment.scores.all()} == {message.pk: "4.00"}
    assert page.locator(f"#anchors_{message.pk} li[aria-current=true]").inner_text().startswith("4")


def _juror_on_an_entry_page(live_server, page, login):
    """A juror of a one-criterion round, signed in, on the entry's page with its script run and the page's clock
    paused: the autosave's pause after typing (800 ms) passes only when the test says so."""
    entry = EntryFactory(title="Sans voix", status=Entry.Status.SUBMITTED, film_accepted=True)
    round = RoundFactory(contest=entry.contest, jurors_per_entry=1)
    message = CriterionFactory(round=round, name_en="Message", scale_min=1, scale_max=5, step=1)
    juror = UserFactory(email="juror1@example.org")
    ContestRoleFactory(contest=entry.contest, user=juror, role=ContestRole.Role.JUROR)
    RoundJuror.objects.create(round=round, user=juror)
    assignment = Assignment.objects.create(round=round, juror=juror, entry=entry)
    login(page, juror.email)
    # Counts the drafts the page sends (an init script runs before the page's own, outside its CSP).
    page.add_init_script(
        """const send = window.fetch; window.autosaves = 0;
        window.fetch = function (url) { if (String(url).endsWith('/autosave/')) window.autosaves++;
          return send.apply(this, arguments); };"""
    )
    start = datetime.datetime.now()
    page.clock.install(time=start)
    page.goto(f"{live_server.url}/c/{entry.contest.slug}/jury/rounds/{round.pk}/entries/{entry.code}/")
    page.wait_for_load_state("load")
    page.clock.pause_at(start + datetime.timedelta(minutes=1))
    return round, message, assignment


def test_a_draft_typed_while_the_last_one_is_on_its_way_leaves_once_its_answer_is_back(live_server, page, login):
    """Two drafts in flight could arrive in either order, and the older, written last, would undo the newer."""
    _, message, assignment = _juror_on_an_entry_page(live_server, page, login)
    held = []

    def hold_the_first(route):
        if held:
            route.continue_()
        else:
            held.append(route)

    page.route("**/autosave/", hold_the_first)
    page.fill(f"#score_{message.pk}", "4")
    page.clock.run_for(1_000)
    deadline = time.monotonic() + 15
    while not held and time.monotonic() < deadline:
        page.wait_for_timeout(50)  # poll interval; Playwright calls the route handler between waits
    assert held, "the page sent no draft after the pause"
    page.fill("#private_comment", "Écrit pendant l’envoi.")
    page.clock.run_for(1_000)
    assert page.evaluate("() => [window.autosaves, document.getElementById('score-form').dataset.autosave]") == [
        1,
        "saving",
    ]
    held[0].continue_()
    wait_for_draft_saved(page, "Draft saved at ")
    assert page.evaluate("() => window.autosaves") == 2
    review = Review.objects.get(assignment=assignment)
    assert review.private_comment == "Écrit pendant l’envoi."
    assert {s.criterion_id: str(s.value) for s in assignment.scores.all()} == {message.pk: "4.00"}


def test_a_comment_typed_just_before_leaving_the_page_is_saved(live_server, page, login):
    """A juror who types and follows a link within the autosave's pause loses nothing: the draft leaves with them."""
    round, message, assignment = _juror_on_an_entry_page(live_server, page, login)
    page.fill(f"#score_{message.pk}", "3")
    page.fill("#private_comment", "Dernière pensée avant de partir.")
    assert page.evaluate("() => window.autosaves") == 0  # the clock is paused: no draft has left yet
    page.goto(f"{live_server.url}/c/{round.contest.slug}/jury/rounds/{round.pk}/")
    deadline = time.monotonic() + 15
    while not Review.objects.filter(assignment=assignment).exists() and time.monotonic() < deadline:
        time.sleep(0.05)  # poll interval while the draft sent on leaving reaches the server
    review = Review.objects.get(assignment=assignment)
    assert review.private_comment == "Dernière pensée avant de partir."
    assert {s.criterion_id: str(s.value) for s in assignment.scores.all()} == {message.pk: "3.00"}


def test_an_out_of_range_score_is_marked_beside_its_field_and_the_rest_of_the_draft_is_kept(live_server, page, login):
    entry = EntryFactory(title="Sans voix", status=Entry.Status.SUBMITTED, film_accepted=True)
    round = RoundFactory(contest=entry.contest, jurors_per_entry=1)
    anchors = {"1": {"fr": "Absent", "en": "Missing"}, "4": {"fr": "Convaincant", "en": "Convincing"}}
    message = CriterionFactory(round=round, name_en="Message", scale_min=1, scale_max=5, step=1, anchors=anchors)
    craft = CriterionFactory(round=round, name_en="Craft", scale_min=0, scale_max=20, step="0.5")
    juror = UserFactory(email="juror1@example.org")
    ContestRoleFactory(contest=entry.contest, user=juror, role=ContestRole.Role.JUROR)
    RoundJuror.objects.create(round=round, user=juror)
    assignment = Assignment.objects.create(round=round, juror=juror, entry=entry)

    login(page, juror.email)
    page.goto(f"{live_server.url}/c/{entry.contest.slug}/jury/")
    page.click("text=Sans voix")
    page.fill(f"#score_{craft.pk}", "13.5")
    page.fill(f"#score_{message.pk}", "6")
    page.fill("#private_comment", "Juste et fort.")
    field = page.locator(f"#score_{message.pk}")
    # The mark can come with a draft that left before the comment was typed: wait for the last one.
    wait_for_draft_saved(page, "Draft saved at ")
    assert field.get_attribute("aria-invalid") == "true"
    error = page.locator(f"#error_{message.pk}")
    assert error.is_visible()
    assert error.inner_text() == "The score must be a whole number from 1 to 5."
    assert f"error_{message.pk}" in field.get_attribute("aria-describedby").split()
    # The message sits right under its field, not at the bottom of the form.
    field_box, error_box = field.bounding_box(), error.bounding_box()
    assert 0 <= error_box["y"] - (field_box["y"] + field_box["height"]) < 40
    assert page.locator(f"#score_{craft.pk}").get_attribute("aria-invalid") is None
    status = page.locator("#autosave-status").inner_text()
    assert status.startswith("Draft saved at ") and status.endswith(", except the marked scores: Message.")
    review = Review.objects.get(assignment=assignment)
    assert review.private_comment == "Juste et fort."
    assert {s.criterion_id: str(s.value) for s in review.assignment.scores.all()} == {craft.pk: "13.50"}

    page.fill(f"#score_{message.pk}", "4")
    page.wait_for_function(f"() => !document.getElementById('score_{message.pk}').hasAttribute('aria-invalid')")
    wait_for_draft_saved(page, "Draft saved at ")
    assert not error.is_visible()
    assert page.locator("#autosave-status").inner_text().startswith("Draft saved at ")
