"""assign_jurors and friends against the database: conflicts from rosters and declarations, kept scores,
redistribution when a juror leaves, manual changes, audit events."""

from collections import Counter

import pytest

from contest.models import AuditEvent, ContentWarning, ContestRole
from judging import services
from judging.models import Assignment, Review, RoundJuror, Score
from judging.selectors import round_entries
from tests.factories import TeamMemberFactory

from .factories import CriterionFactory, RoundFactory, seated_juror, submitted_entry

pytestmark = pytest.mark.django_db


@pytest.fixture
def round_with_jury():
    round = RoundFactory(jurors_per_entry=3)
    CriterionFactory(round=round)
    entries = [submitted_entry(round.contest) for _ in range(12)]
    jurors = [seated_juror(round) for _ in range(6)]
    organiser = seated_juror(round)  # also seated; removed below so that the organiser is only an organiser
    RoundJuror.objects.filter(user=organiser).delete()
    return round, entries, jurors, organiser


def pairs(round):
    return set(Assignment.objects.filter(round=round).values_list("juror_id", "entry_id"))


def test_every_entry_gets_k_jurors_with_even_loads_and_conflicts_respected(round_with_jury):
    round, entries, jurors, organiser = round_with_jury
    TeamMemberFactory(team=entries[0].team, user=jurors[0], role="member")  # derived: member of the team
    ContestRole.objects.filter(user=jurors[1]).update(institution=entries[1].team.institution)  # same institution
    services.declare_conflict(contest=round.contest, juror=jurors[2], by=jurors[2], team=entries[2].team)
    warning = ContentWarning.objects.create(contest=round.contest, code="violence", name_fr="Violence")
    entries[3].content_warnings.set([warning])
    services.set_content_opt_outs(contest=round.contest, juror=jurors[3], warnings=[warning], by=jurors[3])
    # Entries not submitted are not judged.
    draft = submitted_entry(round.contest)
    draft.status = "draft"
    draft.save()

    outcome = services.assign_jurors(round=round, by=organiser)

    assigned = pairs(round)
    assert outcome["added"] == 36 and outcome["short"] == {}
    assert Counter(entry for _, entry in assigned) == {entry.pk: 3 for entry in entries}
    loads = Counter(juror for juror, _ in assigned)
    assert sorted(loads.values()) == [6] * 6
    for juror, entry in [
        (jurors[0], entries[0]),
        (jurors[1], entries[1]),
        (jurors[2], entries[2]),
        (jurors[3], entries[3]),
    ]:
        assert (juror.pk, entry.pk) not in assigned
    event = AuditEvent.objects.get(verb="assignment_run")
    assert (event.actor, len(event.data["added"]), event.data["removed"], event.entry) == (organiser, 36, [], None)


def test_running_again_changes_nothing(round_with_jury):
    round, _, _, organiser = round_with_jury
    services.assign_jurors(round=round, by=organiser)
    before = pairs(round)
    outcome = services.assign_jurors(round=round, by=organiser)
    assert (outcome["added"], outcome["removed"]) == (0, 0)
    assert pairs(round) == before


def test_a_juror_leaving_hands_unscored_entries_to_the_others_and_keeps_submitted_scores(round_with_jury):
    round, entries, jurors, organiser = round_with_jury
    services.assign_jurors(round=round, by=organiser)
    leaving = jurors[5]
    done = Assignment.objects.filter(round=round, juror=leaving).order_by("entry__code").first()
    Review.objects.create(assignment=done, status="submitted")
    Score.objects.create(assignment=done, criterion=round.criteria.get(), value=4)

    services.remove_round_juror(round=round, user=leaving, by=organiser)

    assigned = pairs(round)
    assert {entry for juror, entry in assigned if juror == leaving.pk} == {done.entry_id}
    per_entry = Counter(entry for _, entry in assigned)
    assert per_entry == {entry.pk: 3 for entry in entries}  # the scored pair still counts for its entry
    loads = Counter(juror for juror, _ in assigned if juror != leaving.pk)
    assert max(loads.values()) - min(loads.values()) <= 1
    assert sum(loads.values()) == 35
    assert AuditEvent.objects.filter(verb="round_juror_removed", data__juror=leaving.pk).count() == 1


def test_manual_assignment_is_refused_on_conflict_and_kept_by_later_runs(round_with_jury):
    round, entries, jurors, organiser = round_with_jury
    services.declare_conflict(contest=round.contest, juror=jurors[0], by=organiser, entry=entries[0])
    with pytest.raises(services.JudgingError) as raised:
        services.add_assignment(round=round, juror=jurors[0], entry=entries[0], by=organiser)
    assert raised.value.code == "conflict"
    manual = services.add_assignment(round=round, juror=jurors[1], entry=entries[1], by=organiser)
    services.assign_jurors(round=round, by=organiser)
    assert Assignment.objects.filter(pk=manual.pk, manual=True).exists()
    assert (jurors[0].pk, entries[0].pk) not in pairs(round)
    assert AuditEvent.objects.filter(verb="assignment_added", data__code=entries[1].code).count() == 1


def test_declaring_a_conflict_after_scoring_drops_the_assignment_and_records_the_scores(round_with_jury):
    round, entries, jurors, organiser = round_with_jury
    services.assign_jurors(round=round, by=organiser)
    assignment = Assignment.objects.filter(round=round, juror=jurors[0]).first()
    Score.objects.create(assignment=assignment, criterion=round.criteria.get(), value=2)
    services.declare_conflict(contest=round.contest, juror=jurors[0], by=jurors[0], entry=assignment.entry)
    assert not Assignment.objects.filter(pk=assignment.pk).exists()
    event = AuditEvent.objects.get(verb="assignment_removed")
    assert event.data["reason"] == "conflict"
    assert event.data["scores"] == {str(round.criteria.get().pk): "2.00"}


def test_a_submitted_review_cannot_be_removed_by_hand(round_with_jury):
    round, entries, jurors, organiser = round_with_jury
    assignment = services.add_assignment(round=round, juror=jurors[0], entry=entries[0], by=organiser)
    Review.objects.create(assignment=assignment, status="submitted")
    with pytest.raises(services.JudgingError) as raised:
        services.remove_assignment(assignment=assignment, by=organiser)
    assert raised.value.code == "review_submitted"


def test_entries_short_of_eligible_jurors_are_reported(round_with_jury):
    round, entries, jurors, organiser = round_with_jury
    for juror in jurors[:4]:
        services.declare_conflict(contest=round.contest, juror=juror, by=organiser, entry=entries[0])
    outcome = services.assign_jurors(round=round, by=organiser)
    assert outcome["short"] == {entries[0].pk: 1}


def test_a_shortlist_round_judges_what_the_previous_round_shortlisted(round_with_jury):
    round, entries, jurors, organiser = round_with_jury
    services.set_shortlist(round=round, entry_ids=[entries[0].pk, entries[1].pk], by=organiser)
    final = RoundFactory(contest=round.contest, source="shortlist", order=round.order + 1)
    assert set(round_entries(final)) == {entries[0], entries[1]}
