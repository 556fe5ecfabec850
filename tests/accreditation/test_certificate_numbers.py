"""Certificate numbers come from a locked per-council, per-year counter."""

import threading

from django.db import connection, transaction
from django_tenants.utils import tenant_context

from accreditation.models import CertificateCounter
from accreditation.services.certificates import certificate_number, next_certificate_sequence
from tenants.models import Tenant


def test_numbers_count_up_per_year_and_per_council(tenant_a, tenant_b):
    with tenant_context(tenant_a):
        assert [certificate_number(2031) for _ in range(3)] == [
            "ALPHA-2031-0001",
            "ALPHA-2031-0002",
            "ALPHA-2031-0003",
        ]
        assert certificate_number(2032) == "ALPHA-2032-0001"
    with tenant_context(tenant_b):
        assert certificate_number(2031) == "BETA-2031-0001"


def test_a_rolled_back_award_gives_its_number_back(tenant_a):
    with tenant_context(tenant_a):
        assert next_certificate_sequence(2033) == 1
        try:
            with transaction.atomic():
                assert next_certificate_sequence(2033) == 2
                raise RuntimeError("the award failed")
        except RuntimeError:
            pass
        assert next_certificate_sequence(2033) == 2


def test_awards_at_the_same_moment_get_different_numbers(django_db_setup, django_db_blocker):
    """Eight committed transactions at once (each its own connection): eight distinct numbers.
    The old count()+1 gave several of them the same number and all but one failed."""
    year, numbers, errors = 2099, [], []
    start = threading.Barrier(8)

    def award() -> None:
        try:
            with django_db_blocker.unblock():
                tenant = Tenant.objects.get(slug="alpha")
                with tenant_context(tenant), transaction.atomic():
                    start.wait(timeout=10)
                    numbers.append(next_certificate_sequence(year))
        except Exception as error:  # reported below; a thread cannot fail the test itself
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=award) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    try:
        assert errors == []
        assert sorted(numbers) == list(range(1, 9))
    finally:
        with django_db_blocker.unblock(), tenant_context(Tenant.objects.get(slug="alpha")):
            CertificateCounter.objects.filter(year=year).delete()
