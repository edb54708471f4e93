"""The juror's journey (issue 12), in French at desktop and phone size, through links only after the login page:
log in → the header's « Jury » → the queue → the film's page → the content warning → the player plays → scores
(autosave) → a reload keeps the draft → submit. The film is a real small film made by PyAV, stored as the entry's
ready Film with a proxy rendition, its duration from the media pipeline's probe (5 s; the team typed 8 s)."""

from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage

from contest.models import ContentWarning, ContestRole, Entry, SupportResource
from judging.models import Assignment, Review, RoundJuror, Score
from media_pipeline.models import Film, Rendition, new_rendition_key
from media_pipeline.probe import MediaRules, probe_path
from media_pipeline.samples import make_film
from tests.browser.drafts import wait_for_draft_saved
from tests.factories import PASSWORD, ContestRoleFactory, EntryFactory, UserFactory
from tests.judging.factories import CriterionFactory, RoundFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _scene(tmp_path):
    entry = EntryFactory(title="Sans voix", status=Entry.Status.SUBMITTED, film_accepted=True, runtime_s=8)
    contest = entry.contest
    warning = ContentWarning.objects.create(
        contest=contest, code="sexual_violence", name_fr="Violences sexuelles", name_en="Sexual violence"
    )
    entry.content_warnings.set([warning])
    SupportResource.objects.create(contest=contest, name="Numéro national 3919", phone="3919")
    path = make_film(tmp_path / "proxy.mp4", duration_s=5, width=320, height=180, fps=12)
    probed = probe_path(path, rules=MediaRules())
    film = Film.objects.create(
        entry=entry,
        key="uploads/original-not-played.mov",
        original_name="film.mov",
        content_type="video/quicktime",
        size=path.stat().st_size,
        checksum="x",
        state=Film.State.READY,
        duration_s=probed.duration_s,
    )
    key = default_storage.save(new_rendition_key(Rendition.Kind.PROXY, "mp4"), ContentFile(path.read_bytes()))
    Rendition.objects.create(
        film=film, kind=Rendition.Kind.PROXY, key=key, content_type="video/mp4", width=320, height=180
    )
    round = RoundFactory(contest=contest, name_fr="Finale", jurors_per_entry=1)
    message = CriterionFactory(round=round, name_fr="Message", scale_min=1, scale_max=5, step=1)
    craft = CriterionFactory(round=round, name_fr="Réalisation", scale_min=0, scale_max=20, step="0.5")
    juror = UserFactory(email="jure@example.org")
    ContestRoleFactory(contest=contest, user=juror, role=ContestRole.Role.JUROR)
    RoundJuror.objects.create(round=round, user=juror)
    assignment = Assignment.objects.create(round=round, juror=juror, entry=entry)
    return entry, message, craft, assignment, probed.duration_s


def test_a_juror_logs_in_reads_the_warning_watches_scores_reloads_and_submits(journey, tmp_path):
    entry, message, craft, assignment, duration = _scene(tmp_path)
    assert round(duration) == 5
    page = journey.page

    journey.open("/accounts/login/")
    page.fill("input[name=username]", "jure@example.org")
    page.fill("input[name=password]", PASSWORD)
    journey.submit(page.locator("main form button[type=submit]"))

    # The header's « Jury » leads to the jury home: with one round, its queue.
    journey.follow("Jury", within=page.locator("header"))
    assert page.locator("h1").inner_text() == "Finale"
    row = page.locator(f"tr[data-code='{entry.code}']")
    assert row.locator("td.duration").inner_text() == "5 s"
    review_cell = row.locator("td.review")
    assert review_cell.inner_text().strip() == "à faire"
    box = review_cell.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= page.viewport_size["width"]  # « Évaluation » not cut off

    journey.follow("Sans voix")
    assert page.locator("#film-duration").inner_text() == "Durée\u00a0: 5 s"
    assert page.get_by_text("Violences sexuelles").is_visible()
    assert not page.locator("#film").is_visible()  # the film waits for the warning

    page.get_by_text("J’ai lu les avertissements\u00a0: montrer le film").click()
    page.locator("#film").wait_for(state="visible")
    journey.check("avertissements lus")

    # The player plays the whole film (muted: autoplay rules), and the page says how much was watched.
    page.evaluate("() => { const v = document.getElementById('film'); v.muted = true; return v.play(); }")
    page.wait_for_function("() => document.getElementById('film').ended", timeout=30_000)
    page.wait_for_function(
        "() => /^Visionné\\u00a0: \\d+\\u00a0%$/.test(document.getElementById('watched-status').textContent)"
    )
    journey.check("film vu")

    page.fill(f"#score_{message.pk}", "4")
    page.fill(f"#score_{craft.pk}", "13.5")
    page.fill("#private_comment", "Juste et fort.")
    wait_for_draft_saved(page, "Brouillon enregistré à ")
    assert page.get_by_text("Note de 0 à 20, par pas de 0,5").is_visible()
    journey.check("brouillon enregistré")

    page.reload()
    page.wait_for_load_state("networkidle")
    journey.check("page rechargée")
    assert page.locator(f"#score_{message.pk}").input_value() == "4"
    assert page.locator(f"#score_{craft.pk}").input_value() == "13.5"
    assert page.locator("#private_comment").input_value() == "Juste et fort."
    watched = page.locator("#watched-status").inner_text()
    assert watched.startswith("Visionné\u00a0: ") and watched.endswith("\u00a0%")

    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    journey.submit(page.get_by_role("button", name="Déposer mon évaluation"))
    assert page.get_by_text(f"Votre évaluation de {entry.code} est déposée.").is_visible()
    assert page.locator(f"tr[data-code='{entry.code}'] td.review").inner_text().strip() == "déposée"
    review = Review.objects.get(assignment=assignment)
    assert (review.status, review.private_comment) == ("submitted", "Juste et fort.")
    assert dict(Score.objects.filter(assignment=assignment).values_list("criterion_id", "value")) == {
        message.pk: Decimal("4.00"),
        craft.pk: Decimal("13.50"),
    }
