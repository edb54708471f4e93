"""Organisers create and revoke their own tokens; only a hash is stored; the secret is shown once."""

import re

import pytest
from django.test import Client

from accounts.models import hash_token
from api import services
from api.models import ApiToken
from contest.models import AuditEvent, ContestRole
from tests.factories import ContestRoleFactory, UserFactory

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_an_organiser_creates_a_token_whose_secret_is_shown_once_and_stored_hashed(db):
    organiser = ContestRoleFactory(role=ContestRole.Role.ORGANISER).user
    client = signed_in(organiser)
    response = client.post(
        "/api/tokens/create/", {"label": "Résultats sur l'intranet", "scopes": ["read", "awards:write"]}
    )
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    secret = re.search(r'<code id="new-token">(plm_[A-Za-z0-9_-]{43})</code>', response.content.decode()).group(1)
    token = ApiToken.objects.get()
    assert (token.user, token.label, token.scopes) == (organiser, "Résultats sur l'intranet", ["awards:write", "read"])
    assert token.secret_hash == hash_token(secret)
    assert secret not in str(ApiToken.objects.values().get())
    assert secret not in str(list(AuditEvent.objects.values()))
    again = client.get("/api/tokens/").content.decode()
    assert secret not in again and token.prefix in again
    assert Client().get("/api/contests/", headers={"Authorization": f"Bearer {secret}"}).status_code == 200


def test_a_revoked_token_is_refused_from_that_second(db):
    organiser = ContestRoleFactory(role=ContestRole.Role.ORGANISER).user
    token, secret = services.create_token(user=organiser, label="tool", scopes=["read"])
    api = Client(headers={"Authorization": f"Bearer {secret}"})
    assert api.get("/api/contests/").status_code == 200
    response = signed_in(organiser).post("/api/tokens/revoke/", {"token": token.pk})
    assert response.status_code == 302
    refused = api.get("/api/contests/")
    assert refused.status_code == 401
    assert refused.json() == {
        "detail": "This API token is not valid or was revoked. Create a new one on the API tokens page."
    }
    assert list(AuditEvent.objects.order_by("id").values_list("verb", "actor")) == [
        ("api_token_created", organiser.pk),
        ("api_token_revoked", organiser.pk),
    ]


def test_nobody_revokes_someone_elses_token(db):
    owner = ContestRoleFactory(role=ContestRole.Role.ORGANISER).user
    other = ContestRoleFactory(role=ContestRole.Role.ORGANISER).user
    token, _secret = services.create_token(user=owner, label="tool", scopes=["read"])
    assert signed_in(other).post("/api/tokens/revoke/", {"token": token.pk}).status_code == 404
    with pytest.raises(services.ApiTokenError) as error:
        services.revoke_token(token=token, by=other)
    assert error.value.code == "not_yours"
    token.refresh_from_db()
    assert token.revoked_at is None


@pytest.mark.parametrize("role", ["anonymous", "team_member", "juror"])
def test_only_organisers_have_a_token_page(db, role):
    client = Client()
    if role != "anonymous":
        user = UserFactory()
        if role == "juror":
            ContestRoleFactory(user=user, role=ContestRole.Role.JUROR)
        client.force_login(user)
        assert client.get("/api/tokens/").status_code == 404
        with pytest.raises(services.ApiTokenError):
            services.create_token(user=user, label="tool", scopes=["read"])
    else:
        assert client.get("/api/tokens/").status_code == 302
    assert not ApiToken.objects.exists()


def test_a_token_needs_a_label_and_a_scope_said_in_the_users_language(db):
    organiser = ContestRoleFactory(role=ContestRole.Role.ORGANISER).user
    client = signed_in(organiser)
    response = client.post("/api/tokens/create/", {"label": "tool"}, headers={"Accept-Language": "fr"})
    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.content.decode()
    with pytest.raises(services.ApiTokenError) as error:
        services.create_token(user=organiser, label="tool", scopes=["write:everything"])
    assert error.value.code == "unknown_scope"
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("value", ["abc", "²", "1 OR 1=1", ""])
def test_revoking_with_a_malformed_token_id_answers_400(db, value):
    owner = ContestRoleFactory(role=ContestRole.Role.ORGANISER).user
    token, _secret = services.create_token(user=owner, label="tool", scopes=["read"])
    assert signed_in(owner).post("/api/tokens/revoke/", {"token": value}).status_code == 400
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_token_page_links_to_a_confirmation_before_revoking(db):
    owner = ContestRoleFactory(role=ContestRole.Role.ORGANISER).user
    token, _secret = services.create_token(user=owner, label="Intranet", scopes=["read"])
    client = signed_in(owner)
    page = client.get("/api/tokens/").content.decode()
    assert 'value="revoke"' not in page
    assert f'<a href="/api/tokens/{token.pk}/revoke/">Revoke…</a>' in page
    confirmation = client.get(f"/api/tokens/{token.pk}/revoke/")
    html = confirmation.content.decode()
    assert confirmation.status_code == 200
    assert f"Revoke the token “Intranet” ({token.prefix}…)?" in html
    assert '<form method="post" action="/api/tokens/revoke/">' in html
    assert 'name="action"' not in html
    assert f'<input type="hidden" name="token" value="{token.pk}">' in html
    token.refresh_from_db()
    assert token.revoked_at is None
    other = ContestRoleFactory(role=ContestRole.Role.ORGANISER).user
    assert signed_in(other).get(f"/api/tokens/{token.pk}/revoke/").status_code == 404


def test_the_token_page_answers_405_to_a_post_and_changes_nothing(db):
    owner = ContestRoleFactory(role=ContestRole.Role.ORGANISER).user
    token, _secret = services.create_token(user=owner, label="tool", scopes=["read"])
    client = signed_in(owner)
    assert client.post("/api/tokens/", {"action": "revoke", "token": token.pk}).status_code == 405
    assert client.post("/api/tokens/", {"label": "other", "scopes": ["read"]}).status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None
    assert list(ApiToken.objects.values_list("label", flat=True)) == ["tool"]
