"""How a view answers the POST of one action, written once for every app: run the service, say what happened, send
the person back to the page, or show the page again with what went wrong."""

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.forms import BaseForm
from django.http import HttpRequest, HttpResponse

from .errors import ServiceError

T = TypeVar("T")


def perform(
    request: HttpRequest,
    action: Callable[[], T],
    *,
    success: str | Callable[[T], str] | None,
    redirect_to: HttpResponse | Callable[[T], HttpResponse],
    page: Callable[[], HttpResponse] | None = None,
    form: BaseForm | None = None,
    invalid: str = "",
    show_error: Callable[[ServiceError], object] | None = None,
) -> HttpResponse:
    """Run `action` (the call of one service) and answer the request.

    - With `form`, `action` runs only once the form is valid (so it may read `form.cleaned_data`).
    - Done: `success` (a text, or made from what `action` returned; None: no message) becomes a success message,
      and the answer is `redirect_to` (usually a redirect to the page; or the response it makes from that value).
    - Refused (a ServiceError, or an invalid form): the error's message is shown by `show_error` (default
      `messages.error`; an invalid form shows its own errors, or `invalid` as an error message), and the answer is
      `page()`, the page again with the bound form; without `page`, `redirect_to`, which must then be a response.

    Writes nothing itself but the request's messages; any other exception propagates."""
    if form is not None and not form.is_valid():
        if page is None and invalid:
            messages.error(request, invalid)
        return _refused(page, redirect_to)
    try:
        result = action()
    except ServiceError as error:
        if show_error is None:
            messages.error(request, error.message)
        else:
            show_error(error)
        return _refused(page, redirect_to)
    if success is not None:
        messages.success(request, success(result) if callable(success) else success)
    return redirect_to(result) if callable(redirect_to) else redirect_to


def _refused(page: Callable[[], HttpResponse] | None, redirect_to) -> HttpResponse:
    if page is not None:
        return page()
    if callable(redirect_to):
        raise TypeError("perform() needs a page, or a redirect_to that is a response, to answer a refusal.")
    return redirect_to
