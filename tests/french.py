"""What a French page must not show: the texts of the English catalogue. Shared by the journey harness
(tests/browser/journey.py) and the French pages test (tests/config/test_french_catalogue.py)."""

import gettext
import re
from html.parser import HTMLParser
from pathlib import Path

from django.conf import settings

_PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|%[sd]|\{[a-z_]*\}")


def english_catalogue() -> re.Pattern:
    """Each msgid of the French catalogue whose translation differs from it. A one-word msgid must be a whole text;
    a longer one is found inside a text too (at word boundaries), with its placeholders standing for anything."""
    with open(Path(settings.BASE_DIR) / "locale/fr/LC_MESSAGES/django.mo", "rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)
    whole, inside = set(), set()
    for msgid, msgstr in catalogue._catalog.items():
        if isinstance(msgid, tuple):
            if msgid[1] != 0:
                continue
            msgid = msgid[0].split("\x00")[0]
        msgid = " ".join(msgid.split())
        if not msgid or msgid == " ".join(msgstr.split()) or len(_PLACEHOLDER.sub("", msgid).strip(" .:·-")) < 3:
            continue
        pattern = ".+?".join(re.escape(part) for part in _PLACEHOLDER.split(msgid))
        (inside if " " in msgid else whole).add(pattern)
    alternatives = [rf"^(?:{'|'.join(sorted(whole))})$", rf"(?<!\w)(?:{'|'.join(sorted(inside))})(?!\w)"]
    return re.compile("|".join(alternatives))


class _ReadText(HTMLParser):
    """The texts a reader meets in a page, as the journey harness collects them in the browser: text nodes and read
    attributes, outside scripts, styles and elements with their own `lang`."""

    READ = ("placeholder", "aria-label", "title", "alt")
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__()
        self.texts, self.stack = [], []

    def _skipped(self) -> bool:
        return any(tag in ("script", "style", "template") or has_lang for tag, has_lang in self.stack)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        has_lang = "lang" in attributes and tag != "html"
        if not self._skipped() and not has_lang:
            self.texts += [" ".join(attributes[name].split()) for name in self.READ if attributes.get(name)]
            if tag == "input" and attributes.get("type") in ("submit", "button") and attributes.get("value"):
                self.texts.append(" ".join(attributes["value"].split()))
        if tag not in self.VOID:
            self.stack.append((tag, has_lang))

    def handle_endtag(self, tag):
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                del self.stack[index:]
                break

    def handle_data(self, data):
        text = " ".join(data.split())
        if text and not self._skipped():
            self.texts.append(text)


def english_texts(html: str, english: re.Pattern) -> list[str]:
    """The texts of this page that belong to the English catalogue."""
    reader = _ReadText()
    reader.feed(html)
    return sorted({text for text in reader.texts if english.search(text)})
