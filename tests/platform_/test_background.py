"""after_commit: side effects run once the change commits, in the schema they were queued in."""

import os

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import connection, transaction
from django_tenants.utils import tenant_context

from platform_.background import after_commit


def test_work_waits_for_the_commit_and_runs_in_its_own_schema(
    tenant_a, tenant_b, django_capture_on_commit_callbacks
):
    ran = []
    with django_capture_on_commit_callbacks() as callbacks, tenant_context(tenant_a):
        after_commit(lambda: ran.append(connection.schema_name))
    assert ran == []  # nothing before the commit

    with tenant_context(tenant_b):  # the connection has moved on by the time of the commit
        callbacks[0]()
        assert connection.schema_name == "t_beta"

    assert ran == ["t_alpha"]


def test_work_is_dropped_with_a_rolled_back_change(tenant_a, django_capture_on_commit_callbacks):
    ran = []
    with (
        django_capture_on_commit_callbacks(execute=True),
        tenant_context(tenant_a),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        after_commit(ran.append, "deleted a file")
        raise RuntimeError("the change failed")
    assert ran == []


def test_files_are_deleted_after_commit_in_the_tenant_folder(
    tenant_a, django_capture_on_commit_callbacks
):
    with tenant_context(tenant_a):
        name = default_storage.save("evidence/after-commit.pdf", ContentFile(b"%PDF-1.7"))
        path = default_storage.path(name)
        assert "/t_alpha/" in path
        with django_capture_on_commit_callbacks() as callbacks:
            after_commit(default_storage.delete, name)
    assert os.path.exists(path)  # not before the commit
    callbacks[0]()  # committed, while the connection is back on public
    assert not os.path.exists(path)
