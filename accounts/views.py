import textwrap
import time
from base64 import b32encode
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe
from django_otp import login as otp_login

from .actions import perform
from .errors import ServiceError
from .forms import LoginForm, TokenForm
from .models import User
from .services import (
    confirm_totp_device,
    confirmed_totp_device,
    may_use_two_factor,
    over_limit,
    remove_totp_device,
    send_email_verification,
    start_totp_enrolment,
    verify_email,
)


def verify_email_view(request, token):
    """The link of the verification mail. Idempotent: opening it twice (or a mail client's preview) changes nothing."""
    try:
        verify_email(token=token)
    except ServiceError as error:
        return render(request, "accounts/verify_email_invalid.html", {"message": error.message}, status=404)
    messages.success(request, _("Your email address is confirmed."))
    return redirect("home")


@login_required
@require_POST
def resend_verification_view(request):
    """Mail the verification link again (at most a few times an hour)."""
    if request.user.email_verified_at is not None:
        messages.info(request, _("Your email address is already confirmed."))
    elif over_limit(scope="verify-mail", key=str(request.user.pk), limit=3, seconds=3600):
        messages.error(request, _("Several links were already sent this hour: check your spam folder, then try later."))
    else:
        send_email_verification(user=request.user, language=request.LANGUAGE_CODE)
        messages.success(request, _("A new link was sent to %(email)s.") % {"email": request.user.email})
    return redirect(_safe_next(request, request.POST.get("next")))


def _safe_next(request, url):
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return "home"


# Login with an optional second step. Someone with a confirmed TOTP device gives a code after the password; until then
# the session holds only who passed the first step, for TWO_FACTOR_PENDING_SECONDS.

PENDING_KEY = "two_factor_pending"


class LoginView(auth_views.LoginView):
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        user = form.get_user()
        if confirmed_totp_device(user) is None:
            return super().form_valid(form)
        self.request.session[PENDING_KEY] = {
            "user": user.pk,
            "backend": user.backend,
            "next": self.get_redirect_url(),
            "at": int(time.time()),
        }
        return redirect("login_two_factor")


def _pending_user(request):
    pending = request.session.get(PENDING_KEY)
    if not pending or time.time() - pending["at"] > settings.TWO_FACTOR_PENDING_SECONDS:
        request.session.pop(PENDING_KEY, None)
        return None, None
    return User.objects.filter(pk=pending["user"], is_active=True).first(), pending


def login_two_factor_view(request):
    """Second step of the login: the code from the authenticator app."""
    user, pending = _pending_user(request)
    if user is None:
        messages.error(request, _("Your login took too long or was not started: enter your email and password again."))
        return redirect("login")
    device = confirmed_totp_device(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device is not None and device.verify_token(form.cleaned_data["token"].replace(" ", "")):
            del request.session[PENDING_KEY]
            login(request, user, backend=pending["backend"])
            otp_login(request, device)
            return redirect(pending["next"] or settings.LOGIN_REDIRECT_URL)
        form.add_error("token", _("This code is not the one your app shows now. Wait for the next code and try again."))
    return render(request, "registration/login_two_factor.html", {"form": form})


def _qr_svg_data_uri(text: str) -> str:
    import segno

    return segno.make(text, error="m").svg_data_uri(scale=5, border=2)


def _require_two_factor_offered(request) -> None:
    """Organisers (and staff) turn two-factor on or off. Others do not see the page or its actions."""
    if not may_use_two_factor(request.user):
        raise Http404


def _two_factor_page(request, form: TokenForm | None = None):
    device = confirmed_totp_device(request.user)
    pending = None
    if device is None:
        pending = request.user.totpdevice_set.filter(confirmed=False).first()
    context = {"device": device, "pending": pending, "form": form or TokenForm()}
    if pending is not None:
        context["qr"] = _qr_svg_data_uri(pending.config_url)
        context["secret"] = " ".join(textwrap.wrap(b32encode(pending.bin_key).decode(), 4))
    return render(request, "accounts/two_factor.html", context)


@login_required
@require_safe
def two_factor_view(request):
    """The person's two-factor state, with the one form that moves it on (each posting to its own view below)."""
    _require_two_factor_offered(request)
    return _two_factor_page(request)


@login_required
@require_POST
def two_factor_start_view(request):
    """A new secret for the authenticator app; the page then shows its QR code."""
    _require_two_factor_offered(request)
    form = TokenForm(request.POST)
    return perform(
        request,
        lambda: start_totp_enrolment(user=request.user),
        success=None,
        redirect_to=redirect("two_factor"),
        page=lambda: _two_factor_page(request, form),
        show_error=lambda error: form.add_error("token", error.message),
    )


@login_required
@require_POST
def two_factor_confirm_view(request):
    """The app's first code turns two-factor on; this session stays open, the person's other sessions end."""
    _require_two_factor_offered(request)
    form = TokenForm(request.POST)

    def confirm():
        device = confirm_totp_device(user=request.user, token=form.cleaned_data["token"])
        update_session_auth_hash(request, request.user)  # this session just gave a code: it stays
        otp_login(request, device)

    return perform(
        request,
        confirm,
        form=form,
        success=_("Two-factor authentication is on: each login now asks for a code."),
        redirect_to=redirect("two_factor"),
        page=lambda: _two_factor_page(request, form),
        show_error=lambda error: form.add_error("token", error.message),
    )


@login_required
@require_POST
def two_factor_remove_view(request):
    """A current code turns two-factor off; this session stays open, the person's other sessions end."""
    _require_two_factor_offered(request)
    form = TokenForm(request.POST)

    def remove():
        remove_totp_device(user=request.user, token=form.cleaned_data["token"])
        update_session_auth_hash(request, request.user)

    return perform(
        request,
        remove,
        form=form,
        success=_("Two-factor authentication is off."),
        redirect_to=redirect("two_factor"),
        page=lambda: _two_factor_page(request, form),
        show_error=lambda error: form.add_error("token", error.message),
    )


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset, with the link in the mail built from SITE_URL instead of the request's Host header (a forged
    Host would otherwise send the person's reset token to another site)."""

    @property
    def extra_email_context(self):
        site = urlsplit(settings.SITE_URL)
        return {"domain": site.netloc, "protocol": site.scheme}
