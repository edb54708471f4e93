"""Release templates: the contest's usual plan typed once ("announcement public at the ceremony, the film to the
community a week later"), applied to an entry's release from a moment the organiser picks, every step or none; the
steps it adds are ordinary steps (audited, the team asked to approve a wide film step, seen at their second); next
year's edition copies the templates."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import reverse

from contest.editions import new_edition
from contest.models import AuditEvent
from releases.models import ReleaseTemplate, ReleaseTemplateStep, Target
from tests.factories import ContestRoleFactory, UserFactory

from .world import TITLE, build_world

pytestmark = pytest.mark.django_db

# The ceremony, in Paris time, five days before summer time ends (25 October 2026): the film's step a week later
# keeps 19:00 on the contest's clock, one more hour in UTC.
CEREMONY_LOCAL = "2026-10-20T19:00"
CEREMONY = datetime(2026, 10, 20, 17, 0, tzinfo=UTC)
WEEK_LATER = datetime(2026, 10, 27, 18, 0, tzinfo=UTC)


def _slug(world) -> dict:
    return {"contest_slug": world.contest.slug}


def _template_url(world, template, name="") -> str:
    suffix = f"_{name}" if name else ""
    return reverse(f"releases:organiser_template{suffix}", kwargs={**_slug(world), "template_id": template.pk})


def _usual_plan(world) -> ReleaseTemplate:
    """Typed by the organiser through the pages, as they would."""
    organiser = world.client("organiser")
    created = organiser.post(
        reverse("releases:organiser_template_create", kwargs=_slug(world)),
        {"name": "Cérémonie, puis la communauté"},
    )
    template = ReleaseTemplate.objects.get(contest=world.contest)
    assert (created.status_code, created["Location"]) == (302, _template_url(world, template))
    for step in (
        {"target": "announcement", "audiences": ["jury", "community", "public"], "days": "0", "hours": "0"},
        {"target": "film", "audiences": ["jury", "community"], "days": "7", "hours": "0"},
    ):
        assert organiser.post(_template_url(world, template, "add_step"), step).status_code == 302
    return template


def _apply(world, template, start=CEREMONY_LOCAL):
    return world.client("organiser").post(
        reverse("releases:organiser_release_apply_template", kwargs=world.kwargs),
        {"template-template": template.pk, "template-start": start},
    )


def _steps(world) -> list[tuple[str, datetime, list[str]]]:
    return [(step.target, step.at, step.audiences) for step in world.release.steps.order_by("at", "id")]


def test_a_template_typed_once_plans_an_entrys_release_from_the_ceremony_on_the_contests_clock(
    django_capture_on_commit_callbacks,
):
    world = build_world("unreleased")
    template = _usual_plan(world)
    page = world.client("organiser").get(_template_url(world, template)).content.decode()
    assert "7 d 0 h after" in page and "at the chosen moment" in page
    mail.outbox.clear()
    with (
        time_machine.travel(datetime(2026, 10, 1, 8, 0, tzinfo=UTC), tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        response = _apply(world, template)
    assert response.status_code == 302
    assert _steps(world) == [
        (Target.ANNOUNCEMENT, CEREMONY, ["organisers", "jury", "community", "public"]),
        (Target.FILM, WEEK_LATER, ["organisers", "jury", "community"]),
    ]
    # The film step to the community waits for the team's approval, as one added by hand: the team is asked.
    assert [message.to for message in mail.outbox] == [[world.users["own_team"].email]]
    verbs = list(AuditEvent.objects.filter(entry=world.entry).order_by("id").values_list("verb", flat=True))
    assert verbs[-3:] == ["release_step_added", "release_step_added", "release_template_applied"]
    applied = AuditEvent.objects.get(verb="release_template_applied")
    assert (applied.actor, applied.data["name"], applied.data["start"]) == (
        world.users["organiser"],
        "Cérémonie, puis la communauté",
        "2026-10-20T19:00:00+02:00",
    )


def test_the_announcement_a_template_planned_appears_to_the_public_at_the_ceremonys_second():
    world = build_world("unreleased")
    with time_machine.travel(datetime(2026, 10, 1, 8, 0, tzinfo=UTC), tick=False):
        assert _apply(world, _usual_plan(world)).status_code == 302
    visitor = Client()
    announcement = reverse("releases:announcement", kwargs=world.kwargs)
    with time_machine.travel(CEREMONY - timedelta(seconds=1), tick=False):
        assert visitor.get(announcement).status_code == 404
    with time_machine.travel(CEREMONY + timedelta(seconds=1), tick=False):
        response = visitor.get(announcement)
        assert response.status_code == 200 and TITLE in response.content.decode()


def test_an_empty_template_adds_nothing_and_says_what_to_do():
    world = build_world("unreleased")
    template = ReleaseTemplate.objects.create(contest=world.contest, name="Vide")
    response = _apply(world, template)
    assert response.status_code == 200
    assert "This template has no step yet: add its steps first." in response.content.decode()
    assert _steps(world) == []


def test_another_contests_template_cannot_be_applied():
    world = build_world("unreleased")
    elsewhere = build_world("unreleased")
    foreign = _usual_plan(elsewhere)
    response = _apply(world, foreign)
    assert response.status_code == 200
    assert "Select a valid choice." in response.content.decode()
    assert _steps(world) == []


def test_a_bad_moment_or_delay_is_refused_beside_its_field_and_nothing_is_written():
    world = build_world("unreleased")
    template = _usual_plan(world)
    response = _apply(world, template, start="le soir de la cérémonie")
    assert response.status_code == 200 and "Enter a valid date/time." in response.content.decode()
    organiser = world.client("organiser")
    for days, hours, error in (("sept", "0", "Enter a whole number."), ("400", "0", "less than or equal to 366")):
        response = organiser.post(
            _template_url(world, template, "add_step"),
            {"target": "film", "audiences": ["public"], "days": days, "hours": hours},
        )
        assert response.status_code == 200 and error in response.content.decode()
    assert ReleaseTemplateStep.objects.filter(template=template).count() == 2
    assert _steps(world) == []


def test_two_templates_cannot_share_a_name():
    world = build_world("unreleased")
    _usual_plan(world)
    response = world.client("organiser").post(
        reverse("releases:organiser_template_create", kwargs=_slug(world)), {"name": "Cérémonie, puis la communauté"}
    )
    assert response.status_code == 200
    assert "Another template already has this name." in response.content.decode()
    assert ReleaseTemplate.objects.filter(contest=world.contest).count() == 1


def test_removing_a_step_or_the_template_keeps_the_steps_already_planned():
    world = build_world("unreleased")
    template = _usual_plan(world)
    assert _apply(world, template).status_code == 302
    organiser = world.client("organiser")
    first = template.steps.first()
    assert organiser.post(_template_url(world, template, "remove_step"), {"step": first.pk}).status_code == 302
    assert list(template.steps.values_list("target", flat=True)) == [Target.FILM]
    refused = organiser.post(_template_url(world, template, "delete"), {})
    assert refused.status_code == 200 and ReleaseTemplate.objects.filter(pk=template.pk).exists()
    assert organiser.post(_template_url(world, template, "delete"), {"confirm": "on"}).status_code == 302
    assert not ReleaseTemplate.objects.filter(pk=template.pk).exists()
    assert len(_steps(world)) == 2
    verbs = AuditEvent.objects.filter(contest=world.contest, verb__startswith="release_template").order_by("id")
    assert list(verbs.values_list("verb", flat=True)) == [
        "release_template_created",
        "release_template_changed",
        "release_template_changed",
        "release_template_applied",
        "release_template_changed",
        "release_template_deleted",
    ]


def test_malformed_or_foreign_step_ids_answer_400_and_404():
    world = build_world("unreleased")
    template = _usual_plan(world)
    other = ReleaseTemplate.objects.create(contest=world.contest, name="Autre")
    stranger_step = ReleaseTemplateStep.objects.create(template=other, target=Target.FILM, to_public=True)
    organiser = world.client("organiser")
    url = _template_url(world, template, "remove_step")
    assert organiser.post(url, {"step": "x"}).status_code == 400
    assert organiser.post(url, {}).status_code == 400
    assert organiser.post(url, {"step": stranger_step.pk}).status_code == 404
    assert organiser.get(url).status_code == 405
    assert template.steps.count() == 2 and other.steps.count() == 1


@pytest.mark.parametrize("role", ["anonymous", "own_team", "juror", "community_member", "other_organiser"])
def test_the_templates_answer_404_to_everyone_but_the_contests_organisers(role):
    world = build_world("unreleased")
    template = _usual_plan(world)
    if role == "other_organiser":
        elsewhere = build_world("unreleased")
        client = world.client_for(elsewhere.users["organiser"])
    else:
        client = world.client(role)
    pages = [reverse("releases:organiser_templates", kwargs=_slug(world)), _template_url(world, template)]
    posts = [
        (reverse("releases:organiser_template_create", kwargs=_slug(world)), {"name": "Volé"}),
        (_template_url(world, template, "add_step"), {"target": "film", "audiences": ["public"], "days": "0"}),
        (_template_url(world, template, "remove_step"), {"step": template.steps.first().pk}),
        (_template_url(world, template, "delete"), {"confirm": "on"}),
        (
            reverse("releases:organiser_release_apply_template", kwargs=world.kwargs),
            {"template-template": template.pk, "template-start": CEREMONY_LOCAL},
        ),
    ]
    for url in pages:
        response = client.get(url)
        if role == "anonymous":
            assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
        else:
            assert response.status_code == 404, url
    for url, data in posts:
        assert client.post(url, data).status_code == (302 if role == "anonymous" else 404), url
    assert ReleaseTemplate.objects.filter(contest=world.contest).count() == 1
    assert template.steps.count() == 2 and _steps(world) == []


def test_next_years_edition_gets_the_same_templates():
    world = build_world("unreleased")
    _usual_plan(world)
    ReleaseTemplate.objects.create(contest=world.contest, name="Sans étape")
    new = new_edition(
        contest=world.contest,
        slug="sans-voix-2027",
        title_fr="Concours 2027",
        title_en="Contest 2027",
        opens_at=world.contest.opens_at + timedelta(days=365),
        closes_at=world.contest.closes_at + timedelta(days=365),
        reinvite_jurors=False,
        by=world.users["organiser"],
    )
    copied = {
        template.name: [(step.target, step.days, step.hours, step.audiences) for step in template.steps.all()]
        for template in new.release_templates.all()
    }
    assert copied == {
        "Cérémonie, puis la communauté": [
            (Target.ANNOUNCEMENT, 0, 0, ["jury", "community", "public"]),
            (Target.FILM, 7, 0, ["jury", "community"]),
        ],
        "Sans étape": [],
    }
    assert ReleaseTemplate.objects.filter(contest=world.contest).count() == 2


def test_the_organiser_reaches_the_templates_from_the_release_calendar_and_the_release_page():
    world = build_world("unreleased")
    organiser = world.client("organiser")
    calendar = organiser.get(reverse("releases:organiser_calendar", kwargs=_slug(world))).content.decode()
    templates_url = reverse("releases:organiser_templates", kwargs=_slug(world))
    assert f'href="{templates_url}"' in calendar
    release_page = organiser.get(reverse("releases:organiser_release", kwargs=world.kwargs)).content.decode()
    assert "No release template yet." in release_page and f'href="{templates_url}"' in release_page
    empty = organiser.get(templates_url).content.decode()
    assert "No template yet: create the first one below." in empty
    template = _usual_plan(world)
    release_page = organiser.get(reverse("releases:organiser_release", kwargs=world.kwargs)).content.decode()
    assert f'<option value="{template.pk}">Cérémonie, puis la communauté</option>' in release_page


def test_a_template_is_found_only_under_its_own_contests_address():
    """Another contest's organiser asking for this template under their own contest's address gets 404 too."""
    world = build_world("unreleased")
    template = _usual_plan(world)
    elsewhere = build_world("unreleased")
    person = UserFactory()
    ContestRoleFactory(contest=elsewhere.contest, user=person, role="organiser")
    client = world.client_for(person)
    assert client.get(_template_url(world, template)).status_code == 404
    wrong_contest = reverse(
        "releases:organiser_template", kwargs={"contest_slug": elsewhere.contest.slug, "template_id": template.pk}
    )
    assert client.get(wrong_contest).status_code == 404
