"""The people on screen, from their side and the team's: listed by the team, each answers through a secret link of
their own (a minor with a guardian), the entry waits for every answer about the jury, an organiser may waive one
with a reason, and the answers are personal data kept as proof."""

import re
from datetime import timedelta
from html import escape

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from contest import consents
from contest.models import AuditEvent, ConsentRecord, ConsentUse, ContestRole, Entry, PersonOnScreen
from contest.services import SubmissionError, submit_entry
from privacy.services import export_person
from tests.factories import ContentWarningFactory, ContestRoleFactory, TeamMemberFactory, UserFactory, ready_entry

pytestmark = pytest.mark.django_db

LINK = re.compile(r"https?://[^\s]+/consent/([A-Za-z0-9_-]+)/")


@pytest.fixture
def film():
    """A ready draft « Sans voix », its team's captain and the contest's organiser."""
    entry = ready_entry(title="Sans voix")
    entry.content_warnings.set([ContentWarningFactory(contest=entry.contest, name_en="Sexual violence")])
    captain = UserFactory()
    TeamMemberFactory(team=entry.team, user=captain)
    organiser = ContestRoleFactory(contest=entry.contest, role=ContestRole.Role.ORGANISER).user
    return entry, captain, organiser


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _add(entry, captain, django_capture_on_commit_callbacks, **values) -> tuple[PersonOnScreen, dict[str, str]]:
    """The team lists someone through its page; returns the person and the links mailed ({address: token})."""
    mail.outbox.clear()
    url = reverse("entry_person_add", kwargs={"contest_slug": entry.contest.slug, "public_id": entry.public_id})
    with django_capture_on_commit_callbacks(execute=True):
        response = _signed_in(captain).post(url, values)
    assert response.status_code == 302
    links = {message.to[0]: LINK.search(message.body).group(1) for message in mail.outbox}
    return PersonOnScreen.objects.get(entry=entry, email=values["email"]), links


def _consent_url(entry, token):
    return reverse("consent", kwargs={"contest_slug": entry.contest.slug, "token": token})


def _answer(entry, token, **uses) -> Client:
    """The person answers on their page: `uses` maps a use to "yes" or "no" (and `<use>_until` to a day)."""
    form = {}
    for use in ConsentUse.values:
        form[f"{use}_given"] = uses.get(use, "yes")
        form[f"{use}_until"] = uses.get(f"{use}_until", "")
    client = Client()
    response = client.post(_consent_url(entry, token), form)
    assert response.status_code == 302, response.content.decode()
    return client


def test_the_entry_waits_for_every_listed_persons_agreement_to_the_jury(film, django_capture_on_commit_callbacks):
    entry, captain, _ = film
    lea, lea_links = _add(entry, captain, django_capture_on_commit_callbacks, name="Léa", email="lea@example.org")
    yanis, yanis_links = _add(
        entry, captain, django_capture_on_commit_callbacks, name="Yanis", email="yanis@example.org"
    )
    assert list(lea_links) == ["lea@example.org"] and list(yanis_links) == ["yanis@example.org"]
    with pytest.raises(SubmissionError) as raised:
        submit_entry(entry=entry, by=captain)
    assert raised.value.code == "person_consent_missing"
    assert str(raised.value.message) == (
        "Waiting for Léa, Yanis to agree, through their link, at least to the jury's viewing."
    )
    _answer(entry, lea_links["lea@example.org"], public="no", link="no", community="no")
    with pytest.raises(SubmissionError) as raised:
        submit_entry(entry=entry, by=captain)
    assert "Waiting for Yanis to agree" in str(raised.value.message)
    _answer(entry, yanis_links["yanis@example.org"])
    submit_entry(entry=entry, by=captain)
    assert Entry.objects.get(pk=entry.pk).status == Entry.Status.SUBMITTED
    assert consents.consented_uses(entry) == {"jury"}


def test_a_minors_own_agreement_without_the_guardians_does_not_let_the_entry_go(
    film, django_capture_on_commit_callbacks
):
    entry, captain, _ = film
    sacha, links = _add(
        entry,
        captain,
        django_capture_on_commit_callbacks,
        name="Sacha",
        email="sacha@example.org",
        minor="on",
        guardian_email="parent@example.org",
    )
    assert sorted(links) == ["parent@example.org", "sacha@example.org"]
    guardian_mail = next(message for message in mail.outbox if message.to == ["parent@example.org"])
    assert "As their parent or guardian, you decide with them" in guardian_mail.body
    _answer(entry, links["sacha@example.org"])
    with pytest.raises(SubmissionError) as raised:
        submit_entry(entry=entry, by=captain)
    assert raised.value.code == "person_consent_missing"
    _answer(entry, links["parent@example.org"], public="no")
    submit_entry(entry=entry, by=captain)
    assert consents.consented_uses(entry) == {"jury", "community", "link"}
    assert list(ConsentRecord.objects.filter(person=sacha, use="public").values_list("party", "given", "email")) == [
        ("person", True, "sacha@example.org"),
        ("guardian", False, "parent@example.org"),
    ]


def test_a_waiver_lets_the_jury_see_the_film_and_is_audited_with_its_reason(film, django_capture_on_commit_callbacks):
    entry, captain, organiser = film
    lea, _ = _add(entry, captain, django_capture_on_commit_callbacks, name="Léa", email="lea@example.org")
    url = reverse(
        "organiser_person_waive",
        kwargs={"contest_slug": entry.contest.slug, "public_id": entry.public_id, "person_id": lea.pk},
    )
    assert _signed_in(captain).post(url, {"reason": "I am the team"}).status_code == 404
    juror = ContestRoleFactory(contest=entry.contest, role=ContestRole.Role.JUROR).user
    assert _signed_in(juror).post(url, {"reason": "I judge"}).status_code == 404
    refused = _signed_in(organiser).post(url, {"reason": "  "})
    assert refused.status_code == 302
    assert PersonOnScreen.objects.get(pk=lea.pk).jury_waived_at is None
    assert not AuditEvent.objects.filter(verb="jury_consent_waived").exists()

    reason = "Léa moved abroad; her mother confirmed by phone on 2 December that she agrees to the jury's viewing."
    assert _signed_in(organiser).post(url, {"reason": reason}).status_code == 302
    event = AuditEvent.objects.get(verb="jury_consent_waived")
    assert (event.actor, event.entry, event.data) == (organiser, entry, {"person": lea.pk, "reason": reason})
    assert consents.consented_uses(entry) == {"jury"}  # the waiver stands for the jury only
    submit_entry(entry=entry, by=captain)
    page = _signed_in(organiser).get(
        reverse("organiser_entry", kwargs={"contest_slug": entry.contest.slug, "public_id": entry.public_id})
    )
    assert escape(reason) in page.content.decode()


def test_the_persons_page_shows_the_film_its_warnings_and_the_planned_uses_and_saves_each_answer(
    film, django_capture_on_commit_callbacks
):
    entry, captain, _ = film
    lea, links = _add(entry, captain, django_capture_on_commit_callbacks, name="Léa", email="lea@example.org")
    token = links["lea@example.org"]
    page = Client(HTTP_ACCEPT_LANGUAGE="en").get(_consent_url(entry, token))
    assert page.status_code == 200
    assert page["Cache-Control"] == "private, no-store" and page["Referrer-Policy"] == "same-origin"
    html = page.content.decode()
    for text in ("Sans voix", "Sexual violence", "The jury, to judge the film", "Everyone (public)"):
        assert text in html, text
    assert "Not planned yet" in html

    day = (timezone.localtime(timezone.now(), entry.contest.tzinfo) + timedelta(days=30)).date()
    _answer(entry, token, public="yes", public_until=day.isoformat(), link="no")
    public = ConsentRecord.objects.get(person=lea, use="public")
    assert public.given and public.until == timezone.make_aware(
        timezone.datetime.combine(day + timedelta(days=1), timezone.datetime.min.time()), entry.contest.tzinfo
    )
    again = Client(HTTP_ACCEPT_LANGUAGE="en").get(_consent_url(entry, token)).content.decode()
    assert f'value="{day.isoformat()}"' in again


def test_an_incomplete_answer_is_refused_with_a_message_and_changes_nothing(film, django_capture_on_commit_callbacks):
    entry, captain, _ = film
    lea, links = _add(entry, captain, django_capture_on_commit_callbacks, name="Léa", email="lea@example.org")
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        _consent_url(entry, links["lea@example.org"]), {"jury_given": "yes"}
    )
    assert response.status_code == 400
    assert "Answer yes or no for each use; nothing was changed." in response.content.decode()
    yesterday = (timezone.localtime(timezone.now(), entry.contest.tzinfo) - timedelta(days=2)).date().isoformat()
    form = {f"{use}_given": "yes" for use in ConsentUse.values} | {"public_until": yesterday}
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(_consent_url(entry, links["lea@example.org"]), form)
    assert response.status_code == 400
    assert "An end date must be in the future" in response.content.decode()
    assert not ConsentRecord.objects.filter(person=lea).exists()


def test_a_new_link_by_mail_replaces_the_old_one_and_says_the_same_for_an_unknown_address(
    film, django_capture_on_commit_callbacks
):
    entry, captain, _ = film
    _, links = _add(entry, captain, django_capture_on_commit_callbacks, name="Léa", email="lea@example.org")
    old = links["lea@example.org"]
    url = reverse("consent_new_link", kwargs={"contest_slug": entry.contest.slug})
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        unknown = Client(HTTP_ACCEPT_LANGUAGE="en").post(url, {"email": "nobody@example.org"})
        known = Client(HTTP_ACCEPT_LANGUAGE="en").post(url, {"email": "LEA@example.org"})
    assert unknown.content.decode() == known.content.decode().replace("LEA@example.org", "nobody@example.org")
    assert "If this address was given for a film of this contest" in known.content.decode()
    assert [message.to for message in mail.outbox] == [["lea@example.org"]]
    new = LINK.search(mail.outbox[0].body).group(1)
    assert Client().get(_consent_url(entry, old)).status_code == 404
    assert Client().get(_consent_url(entry, new)).status_code == 200
    assert Client().get(_consent_url(entry, "x" * 43)).status_code == 404


def test_the_team_sees_who_withheld_which_use_and_only_its_own_entry_takes_people(
    film, django_capture_on_commit_callbacks
):
    entry, captain, _ = film
    _, links = _add(entry, captain, django_capture_on_commit_callbacks, name="Léa", email="lea@example.org")
    _answer(entry, links["lea@example.org"], public="no")
    page = _signed_in(captain).get(
        reverse("entry_detail", kwargs={"contest_slug": entry.contest.slug, "public_id": entry.public_id}),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "✗ Everyone (public) — not agreed by Léa" in page.content.decode()
    assert "✓ The jury, to judge the film" in page.content.decode()

    stranger = UserFactory()
    other_member = UserFactory()
    TeamMemberFactory(team__contest=entry.contest, user=other_member)
    url = reverse("entry_person_add", kwargs={"contest_slug": entry.contest.slug, "public_id": entry.public_id})
    for intruder in (stranger, other_member):
        assert _signed_in(intruder).post(url, {"name": "X", "email": "x@example.org"}).status_code == 404
    assert PersonOnScreen.objects.filter(entry=entry).count() == 1


def test_a_team_cannot_take_someone_off_the_list_once_the_entry_is_submitted(film, django_capture_on_commit_callbacks):
    entry, captain, _ = film
    lea, links = _add(entry, captain, django_capture_on_commit_callbacks, name="Léa", email="lea@example.org")
    _answer(entry, links["lea@example.org"])
    submit_entry(entry=entry, by=captain)
    url = reverse(
        "entry_person_remove",
        kwargs={"contest_slug": entry.contest.slug, "public_id": entry.public_id, "person_id": lea.pk},
    )
    assert _signed_in(captain).post(url).status_code == 302
    assert PersonOnScreen.objects.filter(pk=lea.pk).exists()
    assert not AuditEvent.objects.filter(verb="person_on_screen_removed").exists()


def test_the_answers_are_in_the_privacy_export_of_the_team_and_of_the_person(film, django_capture_on_commit_callbacks):
    entry, captain, organiser = film
    lea_account = UserFactory(email="lea@example.org")
    _, links = _add(entry, captain, django_capture_on_commit_callbacks, name="Léa", email="lea@example.org")
    _answer(entry, links["lea@example.org"], public="no")
    for person, key in ((captain, "people_on_screen_listed"), (lea_account, "on_screen_consents")):
        data = export_person(contest=entry.contest, person=person, by=organiser)
        [listed] = data[key]
        assert (listed["entry"], listed["name"], listed["email"]) == (entry.code, "Léa", "lea@example.org")
        assert [(a["party"], a["use"], a["given"]) for a in listed["answers"]] == [
            ("person", "jury", True),
            ("person", "community", True),
            ("person", "link", True),
            ("person", "public", False),
        ]


def test_a_refused_listing_shows_the_page_again_with_what_was_typed_and_saves_nothing(film):
    entry, captain, _ = film
    url = reverse("entry_person_add", kwargs={"contest_slug": entry.contest.slug, "public_id": entry.public_id})
    client = _signed_in(captain)
    response = client.post(url, {"name": "Sacha Morel", "email": "sacha@example.org", "minor": "on"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "For a person under 18, give a parent&#x27;s or guardian&#x27;s email: both must agree." in html
    assert 'value="Sacha Morel"' in html and 'value="sacha@example.org"' in html
    response = client.post(url, {"name": "Sacha Morel", "email": "not an address"})
    assert response.status_code == 400
    assert "Enter a valid email address." in response.content.decode()
    assert not PersonOnScreen.objects.exists()
    assert mail.outbox == []
