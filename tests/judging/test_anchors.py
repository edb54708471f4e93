"""Anchored scales: what each score means, written by organisers in French and English, shown beside the score the
juror gives and beside each score in the organiser's reviews of an entry."""

import pytest
from django.test import Client
from django.urls import reverse

from contest.models import AuditEvent, ContestRole
from judging.models import Criterion
from tests.factories import ContestRoleFactory

from .factories import CriterionFactory, RoundFactory, seated_juror, submitted_entry, submitted_review
from .jury_http import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def organiser():
    round = RoundFactory(name_en="Final")
    user = ContestRoleFactory(contest=round.contest, role=ContestRole.Role.ORGANISER).user
    client = Client()
    client.force_login(user)
    return round, client


def add_url(round):
    return reverse("judging_round_add_criterion", args=[round.contest.slug, round.pk])


def anchors_url(criterion):
    return reverse("judging_criterion_anchors", args=[criterion.round.contest.slug, criterion.round_id, criterion.pk])


def add(client, round, **fields):
    data = {"criterion-name_fr": "Message", "criterion-weight": "1", "criterion-scale_min": "1"}
    data |= {"criterion-scale_max": "5", "criterion-step": "1"}
    return client.post(add_url(round), data | {f"criterion-{name}": value for name, value in fields.items()})


def test_an_organiser_writes_the_anchors_in_french_and_in_english(organiser):
    round, client = organiser
    response = add(
        client,
        round,
        anchors_fr="5: juste et bouleversant\n1: absent ou maladroit\n3: clair",
        anchors_en="1: missing or clumsy\n5: true and moving",
    )
    assert response.status_code == 302
    assert Criterion.objects.get(round=round).anchors == {
        "1": {"fr": "absent ou maladroit", "en": "missing or clumsy"},
        "3": {"fr": "clair", "en": ""},
        "5": {"fr": "juste et bouleversant", "en": "true and moving"},
    }


@pytest.mark.parametrize(
    "lines, message",
    [
        ("6: trop", "“6” is not a score of this scale: an anchor describes one of its scores."),
        ("2.5: entre deux", "“2.5” is not a score of this scale: an anchor describes one of its scores."),
        ("fort: 5", "Write each anchor as “level: description”, e.g. “1: weak”."),
        ("5 juste", "Write each anchor as “level: description”, e.g. “1: weak”."),
    ],
)
def test_an_anchor_that_is_no_score_of_the_scale_is_refused_and_the_form_keeps_what_was_typed(
    organiser, lines, message
):
    round, client = organiser
    response = add(client, round, anchors_fr=lines, name_en="Message (EN)")
    assert response.status_code == 400
    html = response.content.decode()
    assert message in html
    assert 'value="Message (EN)"' in html and lines in html
    assert not Criterion.objects.filter(round=round).exists()


def test_anchors_are_reworded_after_scores_are_in_and_the_change_is_audited(organiser):
    round, client = organiser
    criterion = CriterionFactory(round=round, name_fr="Message", anchors={"1": {"fr": "faible", "en": ""}})
    submitted_review(round, seated_juror(round), submitted_entry(round.contest), [1])
    page = client.get(reverse("judging_round", args=[round.contest.slug, round.pk])).content.decode()
    assert "1: faible</textarea>" in page.replace("\n", "")  # the form starts from what is saved
    response = client.post(
        anchors_url(criterion),
        {f"anchors-{criterion.pk}-anchors_fr": "1: faible", f"anchors-{criterion.pk}-anchors_en": "1: weak"},
    )
    assert response.status_code == 302
    criterion.refresh_from_db()
    assert criterion.anchors == {"1": {"fr": "faible", "en": "weak"}}
    event = AuditEvent.objects.get(verb="criterion_anchors_changed")
    assert event.data == {"round": round.pk, "criterion": criterion.pk, "name": "Message"}

    response = client.post(anchors_url(criterion), {f"anchors-{criterion.pk}-anchors_fr": "9: hors échelle"})
    assert response.status_code == 400
    criterion.refresh_from_db()
    assert criterion.anchors == {"1": {"fr": "faible", "en": "weak"}}


def test_only_the_contests_organisers_reword_anchors_and_only_of_their_round(organiser):
    round, client = organiser
    criterion = CriterionFactory(round=round, anchors={"1": {"fr": "faible", "en": ""}})
    juror = seated_juror(round)
    data = {f"anchors-{criterion.pk}-anchors_fr": "1: volé"}
    assert client_for(juror).post(anchors_url(criterion), data).status_code == 404
    elsewhere = CriterionFactory(round=RoundFactory())
    url = reverse("judging_criterion_anchors", args=[round.contest.slug, round.pk, elsewhere.pk])
    assert client.post(url, data).status_code == 404
    assert Criterion.objects.get(pk=criterion.pk).anchors == {"1": {"fr": "faible", "en": ""}}


ANCHORS = {"1": {"fr": "absent", "en": "missing"}, "4": {"fr": "fort", "en": ""}, "5": {"fr": "", "en": "moving"}}


def test_the_juror_sees_the_anchor_of_the_score_they_gave_marked_in_their_language(organiser):
    round, _ = organiser
    criterion = CriterionFactory(round=round, anchors=ANCHORS)
    juror = seated_juror(round)
    entry = submitted_entry(round.contest)
    submitted_review(round, juror, entry, [4])
    client = client_for(juror)
    url = reverse("jury_entry", args=[round.contest.slug, round.pk, entry.code])
    client.cookies["django_language"] = "fr"
    html = client.get(url).content.decode()
    assert (
        f'<ul class="helptext anchors" id="anchors_{criterion.pk}"><li data-level="1"><strong>1</strong> — absent</li>'
        '<li data-level="4" class="current" aria-current="true"><strong>4</strong> — fort</li>'
        '<li data-level="5"><strong>5</strong> — moving</li></ul>'
    ) in html
    client.cookies["django_language"] = "en"
    html = client.get(url).content.decode()
    assert '<li data-level="4" class="current" aria-current="true"><strong>4</strong> — fort</li>' in html
    assert '<li data-level="1"><strong>1</strong> — missing</li>' in html


def test_the_organiser_reads_each_score_with_what_its_level_means(organiser):
    round, client = organiser
    CriterionFactory(round=round, anchors=ANCHORS, order=1)
    CriterionFactory(round=round, order=2)  # no anchors
    entry = submitted_entry(round.contest)
    submitted_review(round, seated_juror(round), entry, [1, 4])
    url = reverse("judging_round_entry", args=[round.contest.slug, round.pk, entry.code])
    client.cookies["django_language"] = "en"
    html = client.get(url).content.decode()
    assert '<td>1<br><small class="helptext anchor">missing</small></td><td>4</td>' in html
