"""perform: how every action view answers its POST (the views' own tests check each message, page and redirect)."""

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.cookie import CookieStorage
from django.http import HttpResponse, HttpResponseRedirect
from django.test import RequestFactory

from accounts.actions import perform
from accounts.errors import ServiceError


class NameForm(forms.Form):
    name = forms.CharField()


def _request(data=None):
    request = RequestFactory().post("/", data or {})
    request._messages = CookieStorage(request)
    return request


def _said(request) -> list[tuple[str, str]]:
    return [(message.level_tag, str(message)) for message in get_messages(request)]


def _refuse():
    raise ServiceError("closed", "The round is closed.")


PAGE = HttpResponse("page", status=400)
BACK = HttpResponseRedirect("/back/")


def test_a_done_action_says_so_and_answers_what_it_returned():
    request = _request({"name": "Camille"})
    form = NameForm(request.POST)
    response = perform(
        request,
        lambda: form.cleaned_data["name"],
        form=form,
        success=lambda name: f"Hello {name}.",
        redirect_to=lambda name: HttpResponseRedirect(f"/people/{name}/"),
        page=lambda: PAGE,
    )
    assert (response.status_code, response["Location"]) == (302, "/people/Camille/")
    assert _said(request) == [("success", "Hello Camille.")]


def test_an_invalid_form_shows_the_page_again_and_runs_nothing():
    request = _request()
    ran = []
    response = perform(
        request,
        lambda: ran.append(1),
        form=NameForm(request.POST),
        success="Done.",
        redirect_to=BACK,
        page=lambda: PAGE,
    )
    assert response is PAGE
    assert ran == [] and _said(request) == []


def test_an_invalid_form_without_a_page_says_what_to_enter_and_goes_back():
    request = _request()
    response = perform(
        request, lambda: None, form=NameForm(request.POST), invalid="Enter a name.", success="Done.", redirect_to=BACK
    )
    assert response is BACK
    assert _said(request) == [("error", "Enter a name.")]


def test_a_refusal_shows_its_message_on_the_page_again():
    request = _request()
    assert perform(request, _refuse, success="Done.", redirect_to=BACK, page=lambda: PAGE) is PAGE
    assert _said(request) == [("error", "The round is closed.")]


def test_a_refusal_without_a_page_goes_back_with_its_message():
    request = _request()
    assert perform(request, _refuse, success="Done.", redirect_to=BACK) is BACK
    assert _said(request) == [("error", "The round is closed.")]


def test_a_refusal_can_be_shown_on_the_form_instead():
    request = _request({"name": "Camille"})
    form = NameForm(request.POST)
    response = perform(
        request,
        _refuse,
        form=form,
        show_error=lambda error: form.add_error("name", error.message),
        success="Done.",
        redirect_to=BACK,
        page=lambda: PAGE,
    )
    assert response is PAGE
    assert form.errors == {"name": ["The round is closed."]}
    assert _said(request) == []


def test_any_other_exception_is_not_a_refusal():
    def fail():
        raise ValueError("bug")

    with pytest.raises(ValueError):
        perform(_request(), fail, success="Done.", redirect_to=BACK, page=lambda: PAGE)
