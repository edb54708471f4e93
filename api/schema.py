"""Tells drf-spectacular how the API authenticates, so the schema and the docs page show the bearer token."""

from drf_spectacular.extensions import OpenApiAuthenticationExtension


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.authentication.TokenAuthentication"
    name = "organiserToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A per-organiser API token (plm_…), created on /api/tokens/. Scopes: read, awards:write, "
            "releases:write.",
        }
