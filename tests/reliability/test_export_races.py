"""Two officers (or a double click) asking for an export at the same moment start one export."""

from __future__ import annotations

from unittest import mock

import pytest
from django_tenants.utils import tenant_context

from platform_.accounts.models import User
from platform_.exports.models import DataExport
from platform_.exports.services import request_export
from tests.reliability.test_double_clicks import race

pytestmark = pytest.mark.integration


def test_two_requests_for_an_export_at_once_start_one(race_tenant, django_db_blocker):
    with django_db_blocker.unblock(), tenant_context(race_tenant):
        officer = User.objects.get(email="officer@races.test")

    def ask():
        return request_export(acting_user=officer)

    # Not built here: the race is about the row, and the build is tested in tests/exports.
    with mock.patch("platform_.exports.services.enqueue_on_commit"):
        first, second = race(django_db_blocker, race_tenant, ask, ask)

    assert isinstance(first, DataExport), first
    assert isinstance(second, DataExport), second
    assert first.pk == second.pk
    with django_db_blocker.unblock(), tenant_context(race_tenant):
        assert DataExport.objects.count() == 1
        DataExport.objects.all().delete()
