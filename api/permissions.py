"""Who may call what. A token acts as its owner: it reaches a contest only where its owner is an organiser (the
rule of the organiser pages, contest.permissions.is_organiser), and anything else answers 404, never 403, so a
token cannot learn that a contest exists. Scopes are checked first and do not depend on the contest."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from contest.models import Contest
from contest.permissions import require_organiser

from .models import ApiToken, Scope


class TokenScope(BasePermission):
    """Reads need the `read` scope; writes need the view's `write_scope`."""

    def has_permission(self, request, view):
        token = request.auth
        if not isinstance(token, ApiToken) or not request.user.is_authenticated:
            return False
        if not hasattr(view, request.method.lower()):
            return True  # the view answers 405
        needed = Scope.READ if request.method in SAFE_METHODS else getattr(view, "write_scope", None)
        if needed is None or not token.has_scope(needed):
            self.message = _("This token does not have the “%(scope)s” permission. Create a token that has it.") % {
                "scope": needed or "?"
            }
            return False
        return True


def organiser_contest_or_404(user, slug: str) -> Contest:
    contest = get_object_or_404(Contest, slug=slug)
    require_organiser(user, contest)
    return contest
