"""A team's proposed changes to its entry's text are its personal data too: erasure leaves none of them."""

from datetime import timedelta

import pytest

from contest.models import EntryEdit
from privacy.services import erase_team

from .test_personal_data import CLOSE, _world

pytestmark = pytest.mark.django_db


def test_erasing_a_team_deletes_the_changes_it_proposed():
    contest, organiser, team, entry, captain, *_rest = _world()
    EntryEdit.objects.create(
        entry=entry,
        fields={"credits": "Réalisation : Camille Martin et Yanis Bernard"},
        before={"credits": entry.credits},
        proposed_by=captain,
        decision=EntryEdit.Decision.REFUSED,
        reason="Camille Martin asked not to be named.",
    )
    erase_team(team=team, by=organiser, now=CLOSE + timedelta(seconds=1))
    assert not EntryEdit.objects.filter(entry=entry).exists()
