"""`Authorization: Bearer plm_…`: the only way into the API. Sessions are not accepted, so no API call can ride on
a signed-in browser (and no CSRF token is needed)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from . import services


class TokenAuthentication(BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = get_authorization_header(request).split()
        if not header or header[0].decode("latin-1").lower() != self.keyword.lower():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Send the token as “Authorization: Bearer <token>”."))
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError:
            secret = ""
        token = services.authenticate_secret(secret)
        if token is None:
            raise exceptions.AuthenticationFailed(
                _("This API token is not valid or was revoked. Create a new one on the API tokens page.")
            )
        return token.user, token

    def authenticate_header(self, request):
        return f'{self.keyword} realm="api"'
