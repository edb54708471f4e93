"""django-axes hooks: which name a login attempt counts against, and what a locked-out person sees."""

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render
from django.utils.translation import ngettext


def username_from_request(request, credentials) -> str:
    """The email as the backend reads it (case and spaces do not give an attacker fresh attempts)."""
    username = (credentials or {}).get("username") or request.POST.get("username") or ""
    return username.strip().lower()


def lockout_message() -> str:
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    return ngettext(
        "Too many failed attempts: logging in to this account from here is paused for %(minutes)d minute. "
        "Wait, then try again, or reset your password.",
        "Too many failed attempts: logging in to this account from here is paused for %(minutes)d minutes. "
        "Wait, then try again, or reset your password.",
        minutes,
    ) % {"minutes": minutes}


def lockout_response(request, original_response=None, credentials=None):
    """The login page again, with the lockout explained (HTTP 429), in the person's language."""
    # Unbound: axes answered before the password was checked, so there is no "wrong password" message to show.
    form = AuthenticationForm(request, initial={"username": request.POST.get("username", "")})
    return render(
        request,
        "registration/login.html",
        {"form": form, "lockout": lockout_message(), "next": request.POST.get("next", "")},
        status=429,
    )
