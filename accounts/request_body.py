"""What a request's body holds, checked against the shape the view expects, so that a malformed request answers
400 with a message rather than failing deeper down: JSON objects for the JSON views, ids posted by forms. Written
once for every app."""

import json
import math

from django.core.exceptions import BadRequest
from django.http import JsonResponse
from django.utils.translation import gettext_lazy as _

MAX_BODY_BYTES = 64 * 1024

KIND_NAMES = {
    dict: _("an object"),
    str: _("a text"),
    float: _("a number"),
    bool: _("true or false"),
}


class MalformedBody(Exception):
    def __init__(self, message):
        super().__init__(str(message))
        self.message = message

    def response(self) -> JsonResponse:
        return JsonResponse({"ok": False, "error": "malformed_body", "message": str(self.message)}, status=400)


def _refuse_constant(name):
    raise ValueError(name)


def _is_kind(value, kind) -> bool:
    if kind is float:
        return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)
    return isinstance(value, kind)


def read_json_object(request, shape: dict[str, type]) -> dict:
    """The body as a dict with only the keys of `shape` that were sent, each of its kind (dict, str, float for
    any finite number, bool); null counts as not sent. An empty body is an empty object.
    Raises MalformedBody with a message naming what is wrong."""
    if len(request.body) > MAX_BODY_BYTES:
        raise MalformedBody(_("The request is too large."))
    try:
        body = json.loads(request.body or b"{}", parse_constant=_refuse_constant)
    except (ValueError, RecursionError):
        raise MalformedBody(_("The request's body is not valid JSON.")) from None
    if not isinstance(body, dict):
        raise MalformedBody(_("The request's body must be a JSON object."))
    values = {}
    for name, kind in shape.items():
        value = body.get(name)
        if value is None:
            continue
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            try:
                value = float(value)
            except OverflowError:
                value = math.inf
        if not _is_kind(value, kind):
            raise MalformedBody(_("“%(name)s” must be %(kind)s.") % {"name": name, "kind": KIND_NAMES[kind]})
        values[name] = value
    return values


def posted_id(data, name: str) -> int:
    """The row id a form posted under `name` (e.g. the assignment to remove). Missing or not a number: BadRequest,
    which Django answers with 400 (a wrong but well-formed id is the view's 404)."""
    value = data.get(name) or ""
    if not (value.isascii() and value.isdigit() and len(value) <= 18):
        raise BadRequest(f"{name}: not an id")
    return int(value)
