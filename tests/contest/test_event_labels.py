"""Every audit verb the code writes reads as words in the histories (entry page, organiser pages), in both
languages: a verb without a label would show as its code ("upload started" in English on a French page)."""

import re
from pathlib import Path

from django.conf import settings

from contest.models import EVENT_LABELS

APPS = ("accounts", "contest", "media_pipeline", "judging", "releases", "privacy", "api", "operations")
VERB_LINE = re.compile(r"\bverb ?=(.*)")
QUOTED_CODE = re.compile(r'"([a-z]+_[a-z_]+)"')


def test_every_verb_written_by_the_code_has_a_label():
    written = set()
    for app in APPS:
        for source in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            for line in VERB_LINE.findall(source.read_text()):
                written.update(QUOTED_CODE.findall(line))
    assert {"upload_started", "award_recorded", "award_changed", "team_erased"} <= written
    assert sorted(written - set(EVENT_LABELS)) == []
