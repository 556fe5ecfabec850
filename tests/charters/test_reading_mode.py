"""The easy read / standard switch: one control on every public page with easy read content,
remembered in a cookie per host, part of every whole-page cache key."""

import re

import pytest

from charters import reading_mode

SWITCH = re.compile(
    r'<nav class="app-reading-mode[^"]*" aria-label="Easy read or standard">(.*?)</nav>', re.S
)


def switch_of(response) -> str:
    found = SWITCH.findall(response.content.decode())
    assert len(found) == 1, "exactly one switch on the page"
    return found[0]


def choose(client, mode: str, next_path: str):
    return client.get(f"/reading-mode/{mode}/", {"next": next_path})


def test_choosing_easy_read_sets_a_host_cookie_for_a_year_and_goes_back(client_a):
    response = choose(client_a, "easy-read", "/charter/")

    assert response.status_code == 302
    assert response["Location"] == "/charter/"
    cookie = response.cookies[reading_mode.COOKIE_NAME]
    assert cookie.value == "easy-read"
    assert cookie["max-age"] == 365 * 24 * 60 * 60
    assert cookie["domain"] == ""  # this council's host only
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example/",
        "charter/",
        "",
        "/\nSet-Cookie: x=1",
    ],
)
def test_the_switch_goes_back_only_to_this_site(client_a, target):
    assert choose(client_a, "standard", target)["Location"] == "/charter/"


def test_the_charter_shows_the_remembered_choice(client_a, published_a):
    standard = client_a.get("/charter/")
    assert (
        "We work together as equals. Your ideas matter as much as ours."
        not in standard.content.decode()
    )
    assert '<strong aria-current="true">Standard' in switch_of(standard)
    assert 'href="/charter/easy-read/">Easy read</a>' in switch_of(standard)

    choose(client_a, "easy-read", "/charter/")
    easy = client_a.get("/charter/")

    html = easy.content.decode()
    assert "We work together as equals. Your ideas matter as much as ours." in html
    assert "<title>Easy read: Our co-production charter" in html
    assert '<strong aria-current="true">Easy read' in switch_of(easy)
    assert 'href="/reading-mode/standard/?next=/charter/">Standard</a>' in switch_of(easy)
    assert easy["Vary"] == "Cookie, Accept-Language"

    choose(client_a, "standard", "/charter/")
    assert "We work together as equals." not in client_a.get("/charter/").content.decode()


def test_the_easy_read_address_still_works_and_remembers_the_choice(client_a, published_a):
    response = client_a.get("/charter/easy-read/")

    assert response.status_code == 200
    assert "We work together as equals." in response.content.decode()
    assert response.cookies[reading_mode.COOKIE_NAME].value == "easy-read"
    assert "We work together as equals." in client_a.get("/charter/").content.decode()


def test_an_unknown_cookie_value_reads_as_standard(client_a, published_a):
    client_a.cookies[reading_mode.COOKIE_NAME] = "<script>"
    html = client_a.get("/charter/").content.decode()
    assert "We work together as equals." not in html


def test_the_home_page_and_the_being_written_page_offer_the_switch(client_a):
    choose(client_a, "easy-read", "/")
    home = client_a.get("/")
    assert '<strong aria-current="true">Easy read' in switch_of(home)
    assert "Our charter is our promise. We will work with you and your family as equals." in (
        home.content.decode()
    )
    assert home["Vary"] == "Cookie, Accept-Language"

    being_written = client_a.get("/charter/")
    assert "The charter is not ready yet." in being_written.content.decode()
    assert '<strong aria-current="true">Easy read' in switch_of(being_written)
