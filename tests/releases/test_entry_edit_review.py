"""A team's change to the title, synopsis or credits of an entry announced beyond its team and jury waits for an
organiser: the public page shows the approved text until an organiser approves, and a refusal's reason reaches
the team. An entry not announced (or announced to the jury only) is edited directly, as before."""

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from contest.models import AuditEvent, Entry, EntryEdit
from releases import services
from releases.page_cache import STATUS_HEADER

from .world import T1, TITLE, build_world

pytestmark = pytest.mark.django_db

NEW_TITLE = "Sans voix (version longue)"
NEW_SYNOPSIS = "Léa stops speaking; her friends listen."
PENDING = (
    "Your changes to the title and synopsis wait for an organiser's review; the public page shows the approved text."
)
REASON = "The synopsis must not name the school."


def _form(entry: Entry, **changes) -> dict:
    data = {
        "title": entry.title,
        "synopsis_fr": entry.synopsis_fr,
        "synopsis_en": entry.synopsis_en,
        "credits": entry.credits,
        "language": entry.language,
        "runtime_s": entry.runtime_s or "",
        "content_warnings": [warning.pk for warning in entry.content_warnings.all()],
        **{name: "on" for name in ("consent_on_screen", "rights_cleared", "rules_accepted") if getattr(entry, name)},
    }
    data.update(changes)
    return data


def _urls(world) -> dict:
    slug = world.contest.slug
    entry = {"contest_slug": slug, "public_id": world.entry.public_id}
    return {
        "edit": reverse("entry_edit", kwargs=entry),
        "detail": reverse("entry_detail", kwargs=entry),
        "public": reverse("releases:announcement", kwargs=world.kwargs),
        "dashboard": reverse("organiser_dashboard", kwargs={"contest_slug": slug}),
        "edits": reverse("organiser_edits", kwargs={"contest_slug": slug}),
    }


def _propose(world, django_capture_on_commit_callbacks, **changes):
    team = world.client("own_team")
    with django_capture_on_commit_callbacks(execute=True):
        response = team.post(_urls(world)["edit"], _form(world.entry, **changes), follow=True)
    assert response.status_code == 200
    return team, response


def test_a_team_edit_of_an_announced_entry_waits_and_the_public_page_changes_only_on_approval(
    django_capture_on_commit_callbacks,
):
    world = build_world("seed")
    urls = _urls(world)
    anonymous = world.client("anonymous")
    with time_machine.travel(world.at(T1, 1), tick=False):
        first = anonymous.get(urls["public"])
        assert (first[STATUS_HEADER], TITLE in first.content.decode()) == ("miss", True)
        team, response = _propose(world, django_capture_on_commit_callbacks, title=NEW_TITLE, synopsis_en=NEW_SYNOPSIS)
        assert PENDING in response.content.decode()
        world.entry.refresh_from_db()
        assert (world.entry.title, world.entry.synopsis_en) == (TITLE, "Léa stops speaking.")
        edit = EntryEdit.objects.get(entry=world.entry)
        assert (edit.decision, edit.fields, edit.proposed_by) == (
            "pending",
            {"title": NEW_TITLE, "synopsis_en": NEW_SYNOPSIS},
            world.users["own_team"],
        )
        assert edit.before == {"title": TITLE, "synopsis_en": "Léa stops speaking."}
        assert PENDING in team.get(urls["detail"]).content.decode()
        pending = anonymous.get(urls["public"])
        public = pending.content.decode()
        assert TITLE in public and NEW_TITLE not in public and NEW_SYNOPSIS not in public
        # The organisers are told, once.
        assert [message.to for message in mail.outbox] == [[world.users["organiser"].email]]
        assert "Sans voix" in mail.outbox[0].body and NEW_TITLE in mail.outbox[0].body
        mail.outbox.clear()

        organiser = world.client("organiser")
        dashboard = organiser.get(urls["dashboard"]).content.decode()
        assert f'href="{urls["edits"]}" id="pending-edits">Text changes to review (1)</a>' in dashboard
        page = organiser.get(urls["edits"]).content.decode()
        assert f'<td class="before">{TITLE}</td><td class="after">{NEW_TITLE}</td>' in page
        approve = reverse("organiser_edit_approve", kwargs={"contest_slug": world.contest.slug, "edit_id": edit.pk})
        assert f'action="{approve}"' in page
        with django_capture_on_commit_callbacks(execute=True):
            assert organiser.post(approve).status_code == 302

        approved = anonymous.get(urls["public"])
        assert approved[STATUS_HEADER] == "miss"  # the approval dropped the cached page
        assert NEW_TITLE in approved.content.decode() and NEW_SYNOPSIS in approved.content.decode()
        assert PENDING not in team.get(urls["detail"]).content.decode()
    world.entry.refresh_from_db()
    edit.refresh_from_db()
    assert (world.entry.title, world.entry.synopsis_en) == (NEW_TITLE, NEW_SYNOPSIS)
    assert (edit.decision, edit.decided_by) == ("approved", world.users["organiser"])
    event = AuditEvent.objects.get(entry=world.entry, verb="entry_edit_approved")
    assert (event.actor, event.data) == (
        world.users["organiser"],
        {
            "edit": edit.pk,
            "before": {"title": TITLE, "synopsis_en": "Léa stops speaking."},
            "after": {"title": NEW_TITLE, "synopsis_en": NEW_SYNOPSIS},
        },
    )
    assert [message.to for message in mail.outbox] == [[world.users["own_team"].email]]
    assert mail.outbox[0].subject == "Your changes to the public text are approved"


def test_a_refusal_keeps_the_approved_text_and_the_team_reads_the_reason(django_capture_on_commit_callbacks):
    world = build_world("seed")
    urls = _urls(world)
    with time_machine.travel(world.at(T1, 1), tick=False):
        team, _response = _propose(world, django_capture_on_commit_callbacks, title=NEW_TITLE)
        edit = EntryEdit.objects.get(entry=world.entry)
        refuse = reverse("organiser_edit_refuse", kwargs={"contest_slug": world.contest.slug, "edit_id": edit.pk})
        organiser = world.client("organiser")
        # A refusal needs a reason.
        response = organiser.post(refuse, {"reason": "  "}, follow=True)
        assert "Tell the team why its changes are refused." in response.content.decode()
        assert EntryEdit.objects.get(pk=edit.pk).decision == "pending"
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            assert organiser.post(refuse, {"reason": REASON}).status_code == 302

        detail = team.get(urls["detail"]).content.decode()
        assert REASON in detail and PENDING not in detail
        public = world.client("anonymous").get(urls["public"]).content.decode()
        assert TITLE in public and NEW_TITLE not in public
    world.entry.refresh_from_db()
    assert world.entry.title == TITLE
    assert EntryEdit.objects.get(pk=edit.pk).reason == REASON
    assert AuditEvent.objects.get(entry=world.entry, verb="entry_edit_refused").data == {
        "edit": edit.pk,
        "proposed": {"title": NEW_TITLE},
        "reason": REASON,
    }
    assert [message.to for message in mail.outbox] == [[world.users["own_team"].email]]
    assert REASON in mail.outbox[0].body


@pytest.mark.parametrize("state", ["unreleased", "jury_only"])
def test_an_entry_not_announced_beyond_its_jury_is_edited_directly(state, django_capture_on_commit_callbacks):
    world = build_world(state)
    with time_machine.travel(world.at(T1, 1), tick=False):
        _team, response = _propose(world, django_capture_on_commit_callbacks, title=NEW_TITLE)
    assert "Changes saved." in response.content.decode()
    world.entry.refresh_from_db()
    assert world.entry.title == NEW_TITLE
    assert not EntryEdit.objects.exists()


def test_other_fields_of_an_announced_entry_are_saved_directly_beside_a_pending_edit(
    django_capture_on_commit_callbacks,
):
    world = build_world("seed")
    with time_machine.travel(world.at(T1, 1), tick=False):
        _propose(world, django_capture_on_commit_callbacks, title=NEW_TITLE, runtime_s="421")
        # The form shows the pending proposal; saving it again with another change keeps one pending edit.
        form = world.client("own_team").get(_urls(world)["edit"]).content.decode()
        assert f'value="{NEW_TITLE}"' in form
        _propose(world, django_capture_on_commit_callbacks, title=NEW_TITLE, runtime_s="422")
    world.entry.refresh_from_db()
    assert (world.entry.title, world.entry.runtime_s) == (TITLE, 422)
    assert list(EntryEdit.objects.values_list("decision", "fields")) == [("pending", {"title": NEW_TITLE})]


def test_once_unpublished_the_team_edits_directly_and_its_pending_proposal_is_withdrawn(
    django_capture_on_commit_callbacks,
):
    world = build_world("seed")
    with time_machine.travel(world.at(T1, 1), tick=False):
        _propose(world, django_capture_on_commit_callbacks, title=NEW_TITLE)
        services.unpublish_release(release=world.release, by=world.users["organiser"])
        _team, response = _propose(world, django_capture_on_commit_callbacks, title="Sans voix, enfin")
    assert "Changes saved." in response.content.decode()
    world.entry.refresh_from_db()
    assert world.entry.title == "Sans voix, enfin"
    assert list(EntryEdit.objects.values_list("decision", flat=True)) == ["withdrawn"]


def test_only_the_contests_organisers_reach_the_review_pages():
    world = build_world("seed")
    with time_machine.travel(world.at(T1, 1), tick=False):
        world.client("own_team").post(_urls(world)["edit"], _form(world.entry, title=NEW_TITLE))
        edit = EntryEdit.objects.get()
        kwargs = {"contest_slug": world.contest.slug, "edit_id": edit.pk}
        for role in ("own_team", "juror", "other_team"):
            client = world.client(role)
            assert client.get(_urls(world)["edits"]).status_code == 404
            assert client.post(reverse("organiser_edit_approve", kwargs=kwargs)).status_code == 404
            assert client.post(reverse("organiser_edit_refuse", kwargs=kwargs), {"reason": "x"}).status_code == 404
    assert EntryEdit.objects.get().decision == "pending"
