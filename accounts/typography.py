"""French typography, written once: a non-breaking space before « : ; ! ? » and inside « », « 1er » for the first day
of a month. `typography` takes plain text (a mail, a message in JSON); `typography_html` takes a page and changes only
the text people read (text between tags and the attributes that are read aloud or shown), never markup, scripts,
styles, a <textarea> or <pre>, nor a form field's value (that would change what is sent back). The middleware
applies it to every French HTML page, so templates and translations need not spell the spaces themselves.
"""

import re

from django.utils import translation

NBSP = "\u00a0"
MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"

# A space (or none) between a word, a closing quote or bracket, or a digit, and « : ; ! ? » that ends a clause. A colon
# between digits (12:30), in an address (https://) or before a letter (1:N) is left alone.
_BEFORE_PUNCTUATION = re.compile(r"(?<=[\w»)\]%’])[ \u00a0\u202f]?([:;!?])(?=\s|$|[«\"”)<])")
_AFTER_OPENING_QUOTE = re.compile(r"«[ \u00a0\u202f]?")
_BEFORE_CLOSING_QUOTE = re.compile(r"[ \u00a0\u202f]?»")
_ENTITY_START = re.compile(r"&#?\w+$")
_FIRST_OF_MONTH = re.compile(rf"(?<![\w.,])1[ \u00a0](?=(?:{MONTHS})\b)")

_VERBATIM = re.compile(r"(<(script|style|textarea|pre)\b.*?</\2\s*>)", re.DOTALL | re.IGNORECASE)
_TAG = re.compile(r"(<[^>]*>)")
_READ_ATTRIBUTE = re.compile(r'(\s(?:title|alt|placeholder|aria-label|data-[a-z-]+)=")([^"]*)(")')


def _space_before(match: re.Match) -> str:
    if match[1] == ";" and _ENTITY_START.search(match.string, 0, match.start()):
        return match[0]  # the end of a character reference (&amp;), not a semicolon
    return NBSP + match[1]


def typography(text: str) -> str:
    """The French spacing rules applied to plain text."""
    text = _BEFORE_PUNCTUATION.sub(_space_before, text)
    text = _AFTER_OPENING_QUOTE.sub("«" + NBSP, text)
    text = _BEFORE_CLOSING_QUOTE.sub(NBSP + "»", text)
    return _FIRST_OF_MONTH.sub("1er" + NBSP, text)


def _tag(tag: str) -> str:
    return _READ_ATTRIBUTE.sub(lambda match: match[1] + typography(match[2]) + match[3], tag)


def typography_html(html: str) -> str:
    """The rules applied to what a reader sees of a page: text between tags and read attributes."""
    parts = []
    pieces = _VERBATIM.split(html)  # two groups: text, a whole verbatim element, its tag's name, text, ...
    for index in range(0, len(pieces), 3):
        for piece in _TAG.split(pieces[index]):
            parts.append(_tag(piece) if piece.startswith("<") else typography(piece))
        if index + 1 < len(pieces):
            parts.append(pieces[index + 1])
    return "".join(parts)


def applies_to_language(language: str | None) -> bool:
    return (language or "").split("-")[0] == "fr"


def typography_for_active_language(text: str) -> str:
    """`typography` when the active language is French, the text unchanged otherwise (for mails and JSON messages)."""
    return typography(text) if applies_to_language(translation.get_language()) else text


class FrenchTypographyMiddleware:
    """Applies `typography_html` to each complete French HTML page (streamed responses are left as they are)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            not response.streaming
            and response.get("Content-Type", "").startswith("text/html")
            and applies_to_language(response.get("Content-Language") or translation.get_language())
        ):
            charset = response.charset or "utf-8"
            response.content = typography_html(response.content.decode(charset)).encode(charset)
            if response.has_header("Content-Length"):
                response["Content-Length"] = str(len(response.content))
        return response
