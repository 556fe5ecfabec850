"""The layout every page shares (base.html, templates/includes/), made cheap to render.

Every page draws the same header, service navigation, language links and footer, so their cost
is paid on every request that is not served from a cache: with ``{% url %}`` at about 16 µs a
tag (ten or more a page), an ``{% include ... with %}`` per navigation item and three
permission checks through ``perms``, that chrome was a quarter of a signed-in page's rendering.

- ``{% cached_static %}`` is ``{% static %}`` with the answer kept for the process.
- ``{% cached_url %}`` is ``{% url %}`` with the answer kept for the process. What ``reverse``
  answers depends only on the URLconf (per request: the council's or the platform's,
  ``request.urlconf``), the script prefix, the language (translated patterns), the name and the
  arguments, so the kept answer is keyed by all of them. Whole-number arguments (primary keys)
  are put into a pattern reversed once, so a list's per-row links cost a string join; other
  arguments are kept by value, a bounded number of them.
- ``{% service_navigation %}`` builds the navigation's items in Python: each permission asked
  once, each link reversed once per process, the current page marked as ``_nav_item.html``
  marked it.
- ``{% language_links %}`` builds the language switcher's links.

The markup is the same as the templates these replaced (tests/platform_/test_layout.py).
"""

from __future__ import annotations

from functools import lru_cache
from urllib.parse import quote

from django import template
from django.conf import settings
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.templatetags.static import static
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language, gettext, gettext_noop

register = template.Library()

# Two numbers no URL holds by chance, put into a pattern to find where arguments go; the second
# proves the first's placement (a converter that is not plain digits fails the check and is
# reversed every time instead).
_PROBES = (918_273_645, 192_837_465)

# (urlconf, script prefix, language, view name, argument count) -> the URL's pieces around its
# whole-number arguments, or None where the pattern cannot be reused.
_patterns: dict[tuple, tuple[str, ...] | None] = {}


def _key(viewname: str, extra) -> tuple:
    return (
        get_urlconf() or settings.ROOT_URLCONF,
        get_script_prefix(),
        get_language(),
        viewname,
        extra,
    )


@lru_cache(maxsize=512)
def _reverse_kept(key: tuple) -> str:
    urlconf, _prefix, _language, viewname, args = key
    return reverse(viewname, urlconf=urlconf, args=args)


def _pieces(key: tuple) -> tuple[str, ...] | None:
    """The URL cut around its arguments (``("/manage/applications/", "/")``), found by reversing
    it with probe numbers, and checked with other numbers: None if the pattern does not take
    whole numbers as they are written (a converter of its own), so it is reversed every time."""
    urlconf, _prefix, _language, viewname, count = key
    probes = [_PROBES[0] + n for n in range(count)]
    found: list[str] = []
    rest = reverse(viewname, urlconf=urlconf, args=probes)
    for value in probes:
        head, sep, rest = rest.partition(str(value))
        if not sep or str(value) in rest:
            return None
        found.append(head)
    pieces = (*found, rest)
    checks = [_PROBES[1] + n for n in range(count)]
    if _join(pieces, checks) != reverse(viewname, urlconf=urlconf, args=checks):
        return None
    return pieces


def _join(pieces: tuple[str, ...], args) -> str:
    parts = [pieces[0]]
    for value, piece in zip(args, pieces[1:], strict=True):
        parts.append(str(value))
        parts.append(piece)
    return "".join(parts)


def reverse_cached(viewname: str, *args) -> str:
    """``reverse(viewname, args=args)`` in the current URLconf, kept for the process.

    Whole-number arguments (not booleans, not negative) go into the URL's pattern; any other
    arguments should come from a small fixed set (language codes, names), as each value is kept.
    """
    if args and all(type(arg) is int and arg >= 0 for arg in args):
        key = _key(viewname, len(args))
        try:
            pieces = _patterns[key]
        except KeyError:
            pieces = _patterns[key] = _pieces(key)
        if pieces is not None:
            return _join(pieces, args)
        return reverse(viewname, urlconf=key[0], args=args)
    return _reverse_kept(_key(viewname, args))


# path -> its URL from the static files storage (hashed names in production: fixed for the life
# of the process, as the manifest is read once).
_static_urls: dict[str, str] = {}


@receiver(setting_changed)
def _forget(*, setting, **kwargs) -> None:
    """Tests that change the URLconf, the script prefix or static files get their own URLs."""
    if setting in ("ROOT_URLCONF", "FORCE_SCRIPT_NAME"):
        _patterns.clear()
        _reverse_kept.cache_clear()
    if setting in ("STORAGES", "STATIC_URL", "STATIC_ROOT"):
        _static_urls.clear()


@register.simple_tag
def cached_url(viewname: str, *args) -> str:
    """``{% url %}`` for the layout and long lists: see reverse_cached."""
    return reverse_cached(viewname, *args)


@register.simple_tag
def cached_static(path: str) -> str:
    """``{% static %}`` with the answer kept for the process (about 20 µs a file otherwise)."""
    try:
        return _static_urls[path]
    except KeyError:
        url = _static_urls[path] = static(path)
        return url


# The service navigation: (URL name, label, the permission that shows it), in order. Home is on
# every host; the rest only on a council's site, the last three only to those holding the
# permission. The labels are the msgids the templates used, so their translations still apply.
_HOME = ("home", gettext_noop("Home"))
_COUNCIL_ITEMS = (
    ("charters:charter", gettext_noop("Our charter"), None),
    ("charters:register", gettext_noop("Who has signed"), None),
    ("manage", gettext_noop("Manage"), "tenant.manage"),
    ("accreditation:assess.queue", gettext_noop("Assess"), "tenant.assess"),
    ("charters:org.hub", gettext_noop("Your organisation"), "tenant.use_organisation_area"),
)
_ITEM_SEPARATOR = "\n          "


def _nav_item(href: str, label: str, current: str) -> str:
    """One item as GOV.UK's service navigation marks it; the current page's item is marked
    ``aria-current="page"`` with a bold fallback. Translations are not escaped, as Django's
    ``{% translate %}`` of a literal does not escape them."""
    if href == current:
        return (
            '<li class="govuk-service-navigation__item govuk-service-navigation__item--active">'
            f'<a class="govuk-service-navigation__link" href="{escape(href)}" aria-current="page">'
            f'<strong class="govuk-service-navigation__active-fallback">{label}</strong></a></li>'
        )
    return (
        '<li class="govuk-service-navigation__item">'
        f'<a class="govuk-service-navigation__link" href="{escape(href)}">{label}</a></li>'
    )


@register.simple_tag(takes_context=True)
def service_navigation(context) -> SafeString:
    """The navigation's ``<li>`` items for this page and this person.

    The current page is the item whose address is the request's path. Manage, Assess and Your
    organisation ask ``user.has_perm`` (every auth backend, as ``perms`` did), only for someone
    signed in: none passes for someone signed out.
    """
    request = context.get("request")
    current = request.path if request is not None else ""
    items = [_nav_item(reverse_cached(_HOME[0]), gettext(_HOME[1]), current)]
    if context.get("tenant"):
        user = context.get("user")
        signed_in = user is not None and user.is_authenticated
        for viewname, label, permission in _COUNCIL_ITEMS:
            if permission is None or (signed_in and user.has_perm(permission)):
                items.append(_nav_item(reverse_cached(viewname), gettext(label), current))
    return mark_safe(_ITEM_SEPARATOR.join(items))  # noqa: S308 -- built from escaped values


def _lang(code: str) -> str:
    """The BCP 47 tag of one of settings.LANGUAGES, as the page's ``lang`` (html_lang) says it."""
    return "cy" if code == "cy" else "en-GB"


@register.simple_tag(takes_context=True)
def language_links(context) -> SafeString:
    """The language switcher's entries: the language being read as text (``aria-current``),
    each other as a link that changes to it and comes back to this page."""
    request = context.get("request")
    back = escape(quote(request.get_full_path(), safe="/")) if request is not None else ""
    current = get_language()
    entries = []
    for code, name in settings.LANGUAGES:
        lang = _lang(code)
        if code == current:
            entries.append(
                f'<span class="govuk-!-font-weight-bold" lang="{lang}" aria-current="true">'
                f"{escape(gettext(name))}</span>"
            )
            continue
        if code == "cy":
            hint, words = gettext("Newid yr iaith:"), gettext("Cymraeg")
        else:
            hint, words = gettext("Change the language to"), gettext("English")
        href = escape(reverse_cached("language", code))
        entries.append(
            f'<a class="govuk-link" href="{href}?next={back}" hreflang="{lang}" lang="{lang}"'
            f' rel="alternate"><span class="govuk-visually-hidden">{hint} </span>{words}</a>'
        )
    return mark_safe('\n  <span aria-hidden="true"> | </span>\n  '.join(entries))  # noqa: S308 -- escaped values
