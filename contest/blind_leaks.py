"""Blind leaks: the places where an entry names who made it, found before the team submits, so that a blind jury
stays blind. Searched: the title, the synopses, the credits, the subtitle file (its text and its voice tags), and
what the apps above register (the media pipeline: the film's file name and the metadata written in the file). Looked
for: each member's name (whole, and each part of three letters or more), the team's name and its institution's,
without regard to case or accents. Each finding says where, what, and how to fix it."""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .models import Entry
from .subtitles import cue_start

VOICE_TAG = re.compile(r"<v(?:\.[\w.-]+)?[ \t]+([^>]+)>")


@dataclass(frozen=True)
class Place:
    """A text of the entry to search: where it is (in words), the text, and how to fix a name found there."""

    label: object
    text: str
    fix: object


@dataclass(frozen=True)
class Leak:
    place: object
    name: str
    excerpt: str
    fix: object


_PLACE_PROVIDERS: list[Callable[[Entry], list[Place]]] = []


def register_leak_places(provider: Callable[[Entry], list[Place]]) -> None:
    """Add `provider(entry) -> [Place]` (media_pipeline: the file's name and metadata)."""
    if provider not in _PLACE_PROVIDERS:
        _PLACE_PROVIDERS.append(provider)


def _folded(text: str) -> tuple[str, list[int]]:
    """`text` without accents and case, and for each of its characters the position it came from."""
    folded, origin = [], []
    for position, character in enumerate(text):
        plain = "".join(c for c in unicodedata.normalize("NFKD", character) if not unicodedata.combining(c))
        for piece in plain.casefold():
            folded.append(piece)
            origin.append(position)
    return "".join(folded), origin


def identifying_names(entry: Entry) -> list[str]:
    """What would tell a juror who made the film: the team, its institution, each member and each part of a name."""
    team = entry.team
    names = [team.name, team.institution.name if team.institution_id else ""]
    for full_name in team.members.values_list("full_name", flat=True):
        names.append(full_name)
        names += [part for part in re.split(r"[\s\-']+", full_name) if len(part) >= 3]
    unique: dict[str, str] = {}
    for name in names:
        name = name.strip()
        if name and _folded(name)[0] not in unique:
            unique[_folded(name)[0]] = name
    return sorted(unique.values(), key=len, reverse=True)  # the whole name is reported before its parts


def _subtitle_places(entry: Entry) -> list[Place]:
    if not entry.subtitle_file:
        return []
    try:
        with entry.subtitle_file.open("rb") as stored:
            data = stored.read(2_000_000)
    except OSError:
        return []
    text = data.decode("utf-8-sig", errors="replace")
    places = []
    in_credits = False  # a cue that starts within the marked credits: the jury's cut leaves it out (jury_cut)
    for number, line in enumerate(text.replace("\r\n", "\n").split("\n"), start=1):
        if not line.strip():
            in_credits = False
        start = cue_start(line)
        if start is not None:
            in_credits = _in_credits(entry, start)
        if in_credits:
            continue
        for voice in VOICE_TAG.finditer(line):
            places.append(
                Place(
                    _("subtitles, line %(line)d (a voice tag)") % {"line": number},
                    voice.group(1),
                    _("Name the character, not the actor, in the voice tag (<v Léa>), or remove the tag."),
                )
            )
        spoken = VOICE_TAG.sub(" ", line)
        if spoken.strip() and "-->" not in spoken:
            places.append(
                Place(
                    _("subtitles, line %(line)d") % {"line": number},
                    spoken,
                    _("Change this subtitle line, then upload the subtitle file again."),
                )
            )
    return places


def _in_credits(entry: Entry, start: float) -> bool:
    opening, closing = entry.opening_credits_end_s, entry.closing_credits_start_s
    return (opening is not None and start < opening) or (closing is not None and start >= closing)


def places(entry: Entry) -> list[Place]:
    edit = _("Change it with “Edit” on this page.")
    own = [
        Place(_("the title"), entry.title, edit),
        Place(_("the synopsis (French)"), entry.synopsis_fr, edit),
        Place(_("the synopsis (English)"), entry.synopsis_en, edit),
        Place(
            _("the credits"),
            entry.credits,
            _(
                "The jury does not see these credits in a blind contest; the film's own credits it does, unless you "
                "mark them under “Opening and closing credits”."
            ),
        ),
    ]
    return own + _subtitle_places(entry) + [place for provider in _PLACE_PROVIDERS for place in provider(entry)]


def blind_leaks(entry: Entry) -> list[Leak]:
    """Each place of `entry` that names who made it, in the order of the places, once per name and place. Only for a
    contest that judges blind (else nothing is hidden)."""
    if not entry.contest.blind_judging:
        return []
    patterns = [re.compile(r"(?<!\w)" + re.escape(_folded(name)[0]) + r"(?!\w)") for name in identifying_names(entry)]
    leaks = []
    for place in places(entry):
        if not place.text:
            continue
        folded, origin = _folded(place.text)
        taken: list[tuple[int, int]] = []
        for pattern in patterns:
            for match in pattern.finditer(folded):
                start, end = origin[match.start()], origin[match.end() - 1] + 1
                if any(start < other_end and other_start < end for other_start, other_end in taken):
                    continue  # a part of a name already reported whole here
                taken.append((start, end))
                excerpt = place.text[max(0, start - 30) : end + 30].replace("\n", " ").strip()
                leaks.append(Leak(place.label, place.text[start:end], excerpt, place.fix))
    return leaks
