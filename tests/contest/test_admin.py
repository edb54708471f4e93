"""The admin shows the rows that only services write (audit trail, assignments, scores) and changes none of them."""

import pytest
from django.contrib import admin
from django.test import RequestFactory

from contest.models import AuditEvent
from judging.models import Assignment, Score
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", [AuditEvent, Assignment, Score])
def test_rows_only_services_write_are_shown_but_never_added_changed_or_deleted_in_the_admin(model):
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    model_admin = admin.site._registry[model]
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)
