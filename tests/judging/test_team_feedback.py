"""The jury's feedback to the teams (issue 15, point 5): the organiser publishes it at a time of their choosing after
the results; each team then reads on its entry page, and in one mail per member, the comments meant for it, signed
by a letter, never a name, as the organiser reworded or held them back; and, if chosen, its scores per criterion
beside the round's average. Before the publication, not a second before, the team reads nothing of it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contest.models import AuditEvent, ContestRole
from judging import services, tasks, team_feedback
from judging.models import FeedbackMail, FeedbackModeration, FeedbackPublication, Review, Score
from judging.services import JudgingError
from tests.concurrency import run_at_once
from tests.factories import ContestRoleFactory, TeamMemberFactory, UserFactory

from .factories import CriterionFactory, RoundFactory, assign, seated_juror, submitted_entry, submitted_review
from .jury_http import client_for

pytestmark = pytest.mark.django_db

JUROR_1_WORDS = "Beautiful framing.\nThe ending stays with you."
JUROR_2_WORDS = "The sound is too low in the middle."
PRIVATE_WORDS = "Between us: the weakest of my batch."


class World:
    """A closed round of three entries' worth of reviews (the final round of the contest), and what each role uses."""

    def __init__(self):
        now = timezone.now()
        self.round = RoundFactory(opens_at=now - timedelta(days=10), closes_at=now - timedelta(days=1), name_en="Final")
        self.contest = self.round.contest
        self.message = CriterionFactory(round=self.round, name_en="Message", order=1)
        self.craft = CriterionFactory(round=self.round, name_en="Craft", order=2)
        self.entry = submitted_entry(self.contest, title="Sans voix")
        self.other = submitted_entry(self.contest, title="Other film")
        self.captain = TeamMemberFactory(team=self.entry.team, user__preferred_language="fr").user
        self.member = TeamMemberFactory(team=self.entry.team, user__preferred_language="en").user
        self.other_member = TeamMemberFactory(team=self.other.team).user
        self.jurors = [seated_juror(self.round) for _ in range(3)]
        first = submitted_review(self.round, self.jurors[0], self.entry, [4, 2])
        second = submitted_review(self.round, self.jurors[1], self.entry, [5, 3])
        submitted_review(self.round, self.jurors[0], self.other, [1, 1])
        Review.objects.filter(assignment=first).update(team_feedback=JUROR_1_WORDS, private_comment=PRIVATE_WORDS)
        Review.objects.filter(assignment=second).update(team_feedback=JUROR_2_WORDS)
        Review.objects.filter(assignment__entry=self.other).update(team_feedback="For the other team.")
        # The third juror's review is a draft: neither its words nor its scores reach the team.
        draft = assign(self.round, self.jurors[2], self.entry)
        Review.objects.create(assignment=draft, team_feedback="Not finished, not sent.")
        Score.objects.create(assignment=draft, criterion=self.message, value=Decimal(1))
        self.first, self.second = Review.objects.get(assignment=first), Review.objects.get(assignment=second)
        self.organiser = ContestRoleFactory(contest=self.contest, role=ContestRole.Role.ORGANISER).user

    def publish(self, *, at=None, show_scores=False) -> FeedbackPublication:
        """The organiser's publication, written as the service writes it, at `at` (default: a second ago)."""
        at = at or timezone.now() - timedelta(seconds=1)
        return FeedbackPublication.objects.update_or_create(
            contest=self.contest, defaults={"publish_at": at, "show_scores": show_scores, "set_by": self.organiser}
        )[0]

    def entry_page(self, user, language="en"):
        client = client_for(user)
        client.cookies["django_language"] = language
        return client.get(reverse("entry_detail", args=[self.contest.slug, self.entry.public_id]))


@pytest.fixture
def world():
    return World()


def feedback_section(response) -> str:
    html = response.content.decode()
    start = html.find('id="feedback"')
    return html[start : html.find("</section>", start)] if start >= 0 else ""


# What the team reads, and when


def test_before_the_publication_the_team_reads_nothing_of_the_feedback(world):
    response = world.entry_page(world.member)
    assert response.status_code == 200
    assert 'id="feedback"' not in response.content.decode()
    world.publish(at=timezone.now() + timedelta(hours=1))
    html = world.entry_page(world.member).content.decode()
    assert "The jury's feedback will be published on" in feedback_section(world.entry_page(world.member))
    for words in ("Beautiful framing", JUROR_2_WORDS, PRIVATE_WORDS, world.jurors[0].email):
        assert words not in html


def test_the_feedback_is_read_from_the_second_of_its_publication_and_not_one_before(world):
    at = timezone.now() + timedelta(hours=2)
    world.publish(at=at)
    assert team_feedback.entry_feedback(world.entry, now=at - timedelta(microseconds=1)) is None
    feedback = team_feedback.entry_feedback(world.entry, now=at)
    assert [(comment.letter, comment.text) for comment in feedback.comments] == [
        ("A", JUROR_1_WORDS),
        ("B", JUROR_2_WORDS),
    ]


def test_after_the_publication_each_comment_is_signed_by_a_letter_and_nothing_else_of_the_jury_shows(world):
    world.publish()
    section = feedback_section(world.entry_page(world.member))
    assert "<p>Beautiful framing.<br>The ending stays with you.</p>" in section
    assert "— Juror A · Final" in section
    assert f"<p>{JUROR_2_WORDS}</p>" in section and "— Juror B · Final" in section
    html = world.entry_page(world.member).content.decode()
    jurors = [juror.email for juror in world.jurors] + [juror.full_name for juror in world.jurors]
    for hidden in (PRIVATE_WORDS, "Not finished, not sent.", "For the other team.", *jurors):
        assert hidden not in html
    assert "Your scores in" not in section  # the organiser did not publish the scores


def test_the_team_page_in_french_signs_each_comment_jure_e(world):
    world.publish()
    section = feedback_section(world.entry_page(world.captain, language="fr"))
    assert "Les retours du jury" in section
    assert "— Juré·e A · " in section and "— Juré·e B · " in section


def test_a_review_of_a_round_still_open_is_not_read_even_after_the_publication(world):
    world.publish()
    later = RoundFactory(contest=world.contest, closes_at=timezone.now() + timedelta(days=3))
    review = submitted_review(later, world.jurors[2], world.entry, [])
    Review.objects.filter(assignment=review).update(team_feedback="Written in a round still open.")
    assert "Written in a round still open." not in world.entry_page(world.member).content.decode()


def test_with_the_scores_published_the_team_reads_its_means_beside_the_rounds(world):
    world.publish(show_scores=True)
    [round_scores] = team_feedback.entry_feedback(world.entry).scores
    assert [(row.criterion.name_en, row.entry_mean, row.round_mean) for row in round_scores.criteria] == [
        ("Message", Decimal("4.50"), Decimal("3.33")),  # (4 + 5) / 2 and (4 + 5 + 1) / 3: the draft's 1 left out
        ("Craft", Decimal("2.50"), Decimal("2.00")),
    ]
    section = feedback_section(world.entry_page(world.member))
    assert '<th scope="row">Message</th><td>4.5</td><td>3.33</td>' in section
    assert '<th scope="row">Craft</th><td>2.5</td><td>2</td>' in section


def test_the_team_dashboard_points_to_the_feedback_once_published(world):
    client = client_for(world.member)
    client.cookies["django_language"] = "en"
    url = reverse("team_dashboard", args=[world.contest.slug])
    assert 'data-notice="feedback"' not in client.get(url).content.decode()
    world.publish()
    html = client.get(url).content.decode()
    assert 'data-notice="feedback"' in html
    assert f"{reverse('entry_detail', args=[world.contest.slug, world.entry.public_id])}#feedback" in html


# Who sees the organiser's page and the team's feedback


@pytest.mark.parametrize("role", ["anonymous", "juror", "captain", "other_member", "stranger", "other_organiser"])
def test_only_the_contests_organisers_reach_the_feedback_page(world, role):
    url = reverse("judging_feedback", args=[world.contest.slug])
    users = {
        "juror": world.jurors[0],
        "captain": world.captain,
        "other_member": world.other_member,
        "stranger": UserFactory(),
        "other_organiser": ContestRoleFactory(role=ContestRole.Role.ORGANISER).user,
    }
    client = Client() if role == "anonymous" else client_for(users[role])
    response = client.get(url)
    if role == "anonymous":
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == 404
    assert client_for(world.organiser).get(url).status_code == 200


def test_another_team_never_reads_this_teams_feedback(world):
    world.publish()
    url = reverse("entry_detail", args=[world.contest.slug, world.entry.public_id])
    assert client_for(world.other_member).get(url).status_code == 404
    client = client_for(world.other_member)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("entry_detail", args=[world.contest.slug, world.other.public_id])).content.decode()
    assert "For the other team." in html and "Beautiful framing" not in html


# Publication


def test_the_publication_comes_after_the_last_round_closes_and_not_in_the_past(world):
    now = timezone.now()
    later = RoundFactory(contest=world.contest, opens_at=now, closes_at=now + timedelta(days=3))
    with pytest.raises(JudgingError) as refused:
        services.schedule_feedback(
            contest=world.contest,
            publish_at=later.closes_at - timedelta(minutes=1),
            show_scores=False,
            by=world.organiser,
        )
    assert refused.value.code == "before_close"
    with pytest.raises(JudgingError) as refused:
        services.schedule_feedback(
            contest=world.contest, publish_at=now - timedelta(minutes=5), show_scores=False, by=world.organiser
        )
    assert refused.value.code == "in_the_past"
    publication = services.schedule_feedback(
        contest=world.contest, publish_at=later.closes_at, show_scores=True, by=world.organiser
    )
    assert (publication.publish_at, publication.show_scores) == (later.closes_at, True)
    event = AuditEvent.objects.get(verb="feedback_scheduled")
    assert (event.actor, event.entry, event.data["show_scores"]) == (world.organiser, None, True)


def test_a_publication_in_force_can_be_neither_moved_nor_cancelled(world):
    world.publish()
    for call in (
        lambda: services.schedule_feedback(
            contest=world.contest,
            publish_at=timezone.now() + timedelta(days=1),
            show_scores=False,
            by=world.organiser,
        ),
        lambda: services.cancel_feedback(contest=world.contest, by=world.organiser),
    ):
        with pytest.raises(JudgingError) as refused:
            call()
        assert refused.value.code == "already_published"


def test_the_organiser_plans_the_publication_in_the_contests_time_zone_after_confirming(world):
    client = client_for(world.organiser)
    client.cookies["django_language"] = "en"
    url = reverse("judging_schedule_feedback", args=[world.contest.slug])
    fields = {"publication-publish_at": "2040-06-12T18:00", "publication-show_scores": "on"}
    response = client.post(url, fields)
    assert response.status_code == 400
    assert "Tick this box once you have read the comments below." in response.content.decode()
    assert not FeedbackPublication.objects.exists()
    response = client.post(url, fields | {"publication-confirm": "on"})
    assert response.status_code == 302
    publication = FeedbackPublication.objects.get(contest=world.contest)
    assert timezone.localtime(publication.publish_at, world.contest.tzinfo).strftime("%Y-%m-%d %H:%M %Z") == (
        "2040-06-12 18:00 CEST"
    )
    page = client.get(reverse("judging_feedback", args=[world.contest.slug])).content.decode()
    assert "Planned for June 12, 2040, 6 p.m. (Europe/Paris)." in page
    client.post(reverse("judging_cancel_feedback", args=[world.contest.slug]))
    assert not FeedbackPublication.objects.exists()
    assert [event.verb for event in AuditEvent.objects.filter(verb__startswith="feedback_")] == [
        "feedback_unscheduled",
        "feedback_scheduled",
    ]


def test_a_publication_before_the_close_answers_400_with_the_close_in_the_contests_zone(world):
    RoundFactory(
        contest=world.contest,
        opens_at=timezone.now(),
        closes_at=timezone.now().replace(year=2039, month=1, day=10, hour=17, minute=0, second=0, microsecond=0),
    )
    client = client_for(world.organiser)
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("judging_schedule_feedback", args=[world.contest.slug]),
        {"publication-publish_at": "2039-01-10T17:59", "publication-confirm": "on"},
    )
    assert response.status_code == 400
    assert (
        "Teams read the feedback after the results: choose a time after the last round closes "
        "(Jan. 10, 2039, 6 p.m.)." in response.content.decode()
    )


# Moderation


def moderate(world, review, **fields):
    client = client_for(world.organiser)
    client.cookies["django_language"] = "en"
    return client.post(reverse("judging_moderate_feedback", args=[world.contest.slug]), {"review": review.pk} | fields)


def test_a_reworded_comment_is_what_the_team_reads_and_the_jurors_words_stay(world):
    response = moderate(world, world.second, action="edit", text="The sound could be louder.", reason="Too harsh")
    assert response.status_code == 302 and response["Location"].endswith(f"#review-{world.second.pk}")
    world.publish()
    section = feedback_section(world.entry_page(world.member))
    assert "The sound could be louder." in section and JUROR_2_WORDS not in section
    world.second.refresh_from_db()
    assert world.second.team_feedback == JUROR_2_WORDS
    event = AuditEvent.objects.get(verb="feedback_edited")
    assert (event.actor, event.entry, event.data["reason"], event.data["code"]) == (
        world.organiser,
        None,
        "Too harsh",
        world.entry.code,
    )


def test_a_held_back_comment_leaves_the_team_page_at_the_next_request_and_the_letters_close_up(world):
    world.publish()
    assert JUROR_1_WORDS.split("\n")[0] in feedback_section(world.entry_page(world.member))
    moderate(world, world.first, action="hold", reason="Names an actor")
    section = feedback_section(world.entry_page(world.member))
    assert "Beautiful framing" not in section
    assert "— Juror A · Final" in section and f"<p>{JUROR_2_WORDS}</p>" in section and "Juror B" not in section
    # The team's history says nothing of it: judging's events never carry the entry.
    history = world.entry_page(world.member).content.decode()
    assert "held back" not in history
    moderate(world, world.first, action="restore", reason="The actor agreed")
    assert "Beautiful framing" in feedback_section(world.entry_page(world.member))
    assert [event.verb for event in AuditEvent.objects.filter(verb__startswith="feedback_")] == [
        "feedback_restored",
        "feedback_held",
    ]


def test_a_moderation_without_a_reason_answers_400_and_keeps_what_was_typed(world):
    response = moderate(world, world.second, action="edit", text="My careful rewording", reason="  ")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Say why: the jury&#x27;s record keeps the reason." in html
    assert ">My careful rewording</textarea>" in html
    assert not FeedbackModeration.objects.exists()


def test_a_comment_can_be_moderated_only_once_its_round_is_closed(world):
    open_round = RoundFactory(contest=world.contest, closes_at=timezone.now() + timedelta(days=3))
    assignment = submitted_review(open_round, world.jurors[2], world.entry, [])
    review = Review.objects.get(assignment=assignment)
    with pytest.raises(JudgingError) as refused:
        services.moderate_feedback(review=review, by=world.organiser, reason="Early", held=True)
    assert refused.value.code == "round_open"
    with pytest.raises(JudgingError) as refused:
        services.moderate_feedback(review=world.first, by=world.organiser, reason="Why", text="   ")
    assert refused.value.code == "empty_text"


@pytest.mark.parametrize(
    "fields, status",
    [
        ({"action": "hold", "reason": "x"}, 400),  # no review id
        ({"review": "abc", "action": "hold", "reason": "x"}, 400),
        ({"review": "999999999", "action": "hold", "reason": "x"}, 404),
        ({"action": "delete", "reason": "x"}, 400),  # with the review below
    ],
)
def test_malformed_moderations_answer_400_and_unknown_reviews_404(world, fields, status):
    client = client_for(world.organiser)
    if fields.get("action") == "delete":
        fields = fields | {"review": world.first.pk}
    response = client.post(reverse("judging_moderate_feedback", args=[world.contest.slug]), fields)
    assert response.status_code == status
    assert not FeedbackModeration.objects.exists()


def test_a_review_of_another_contest_answers_404_to_this_contests_organiser(world):
    elsewhere = World()
    response = moderate(world, elsewhere.first, action="hold", reason="Not mine")
    assert response.status_code == 404


# Mails


def test_each_member_gets_one_mail_in_their_language_once(world, django_capture_on_commit_callbacks):
    world.publish()
    assert tasks.mail_due_feedback() == 3  # two members of this team, one of the other
    assert tasks.mail_due_feedback() == 0
    by_recipient = {message.to[0]: message for message in mail.outbox}
    assert set(by_recipient) == {world.captain.email, world.member.email, world.other_member.email}
    english = by_recipient[world.member.email]
    assert english.subject == "The jury's feedback on “Sans voix”"
    assert "Juror A (Final):\nBeautiful framing.\nThe ending stays with you." in english.body
    assert f"Juror B (Final):\n{JUROR_2_WORDS}" in english.body
    assert f"/team/entries/{world.entry.public_id}/#feedback" in english.body
    french = by_recipient[world.captain.email]
    assert french.subject == "Les retours du jury sur «\xa0Sans voix\xa0»"
    assert "Juré·e A (Tour " in french.body and "\xa0:\nBeautiful framing." in french.body
    for message in mail.outbox:
        assert PRIVATE_WORDS not in message.body
        assert not any(juror.email in message.body or juror.full_name in message.body for juror in world.jurors)
    assert FeedbackPublication.objects.get().mailed_at is not None


def test_nothing_is_mailed_before_the_publication(world):
    world.publish(at=timezone.now() + timedelta(minutes=1))
    assert tasks.mail_due_feedback() == 0
    assert mail.outbox == []


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_send_each_mail_once():
    world = World()
    world.publish()
    counts = run_at_once(lambda: tasks.mail_due_feedback())
    assert sorted(counts) in ([0, 3], [1, 2])  # whichever claims first; never 4 or more
    assert sum(counts) == 3
    assert len(mail.outbox) == 3
    assert FeedbackMail.objects.count() == 3


def test_an_entry_without_any_comment_or_score_to_read_gets_no_mail(world):
    Review.objects.filter(assignment__entry=world.other).update(team_feedback="")
    world.publish()
    assert tasks.mail_due_feedback() == 2
    assert world.other_member.email not in {message.to[0] for message in mail.outbox}
