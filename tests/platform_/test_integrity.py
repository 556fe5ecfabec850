"""unique_or_raise: a named constraint's violation becomes the service's refusal, in a savepoint."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError
from django_tenants.utils import tenant_context

from accreditation.models import AwardLevel
from platform_.integrity import unique_field_constraint, unique_or_raise


def test_a_named_constraint_becomes_the_refusal_and_the_transaction_goes_on(tenant_a):
    with tenant_context(tenant_a):
        AwardLevel.objects.create(name="Gold")
        name_taken = unique_field_constraint(AwardLevel, "name")
        with (
            pytest.raises(ValidationError, match="Gold exists"),
            unique_or_raise({name_taken: lambda: ValidationError("Gold exists")}),
        ):
            AwardLevel.objects.create(name="Gold")
        # The savepoint was rolled back, not the test's transaction.
        assert list(AwardLevel.objects.filter(name="Gold").values_list("name", flat=True)) == [
            "Gold"
        ]


def test_another_constraint_is_not_hidden(tenant_a):
    with tenant_context(tenant_a):
        AwardLevel.objects.create(name="Silver")
        with (
            pytest.raises(IntegrityError),
            unique_or_raise({"some_other_rule": ValidationError("no")}),
        ):
            AwardLevel.objects.create(name="Silver")
