"""The officers' application list and the assessor's queue run the same pinned number of
queries with one row and with thirty (pytest-django prints the SQL when a count changes); the
officers' list shows a page at a time, so a council with hundreds costs what one with fifty
does."""

import re

import pytest
from django_tenants.utils import tenant_context

from accreditation.enums import ApplicationStatus
from accreditation.views.manage import APPLICATIONS_PAGE_SIZE
from tests.factories import (
    ApplicationFactory,
    AssignmentFactory,
    OrganisationFactory,
    SignatureFactory,
    UserFactory,
)
from tests.helpers import login, make_user

# The signed-in person, then the page's own reads (how many, one page of them); none per row. The
# session comes from the cache, the council from the cache, and the connection is already on the
# council's schema (no SET search_path); roles are flags, so no permission tables are read.
APPLICATION_LIST_QUERIES = 3
ASSESSOR_QUEUE_QUERIES = 2


def add_assigned_applications(tenant, assessor, award_round, count: int) -> list[str]:
    """``count`` signed schools, each with an application being assessed by ``assessor``."""
    names = []
    with tenant_context(tenant):
        for n in range(count):
            organisation = OrganisationFactory(name=f"School {n:03d}", lead=UserFactory())
            SignatureFactory(organisation=organisation)
            application = ApplicationFactory(
                organisation=organisation,
                round=award_round,
                status=ApplicationStatus.IN_ASSESSMENT,
            )
            AssignmentFactory(application=application, assessor=assessor)
            names.append(organisation.name)
    return names


def schools_on(html: str) -> list[str]:
    return sorted(set(re.findall(r"School \d{3}", html)))


@pytest.mark.parametrize("rows", [1, 30])
def test_officer_application_list_query_count_is_pinned(
    rows, tenant_a, officer_a, published_a, round_a, client_a, django_assert_num_queries
):
    names = add_assigned_applications(
        tenant_a, make_user(tenant_a, "busy@alpha.test", is_assessor=True), round_a, rows
    )
    login(client_a, tenant_a, officer_a)
    client_a.get("/manage/applications/")  # warm: session and tenant caches filled

    with django_assert_num_queries(APPLICATION_LIST_QUERIES):
        response = client_a.get("/manage/applications/")

    assert response.status_code == 200
    assert schools_on(response.content.decode()) == names


@pytest.mark.parametrize("rows", [1, 30])
def test_assessor_queue_query_count_is_pinned(
    rows, tenant_a, published_a, round_a, client_a, django_assert_num_queries
):
    assessor = make_user(tenant_a, "busy@alpha.test", is_assessor=True)
    names = add_assigned_applications(tenant_a, assessor, round_a, rows)
    login(client_a, tenant_a, assessor)
    client_a.get("/assess/")  # warm

    with django_assert_num_queries(ASSESSOR_QUEUE_QUERIES):
        response = client_a.get("/assess/")

    assert response.status_code == 200
    assert schools_on(response.content.decode()) == names


@pytest.mark.parametrize("rows", [1, APPLICATIONS_PAGE_SIZE + 5])
def test_officer_application_list_pages_keep_the_count_flat(
    rows, tenant_a, officer_a, published_a, round_a, client_a, django_assert_num_queries
):
    names = add_assigned_applications(
        tenant_a, make_user(tenant_a, "busy@alpha.test", is_assessor=True), round_a, rows
    )
    login(client_a, tenant_a, officer_a)
    client_a.get("/manage/applications/")  # warm

    with django_assert_num_queries(APPLICATION_LIST_QUERIES):
        first = client_a.get("/manage/applications/").content.decode()
    with django_assert_num_queries(APPLICATION_LIST_QUERIES):
        last = client_a.get("/manage/applications/?page=2").content.decode()

    assert f"{rows} application" in first
    if rows == 1:
        assert schools_on(first) == names
        assert "govuk-pagination" not in first
    else:
        # Sorted by round, then name: the first page holds the first PAGE_SIZE names.
        assert schools_on(first) == names[:APPLICATIONS_PAGE_SIZE]
        assert schools_on(last) == names[APPLICATIONS_PAGE_SIZE:]
        assert 'aria-label="Pages of applications"' in first
        assert 'href="?page=2" rel="next"' in first
        assert 'href="?page=1" rel="prev"' in last


def test_officer_application_list_pages_keep_the_status_filter(
    tenant_a, officer_a, published_a, round_a, client_a
):
    add_assigned_applications(
        tenant_a,
        make_user(tenant_a, "busy@alpha.test", is_assessor=True),
        round_a,
        APPLICATIONS_PAGE_SIZE + 1,
    )
    login(client_a, tenant_a, officer_a)

    html = client_a.get("/manage/applications/?status=in_assessment").content.decode()

    assert 'href="?status=in_assessment&amp;page=2" rel="next"' in html
