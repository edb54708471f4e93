"""Invitations moved from accounts to contest without touching their table: a row written before the move is the
same row after it, and its link still works."""

from datetime import timedelta

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from accounts.models import hash_token

BEFORE = [("accounts", "0004_sessions_epoch"), ("contest", "0004_subtitle_random_key")]
AFTER = [("accounts", "0005_layers_invitation_to_contest"), ("contest", "0005_layers_invitation_from_accounts")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_an_invitation_written_before_the_move_is_found_by_contest_after_it(client):
    old = _migrate(BEFORE)
    contest = old.get_model("contest", "Contest").objects.create(
        slug="avant",
        title_fr="Avant",
        opens_at=timezone.now() - timedelta(days=1),
        closes_at=timezone.now() + timedelta(days=1),
    )
    old.get_model("accounts", "Invitation").objects.create(
        kind="juror",
        email="jure@example.org",
        contest_id=contest.pk,
        token_hash=hash_token("old-token"),
        expires_at=timezone.now() + timedelta(days=7),
    )

    _migrate(AFTER)
    _migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())

    from contest.models import Invitation

    invitation = Invitation.objects.get()
    assert (invitation.email, invitation.kind, invitation.contest.slug) == ("jure@example.org", "juror", "avant")
    assert Invitation._meta.db_table == "accounts_invitation"
    assert client.get("/accounts/invitations/old-token/").status_code == 200
