"""The shared layout (platform_/templatetags/layout.py): the service navigation for each role,
host and language, the current page marked, the language links, and the kept URLs."""

import re

import pytest
from django.conf import settings
from django.template import Context, Template
from django.templatetags.static import static
from django.urls import NoReverseMatch, reverse, set_script_prefix, set_urlconf

from accreditation.enums import ApplicationStatus
from accreditation.models import Application
from platform_.templatetags.layout import reverse_cached
from tests.helpers import login, make_user

NAVIGATION = re.compile(
    r'<ul class="govuk-service-navigation__list" id="navigation">(.*?)</ul>', re.S
)
ITEM = re.compile(r"<li .*?</li>", re.S)


def item(href: str, label: str, *, current: bool = False) -> str:
    """One navigation item, as includes/_nav_item.html drew it."""
    if current:
        return (
            '<li class="govuk-service-navigation__item govuk-service-navigation__item--active">'
            f'<a class="govuk-service-navigation__link" href="{href}" aria-current="page">'
            f'<strong class="govuk-service-navigation__active-fallback">{label}</strong></a></li>'
        )
    return (
        '<li class="govuk-service-navigation__item">'
        f'<a class="govuk-service-navigation__link" href="{href}">{label}</a></li>'
    )


def navigation(response) -> list[str]:
    assert response.status_code == 200
    return ITEM.findall(NAVIGATION.search(response.content.decode()).group(1))


PUBLIC_ITEMS = [("/", "Home"), ("/charter/", "Our charter"), ("/register/", "Who has signed")]
ROLES = {
    "council officer": ({"is_council_officer": True}, [("/manage/", "Manage")]),
    "assessor": ({"is_assessor": True}, [("/assess/", "Assess")]),
    "organisation member": ({"is_organisation_member": True}, [("/org/", "Your organisation")]),
    "officer who also assesses": (
        {"is_council_officer": True, "is_assessor": True},
        [("/manage/", "Manage"), ("/assess/", "Assess")],
    ),
    "no role": ({}, []),
}


@pytest.mark.parametrize("role", ROLES)
def test_navigation_shows_each_role_only_its_own_areas(tenant_a, client_a, role):
    flags, areas = ROLES[role]
    login(client_a, tenant_a, make_user(tenant_a, "person@alpha.test", **flags))

    items = navigation(client_a.get("/charter/"))

    expected = [item(href, label, current=href == "/charter/") for href, label in PUBLIC_ITEMS]
    assert items == expected + [item(href, label) for href, label in areas]


def test_navigation_for_someone_signed_out_asks_no_permission(client_a, tenant_a):
    items = navigation(client_a.get("/register/"))

    assert items == [
        item("/", "Home"),
        item("/charter/", "Our charter"),
        item("/register/", "Who has signed", current=True),
    ]


SECTIONS = ["/", "/charter/", "/register/", "/manage/", "/assess/", "/org/"]


@pytest.mark.parametrize("path", SECTIONS)
def test_navigation_marks_the_page_being_read_and_no_other(tenant_a, client_a, path):
    everything = make_user(
        tenant_a,
        "all@alpha.test",
        is_council_officer=True,
        is_assessor=True,
        is_organisation_member=True,
    )
    login(client_a, tenant_a, everything)

    items = navigation(client_a.get(path))

    current = [i for i in items if 'aria-current="page"' in i]
    assert len(items) == 6
    assert len(current) == 1
    assert f'href="{path}" aria-current="page"' in current[0]
    assert "govuk-service-navigation__item--active" in current[0]


def test_a_page_below_a_section_marks_none(tenant_a, client_a, officer_a):
    login(client_a, tenant_a, officer_a)

    items = navigation(client_a.get("/manage/applications/"))

    assert not [i for i in items if "aria-current" in i]
    assert item("/manage/", "Manage") in items


def test_navigation_on_the_platform_host_has_only_home(platform_client):
    assert navigation(platform_client.get("/")) == [item("/", "Home", current=True)]
    assert navigation(platform_client.get("/signup/")) == [item("/", "Home")]


def test_navigation_and_language_links_in_welsh(tenant_a, client_a):
    member = make_user(tenant_a, "member@alpha.test", is_organisation_member=True)
    login(client_a, tenant_a, member)
    client_a.cookies[settings.LANGUAGE_COOKIE_NAME] = "cy"

    response = client_a.get("/org/")

    assert navigation(response) == [
        item("/", "Hafan"),
        item("/charter/", "Ein siarter"),
        item("/register/", "Pwy sydd wedi llofnodi"),
        item("/org/", "Eich sefydliad", current=True),
    ]
    html = response.content.decode()
    assert (
        '<section aria-label="Gwybodaeth am y gwasanaeth" class="govuk-service-navigation"' in html
    )
    assert '<nav aria-label="Dewislen" class="govuk-service-navigation__wrapper">' in html
    assert (
        '<a class="govuk-link" href="/language/en-gb/?next=/org/" hreflang="en-GB" lang="en-GB"'
        ' rel="alternate"><span class="govuk-visually-hidden">Change the language to </span>'
        "Saesneg</a>"
    ) in html
    assert (
        '<span class="govuk-!-font-weight-bold" lang="cy" aria-current="true">Cymraeg</span>'
    ) in html


def test_language_link_comes_back_to_the_page_and_its_query(client_a, tenant_a):
    html = client_a.get("/register/?q=oak tree").content.decode()

    switcher = re.search(r'<nav class="app-language-select.*?</nav>', html, re.S).group(0)
    assert 'aria-label="Choose a language"' in switcher
    assert (
        '<span class="govuk-!-font-weight-bold" lang="en-GB" aria-current="true">English</span>'
    ) in switcher
    assert (
        '<a class="govuk-link" href="/language/cy/?next=/register/%3Fq%3Doak%2520tree"'
        ' hreflang="cy" lang="cy" rel="alternate"><span class="govuk-visually-hidden">'
        "Newid yr iaith: </span>Cymraeg</a>"
    ) in switcher
    assert switcher.index("English") < switcher.index('<span aria-hidden="true"> | </span>')


@pytest.fixture
def council_urls():
    set_urlconf(settings.ROOT_URLCONF)
    yield
    set_urlconf(None)


def test_kept_urls_are_what_reverse_answers(council_urls):
    for _ in range(2):  # reversed, then kept
        assert reverse_cached("home") == reverse("home") == "/"
        assert reverse_cached("language", "cy") == "/language/cy/"
        assert reverse_cached("accreditation:manage.application", 7) == reverse(
            "accreditation:manage.application", args=[7]
        )
        assert reverse_cached("accreditation:manage.application", 1234) == (
            f"{reverse('accreditation:manage.application', args=[1234])}"
        )


def test_kept_urls_follow_the_hosts_urlconf(council_urls):
    assert reverse_cached("charters:charter") == "/charter/"

    set_urlconf(settings.PUBLIC_SCHEMA_URLCONF)

    assert reverse_cached("home") == "/"
    with pytest.raises(NoReverseMatch):
        reverse_cached("charters:charter")  # the platform's host has no charter


def test_kept_urls_refuse_what_reverse_refuses(council_urls):
    with pytest.raises(NoReverseMatch):
        reverse_cached("accreditation:manage.application", -1)
    with pytest.raises(NoReverseMatch):
        reverse_cached("accreditation:manage.application", "not-a-number")


def test_kept_urls_follow_the_script_prefix(council_urls):
    assert reverse_cached("home") == "/"
    set_script_prefix("/charters/")
    try:
        assert reverse_cached("home") == "/charters/"
        assert reverse_cached("accreditation:manage.application", 3) == (
            "/charters/manage/applications/3/"
        )
    finally:
        set_script_prefix("/")
    assert reverse_cached("accreditation:manage.application", 3) == "/manage/applications/3/"


# accreditation/_status.html as it was, before it became a filter.
OLD_STATUS_TAG = Template(
    '{% if application.status == "awarded" %}<strong class="govuk-tag govuk-tag--green">'
    "{{ application.status_label }}</strong>"
    '{% elif application.status == "not_awarded" or application.status == "withdrawn" %}'
    '<strong class="govuk-tag govuk-tag--grey">{{ application.status_label }}</strong>'
    '{% elif application.status == "more_info_requested" %}'
    '<strong class="govuk-tag govuk-tag--orange">{{ application.status_label }}</strong>'
    '{% elif application.status == "draft" %}<strong class="govuk-tag govuk-tag--yellow">'
    "{{ application.status_label }}</strong>{% else %}"
    '<strong class="govuk-tag govuk-tag--blue">{{ application.status_label }}</strong>{% endif %}'
)
STATUS_TAG = Template("{% load application_tags %}{{ application|application_status_tag }}")


@pytest.mark.parametrize("status", ApplicationStatus.values)
def test_status_tag_is_the_old_include_markup(status):
    context = Context({"application": Application(status=status)})

    assert STATUS_TAG.render(context) == OLD_STATUS_TAG.render(context)


def test_kept_static_urls_are_what_static_answers():
    for _ in range(2):  # found, then kept
        assert Template("{% load layout %}{% cached_static 'js/init.mjs' %}").render(
            Context()
        ) == static("js/init.mjs")


def test_navigation_without_a_request_shows_home_unmarked(council_urls):
    rendered = Template("{% load layout %}{% service_navigation %}").render(Context())

    assert rendered == item("/", "Home")
