"""Results, exports and awards for organisers: exact numbers, exact files, query counts that do not grow."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from contest.models import AuditEvent, ContestRole
from judging import services
from judging.models import Assignment, Award, Review, Score
from tests.factories import ContestRoleFactory, PrizeFactory, UserFactory

from .factories import CriterionFactory, RoundFactory, seated_juror, submitted_entry

pytestmark = pytest.mark.django_db


def organiser_client(contest):
    organiser = ContestRoleFactory(contest=contest, role=ContestRole.Role.ORGANISER).user
    client = Client()
    client.force_login(organiser)
    return client, organiser


def review(round, juror, entry, values, watched=(95, 95), submitted=True):
    assignment = Assignment.objects.create(round=round, juror=juror, entry=entry)
    Review.objects.create(
        assignment=assignment,
        status="submitted" if submitted else "draft",
        watched_seconds=watched[0],
        duration_seconds=watched[1],
        flagged_unwatched=watched[0] / watched[1] < 0.8,
        submitted_at=timezone.now() if submitted else None,
    )
    Score.objects.bulk_create(
        Score(assignment=assignment, criterion=criterion, value=Decimal(str(value)))
        for criterion, value in zip(round.criteria.order_by("order"), values, strict=True)
    )
    return assignment


def build(count, jurors=3, per_entry=2):
    round = RoundFactory(jurors_per_entry=per_entry)
    CriterionFactory(round=round, weight=2, order=1)
    CriterionFactory(round=round, weight=1, scale_min=0, scale_max=20, order=2)
    people = [seated_juror(round) for _ in range(jurors)]
    for index in range(count):
        entry = submitted_entry(round.contest)
        for offset in range(per_entry):
            juror = people[(index + offset) % jurors]
            review(round, juror, entry, [1 + (index + offset) % 5, (index * 3 + offset) % 21])
    return round


def results_url(round):
    return reverse("judging_results", kwargs={"contest_slug": round.contest.slug, "round_id": round.pk})


def export_url(round, what, fmt):
    return reverse(
        "judging_round_export",
        kwargs={"contest_slug": round.contest.slug, "round_id": round.pk, "what": what, "fmt": fmt},
    )


@pytest.mark.parametrize("count", [3, 30])
def test_results_page_and_exports_run_a_fixed_number_of_queries(count, django_assert_max_num_queries):
    round = build(count)
    client, _ = organiser_client(round.contest)
    client.get(results_url(round))  # warm the session and the language
    with django_assert_max_num_queries(16):
        response = client.get(results_url(round))
    assert response.status_code == 200
    assert response.content.decode().count('<tr data-code="') == count
    for what in ("scores", "ranking"):
        for fmt in ("csv", "xlsx"):
            with django_assert_max_num_queries(14):
                assert client.get(export_url(round, what, fmt)).status_code == 200


@pytest.fixture
def small_round():
    """Three entries, three jurors, one criterion 1-5 and one 0-20 with weights 2 and 1 (see the totals below)."""
    round = RoundFactory(name_en="Final", jurors_per_entry=2)
    CriterionFactory(round=round, name_fr="Message", weight=2, scale_min=1, scale_max=5, order=1)
    CriterionFactory(round=round, name_fr="Réalisation", weight=1, scale_min=0, scale_max=20, step="0.5", order=2)
    severe = seated_juror(round, email="a-severe@example.org", full_name="Severe")
    lenient = seated_juror(round, email="b-lenient@example.org", full_name="Lenient")
    middle = seated_juror(round, email="c-middle@example.org", full_name="Middle")
    first = submitted_entry(round.contest, title="Sans voix")
    second = submitted_entry(round.contest, title="Le silence")
    third = submitted_entry(round.contest, title="=cmd|' /C calc'!A0")
    # Totals out of 100: (2 * (m - 1) / 4 + r / 20) / 3 * 100.
    review(round, severe, first, [2, 8])  # (0.5 + 0.4) / 3 = 30
    review(round, severe, second, [1, 4])  # (0 + 0.2) / 3 = 6.67
    review(round, lenient, second, [5, 14])  # (2 + 0.7) / 3 = 90
    review(round, lenient, third, [4, 18], watched=(30, 100))  # (1.5 + 0.9) / 3 = 80
    review(round, middle, first, [4, 6])  # (1.5 + 0.3) / 3 = 60
    review(round, middle, third, [3, 4])  # (1 + 0.2) / 3 = 40
    return round, (first, second, third), (severe, lenient, middle)


def test_results_page_shows_the_normalised_ranking_flags_and_charts(small_round):
    round, (first, second, third), _ = small_round
    client, _ = organiser_client(round.contest)
    html = client.get(results_url(round)).content.decode()
    assert (
        html.index(f'data-code="{first.code}"')
        < html.index(f'data-code="{second.code}"')
        < html.index(f'data-code="{third.code}"')
    )
    assert "disagreement" in html  # second: 6.67 and 90
    assert html.count("<svg") == 3  # jurors, and one per criterion
    assert "severe" in html and "lenient" in html


def test_ranking_rows_show_exact_figures_in_the_readers_language(small_round):
    round, (first, second, third), _ = small_round
    client, _ = organiser_client(round.contest)
    url = reverse(
        "judging_round_entry", kwargs={"contest_slug": round.contest.slug, "round_id": round.pk, "code": first.code}
    )
    html = client.get(results_url(round)).content.decode()
    assert (
        f'<tr data-code="{first.code}">\n<td>1</td><td>{first.code}</td><td><a href="{url}">Sans voix</a></td>'
        "<td>2</td>\n<td>1.00</td><td>45.0</td><td>45.0</td><td>15.0</td>\n<td>30–60</td>\n<td></td></tr>"
    ) in html
    assert (
        "<td>0.00</td><td>48.3</td><td>48.3</td><td>41.7</td>\n<td>7–90</td>\n"
        '<td><span class="status status-disqualified">disagreement</span></td></tr>'
    ) in html
    assert "<td>-1.00</td><td>60.0</td><td>60.0</td><td>20.0</td>\n<td>40–80</td>" in html
    assert ">=cmd|&#x27; /C calc&#x27;!A0</a>" in html  # titles are escaped

    client.cookies["django_language"] = "fr"
    html = client.get(results_url(round)).content.decode()
    assert "<td>0,00</td><td>48,3</td><td>48,3</td><td>41,7</td>\n<td>7–90</td>" in html


def test_results_page_says_whether_the_order_holds_in_the_readers_language(small_round):
    """By hand: z-scores rank Sans voix, Le silence, the third; the means (45, 48.3, 60) the other way round. Without
    Severe, Le silence's only other review makes it tied first; without Lenient, the third is tied second."""
    round, _, _ = small_round
    client, _ = organiser_client(round.contest)
    html = client.get(results_url(round)).content.decode()
    section = html[html.index('<section class="card" id="robustness"') : html.index('<table id="ranking">')]
    assert "<li>Le silence is second by 4 methods of 4; without Severe, first.</li>" in section
    client.cookies["django_language"] = "fr"
    html = client.get(results_url(round)).content.decode()
    section = html[html.index('<section class="card" id="robustness"') : html.index('<table id="ranking">')]
    # French punctuation has its no-break space (the site's typography filter).
    assert "Le classement tient-il\xa0?" in section
    assert (
        "<li>Sans voix est premier selon 1 méthode sur 4 (moyenne pondérée\xa0: troisième\xa0; médiane\xa0: troisième\xa0; "
        "moyenne tronquée\xa0: troisième), quel que soit le juré retiré.</li>"
    ) in section
    assert "<li>Le silence est deuxième selon 4 méthodes sur 4\xa0; sans Severe, premier.</li>" in section
    assert (
        "<li>=cmd|&#x27; /C calc&#x27;!A0 est troisième selon 1 méthode sur 4 (moyenne pondérée\xa0: premier\xa0; "
        "médiane\xa0: premier\xa0; moyenne tronquée\xa0: premier)\xa0; sans Lenient, deuxième.</li>"
    ) in section


def test_ranking_csv_is_exact(small_round):
    round, (first, second, third), _ = small_round
    client, _ = organiser_client(round.contest)
    content = client.get(export_url(round, "ranking", "csv")).content.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    assert rows == [
        [
            "rank",
            "entry_code",
            "title",
            "reviews",
            "normalised_score",
            "weighted_mean",
            "median",
            "standard_deviation",
            "lowest",
            "highest",
            "tie",
            "strong_disagreement",
            "shortlisted",
            "rank_by_mean",
            "rank_by_median",
            "rank_by_trimmed_mean",
            "best_rank_without_one_juror",
            "worst_rank_without_one_juror",
            "does_the_order_hold",
        ],
        ["1", first.code, "Sans voix", "2", "1.0", "45.0", "45.0", "15.0", "30.0", "60.0", "0", "0", "0"]
        + ["3", "3", "3", "1", "1"]
        + [
            "Sans voix is first by 1 method of 4 (weighted mean: third; median: third; trimmed mean: third), "
            "whichever juror is left out."
        ],
        ["2", second.code, "Le silence", "2", "0.0", "48.33", "48.33", "41.67", "6.67", "90.0", "0", "1", "0"]
        + ["2", "2", "2", "1", "2", "Le silence is second by 4 methods of 4; without Severe, first."],
        ["3", third.code, "'=cmd|' /C calc'!A0", "2", "-1.0", "60.0", "60.0", "20.0", "40.0", "80.0", "0", "1", "0"]
        + ["1", "1", "1", "2", "3"]
        + [
            "'=cmd|' /C calc'!A0 is third by 1 method of 4 (weighted mean: first; median: first; trimmed mean: first); "
            "without Lenient, second."
        ],
    ]


def test_scores_csv_is_exact_and_xlsx_holds_the_same_rows(small_round):
    round, (first, _, _), (severe, _, middle) = small_round
    client, _ = organiser_client(round.contest)
    response = client.get(export_url(round, "scores", "csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == [
        "entry_code",
        "title",
        "juror",
        "criterion",
        "weight",
        "value",
        "review_status",
        "watched_share",
        "flagged_unwatched",
        "submitted_at",
    ]
    assert len(rows) == 13
    first_rows = [row[:9] for row in rows[1:] if row[0] == first.code]
    assert first_rows == [
        [first.code, "Sans voix", "a-severe@example.org", "Message", "2", "2", "submitted", "1.0", "0"],
        [first.code, "Sans voix", "a-severe@example.org", "Réalisation", "1", "8", "submitted", "1.0", "0"],
        [first.code, "Sans voix", "c-middle@example.org", "Message", "2", "4", "submitted", "1.0", "0"],
        [first.code, "Sans voix", "c-middle@example.org", "Réalisation", "1", "6", "submitted", "1.0", "0"],
    ]
    assert [row[7:9] for row in rows[1:] if row[2] == "b-lenient@example.org" and row[1].startswith("'=")] == [
        ["0.3", "1"],
        ["0.3", "1"],
    ]
    workbook = load_workbook(io.BytesIO(client.get(export_url(round, "scores", "xlsx")).content))
    sheet_rows = [
        [("" if cell is None else str(cell)) for cell in row] for row in workbook.active.iter_rows(values_only=True)
    ]
    assert sheet_rows[0] == rows[0]
    assert [row[:6] for row in sheet_rows[1:5]] == [row[:6] for row in rows[1:5]]


def test_organiser_sees_each_review_with_its_watched_share(small_round):
    round, (_, _, third), _ = small_round
    client, _ = organiser_client(round.contest)
    url = reverse(
        "judging_round_entry", kwargs={"contest_slug": round.contest.slug, "round_id": round.pk, "code": third.code}
    )
    html = client.get(url).content.decode()
    assert "30 %" in html and "not watched" in html and "80.0" in html


def test_results_and_exports_are_404_for_jurors_and_strangers(small_round):
    round, _, (severe, _, _) = small_round
    for user in (severe, UserFactory()):
        client = Client()
        client.force_login(user)
        assert client.get(results_url(round)).status_code == 404
        assert client.get(export_url(round, "scores", "csv")).status_code == 404


def test_an_organiser_who_is_also_a_conflicted_juror_does_not_see_that_entrys_row(small_round):
    round, (first, second, _), _ = small_round
    client, organiser = organiser_client(round.contest)
    ContestRoleFactory(contest=round.contest, user=organiser, role=ContestRole.Role.JUROR)
    services.declare_conflict(contest=round.contest, juror=organiser, by=organiser, entry=first)
    html = client.get(results_url(round)).content.decode()
    assert first.code not in html and second.code in html
    entry_url = reverse(
        "judging_round_entry", kwargs={"contest_slug": round.contest.slug, "round_id": round.pk, "code": first.code}
    )
    assert client.get(entry_url).status_code == 404
    for what in ("scores", "ranking"):
        content = client.get(export_url(round, what, "csv")).content.decode("utf-8-sig")
        assert first.code not in content and "Sans voix" not in content and second.code in content


def test_shortlisting_the_top_two_from_the_ranking(small_round):
    round, (first, second, third), _ = small_round
    client, _ = organiser_client(round.contest)
    client.post(
        reverse("judging_round_shortlist", kwargs={"contest_slug": round.contest.slug, "round_id": round.pk}),
        {"top": 2},
    )
    assert set(round.shortlist.values_list("entry_id", flat=True)) == {first.pk, second.pk}


def test_an_award_other_than_the_rankings_choice_needs_a_reason_and_everything_is_audited(small_round):
    round, (first, second, _), _ = small_round
    client, organiser = organiser_client(round.contest)
    prize = PrizeFactory(contest=round.contest, name_fr="Premier prix", order=1)
    url = reverse("judging_record_award", kwargs={"contest_slug": round.contest.slug})
    refused = client.post(url, {"prize": prize.pk, "code": second.code, "citation_fr": "Pour sa justesse."})
    assert refused.status_code == 200
    assert f"The ranking points to {first.code} for this prize." in refused.content.decode()
    assert not Award.objects.exists()
    client.post(
        url,
        {
            "prize": prize.pk,
            "code": second.code,
            "citation_fr": "Pour sa justesse.",
            "reason_if_not_ranking": "Unanimous at deliberation.",
        },
    )
    award = Award.objects.get()
    assert (award.entry, award.reason_if_not_ranking, award.decided_by) == (
        second,
        "Unanimous at deliberation.",
        organiser,
    )
    client.post(
        url, {"prize": prize.pk, "code": first.code, "citation_fr": "Bouleversant.", "citation_en": "Devastating."}
    )
    assert Award.objects.filter(entry=first, reason_if_not_ranking="").exists()
    verbs = list(AuditEvent.objects.filter(verb__startswith="award").order_by("id").values_list("verb", "data__code"))
    assert verbs == [("award_recorded", second.code), ("award_recorded", first.code)]
    rows = list(
        csv.reader(
            io.StringIO(
                client.get(
                    reverse("judging_awards_export", kwargs={"contest_slug": round.contest.slug, "fmt": "csv"})
                ).content.decode("utf-8-sig")
            )
        )
    )
    assert [row[:8] for row in rows[1:]] == [
        [
            "Premier prix",
            prize.name_en,
            second.code,
            "Le silence",
            second.team.name,
            "Pour sa justesse.",
            "",
            "Unanimous at deliberation.",
        ],
        ["Premier prix", prize.name_en, first.code, "Sans voix", first.team.name, "Bouleversant.", "Devastating.", ""],
    ]


def test_organiser_runs_assignment_and_sees_coverage_and_loads():
    round = RoundFactory(jurors_per_entry=2, closes_at=timezone.now() + timedelta(days=3))
    entries = [submitted_entry(round.contest) for _ in range(5)]
    for _ in range(3):
        seated_juror(round)
    client, _ = organiser_client(round.contest)
    url = reverse("judging_round", kwargs={"contest_slug": round.contest.slug, "round_id": round.pk})
    assert '<p class="figure" id="short-count">5</p>' in client.get(url).content.decode()
    client.post(
        reverse("judging_round_assign_jurors", kwargs={"contest_slug": round.contest.slug, "round_id": round.pk})
    )
    html = client.get(url).content.decode()
    assert '<p class="figure" id="short-count">0</p>' in html
    assert '<p class="figure" id="assignment-count">10</p>' in html
    assert Assignment.objects.filter(round=round).count() == 2 * len(entries)
