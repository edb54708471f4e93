"""The organiser's token page (HTML, signed in with the usual session). Creating and revoking a token each post to
their own URL and view; the page answers GET only."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accounts.actions import perform
from accounts.request_body import posted_id

from . import services
from .forms import TokenForm
from .models import ApiToken


def _token_holder(request) -> None:
    if not services.may_hold_tokens(request.user):
        raise Http404


def _tokens_page(request, *, form=None, new_secret=""):
    response = render(
        request,
        "api/tokens.html",
        {
            "form": form or TokenForm(),
            "new_secret": new_secret,
            "tokens": ApiToken.objects.filter(user=request.user),
        },
    )
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_GET
def tokens(request):
    _token_holder(request)
    return _tokens_page(request)


@login_required
@require_POST
def create_token(request):
    """Creates the token and shows the page with its secret, once: only its hash is kept."""
    _token_holder(request)
    form = TokenForm(request.POST)
    return perform(
        request,
        lambda: services.create_token(user=request.user, **form.cleaned_data),
        form=form,
        show_error=lambda error: form.add_error(None, error.message),
        success=None,
        redirect_to=lambda created: _tokens_page(request, new_secret=created[1]),
        page=lambda: _tokens_page(request, form=form),
    )


@login_required
@require_GET
def token_revoke_confirm(request, token_id):
    """What revoking a token will do, with the one button that posts to revoke_token."""
    _token_holder(request)
    token = get_object_or_404(ApiToken, user=request.user, pk=token_id, revoked_at__isnull=True)
    response = render(request, "api/token_revoke_confirm.html", {"token": token})
    response["Cache-Control"] = "private, no-store"
    return response


@login_required
@require_POST
def revoke_token(request):
    _token_holder(request)
    token = get_object_or_404(ApiToken, user=request.user, pk=posted_id(request.POST, "token"))
    return perform(
        request,
        lambda: services.revoke_token(token=token, by=request.user),
        success=_("The token is revoked: tools using it are refused from now on."),
        redirect_to=redirect("api:tokens"),
    )
