from django.contrib import messages
from django.contrib.auth import login
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.forms import InvitedSignupForm
from accounts.models import User

from .invitations import accept_invitation, find_invitation, register_invited_user
from .services import ContestError


def accept_invitation_view(request, token):
    """Unknown, expired and used tokens all answer 404: a link reveals nothing unless it is live."""
    invitation = find_invitation(token)
    if invitation is None:
        return render(request, "accounts/invitation_invalid.html", status=404)
    form = None
    if request.user.is_authenticated:
        if request.method == "POST":
            try:
                accept_invitation(invitation=invitation, user=request.user)
            except ContestError as error:
                messages.error(request, error.message)
            else:
                messages.success(request, _("Welcome aboard."))
                return redirect("home")
    else:
        if User.objects.filter(email__iexact=invitation.email).exists():
            return redirect(f"/accounts/login/?next={request.path}")
        form = InvitedSignupForm(request.POST or None, email=invitation.email)
        if request.method == "POST" and form.is_valid():
            try:
                user = register_invited_user(
                    invitation=invitation,
                    full_name=form.cleaned_data["full_name"],
                    password=form.cleaned_data["password"],
                )
            except ContestError as error:
                form.add_error(None, error.message)
            else:
                login(request, user, backend="accounts.backends.EmailBackend")
                messages.success(request, _("Your account is ready."))
                return redirect("home")
    return render(request, "accounts/accept_invitation.html", {"invitation": invitation, "form": form})
