"""Next year's edition: the demo contest copied gives a contest whose configuration equals the old one, field by
field, at the new dates, with no team, entry, review or score; the old edition stays as it was; the contest's page
lists the editions by year; last year's jurors are invited again when the organiser asks."""

from datetime import datetime, timedelta

import pytest
from django.forms.models import model_to_dict
from django.test import Client
from django.urls import reverse

from audience.models import AudienceVote
from contest import editions
from contest.models import (
    AuditEvent,
    ContentWarning,
    Contest,
    ContestRole,
    Entry,
    Invitation,
    Prize,
    SupportResource,
    Team,
)
from demo.services import load_demo
from judging.models import Assignment, Award, Criterion, Review, Round, Score
from releases.models import Release

pytestmark = pytest.mark.django_db

IDENTITY = {"id", "contest", "round"}


def _rows(queryset, exclude=IDENTITY):
    return [{k: v for k, v in model_to_dict(row).items() if k not in exclude} for row in queryset.order_by("pk")]


def _copy_of_the_demo(**changes):
    old = load_demo()
    organiser = ContestRole.objects.filter(contest=old, role=ContestRole.Role.ORGANISER).first().user
    zone = old.tzinfo
    opens = datetime(2027, 9, 1, 9, 0, tzinfo=zone)
    arguments = dict(
        contest=old,
        slug="action-vss-2027",
        title_fr="ACTION contre les VSS 2027",
        title_en="ACTION 2027",
        opens_at=opens,
        closes_at=opens + timedelta(days=60),
        reinvite_jurors=False,
        by=organiser,
    )
    return old, editions.new_edition(**{**arguments, **changes}), organiser


def test_copying_the_demo_gives_the_same_configuration_at_the_new_dates_and_nothing_of_its_teams():
    old, new, organiser = _copy_of_the_demo()
    shift = new.opens_at - old.opens_at
    assert new.previous_edition == old
    for name in editions.CONTEST_FIELDS:
        assert getattr(new, name) == getattr(old, name), name
    assert set(new.institutions.all()) == set(old.institutions.all())
    for model in (ContentWarning, SupportResource, Prize):
        assert _rows(model.objects.filter(contest=new)) == _rows(model.objects.filter(contest=old)), model
        assert model.objects.filter(contest=new).count() > 0
    assert _rows(ContestRole.objects.filter(contest=new, role="organiser")) == _rows(
        ContestRole.objects.filter(contest=old, role="organiser")
    )
    old_rounds, new_rounds = list(Round.objects.filter(contest=old)), list(Round.objects.filter(contest=new))
    assert len(new_rounds) == len(old_rounds) == 2
    for before, after in zip(old_rounds, new_rounds, strict=True):
        assert _rows(Round.objects.filter(pk=after.pk), IDENTITY | {"opens_at", "closes_at"}) == _rows(
            Round.objects.filter(pk=before.pk), IDENTITY | {"opens_at", "closes_at"}
        )
        assert (after.opens_at, after.closes_at) == (before.opens_at + shift, before.closes_at + shift)
        assert _rows(Criterion.objects.filter(round=after)) == _rows(Criterion.objects.filter(round=before))
        assert (
            Criterion.objects.filter(round=after).exclude(anchors={}).exists()
            or not Criterion.objects.filter(round=before).exclude(anchors={}).exists()
        )
    for model in (Team, Entry, Release, Award):
        assert not model.objects.filter(contest=new).exists(), model
    assert not Assignment.objects.filter(round__contest=new).exists()
    assert not Review.objects.filter(assignment__round__contest=new).exists()
    assert not Score.objects.filter(assignment__round__contest=new).exists()
    assert not Invitation.objects.filter(contest=new).exists()
    # The old edition keeps its palmarès.
    assert sorted(Award.objects.filter(contest=old).values_list("prize__name_fr", "entry__title")) == [
        ("Premier prix", "Sans voix"),
        ("Prix du public", "Le Silence des couloirs"),
    ]
    assert AuditEvent.objects.filter(verb="edition_created", contest=new, actor=organiser).count() == 1


def test_the_audience_vote_follows_its_prize_into_the_new_edition():
    from django.utils import timezone

    old = load_demo()
    prize = Prize.objects.get(contest=old, name_fr="Prix du public")
    now = timezone.now()
    AudienceVote.objects.create(
        contest=old,
        prize=prize,
        electorate="domains",
        domains="lycee-gouges.fr",
        opens_at=now,
        closes_at=now + timedelta(days=2),
    )
    organiser = ContestRole.objects.filter(contest=old, role=ContestRole.Role.ORGANISER).first().user
    opens = old.opens_at + timedelta(days=365)
    new = editions.new_edition(
        contest=old,
        slug="next",
        title_fr="Suite",
        title_en="",
        opens_at=opens,
        closes_at=opens + timedelta(days=30),
        reinvite_jurors=False,
        by=organiser,
    )
    vote = AudienceVote.objects.get(contest=new)
    assert vote.prize == Prize.objects.get(contest=new, name_fr="Prix du public")
    assert (vote.electorate, vote.domains) == ("domains", "lycee-gouges.fr")
    assert vote.opens_at == now + timedelta(days=365)


def test_last_years_jurors_are_invited_again_each_in_their_language():
    old, new, _ = _copy_of_the_demo(reinvite_jurors=True)
    jurors = sorted(ContestRole.objects.filter(contest=old, role="juror").values_list("user__email", flat=True))
    assert sorted(Invitation.objects.filter(contest=new, kind="juror").values_list("email", flat=True)) == jurors
    assert not ContestRole.objects.filter(contest=new, role="juror").exists()  # until they accept


def test_the_organiser_makes_the_edition_from_the_dashboard_and_the_page_lists_the_editions_by_year(client):
    old = load_demo()
    organiser = ContestRole.objects.filter(contest=old, role=ContestRole.Role.ORGANISER).first().user
    client.force_login(organiser)
    dashboard = client.get(reverse("organiser_dashboard", kwargs={"contest_slug": old.slug})).content.decode()
    page = reverse("organiser_new_edition", kwargs={"contest_slug": old.slug})
    assert f'href="{page}"' in dashboard
    form = client.get(page).content.decode()
    assert 'value="action-vss-' in form
    create = reverse("organiser_create_edition", kwargs={"contest_slug": old.slug})
    fields = {"slug": old.slug, "title_fr": "Encore", "opens_at": "2027-09-01T09:00", "closes_at": "2027-11-01T18:00"}
    taken = client.post(create, fields)
    assert taken.status_code == 400
    assert "Another contest already has this address." in taken.content.decode()
    backwards = client.post(create, {**fields, "slug": "encore", "closes_at": "2027-08-01T18:00"})
    assert backwards.status_code == 400 and not Contest.objects.filter(slug="encore").exists()
    done = client.post(create, {**fields, "slug": "encore"})
    assert done.status_code == 302 and done["Location"] == reverse(
        "organiser_dashboard", kwargs={"contest_slug": "encore"}
    )
    new = Contest.objects.get(slug="encore")
    assert new.opens_at.astimezone(new.tzinfo).isoformat() == "2027-09-01T09:00:00+02:00"
    old_year = old.opens_at.astimezone(old.tzinfo).year
    for contest in (old, new):
        body = Client().get(reverse("contest_detail", kwargs={"contest_slug": contest.slug})).content.decode()
        assert 'id="editions"' in body
        assert f"{old_year} · {old.title}" in body and f"2027 · {new.title}" in body


def test_a_contest_with_one_edition_lists_none_and_only_its_organisers_reach_the_new_edition_pages(client):
    from tests.factories import ContestFactory, ContestRoleFactory, UserFactory

    contest = ContestFactory()
    assert (
        'id="editions"'
        not in client.get(reverse("contest_detail", kwargs={"contest_slug": contest.slug})).content.decode()
    )
    outsider = UserFactory()
    ContestRoleFactory(user=outsider, role="organiser")  # of another contest
    client.force_login(outsider)
    assert client.get(reverse("organiser_new_edition", kwargs={"contest_slug": contest.slug})).status_code == 404
    create = reverse("organiser_create_edition", kwargs={"contest_slug": contest.slug})
    assert client.post(create, {"slug": "x"}).status_code == 404
    assert client.get(create).status_code == 405
