"""``{{ principle|localized:"title" }}``: a council's text in the page's language (per field)."""

from django import template

from platform_ import languages

register = template.Library()


@register.filter
def localized(obj, field: str):
    return languages.localized(obj, field)


@register.simple_tag
def html_lang() -> str:
    """The ``lang`` of the page: ``cy`` or ``en-GB`` (BCP 47, as screen readers expect)."""
    return "cy" if languages.is_welsh() else "en-GB"
