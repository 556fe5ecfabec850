"""``{{ principle|localized:"title" }}``: a council's text in the page's language (per field)."""

from django import template

from platform_ import languages

register = template.Library()


@register.filter
def localized(obj, fields: str):
    """The first of ``fields`` (comma separated, e.g. "easy_read_text,text") that has words,
    each in the page's language with the English as its fallback."""
    value = ""
    for field in fields.split(","):
        value = languages.localized(obj, field.strip())
        if value:
            return value
    return value


@register.simple_tag
def html_lang() -> str:
    """The ``lang`` of the page: ``cy`` or ``en-GB`` (BCP 47, as screen readers expect)."""
    return "cy" if languages.is_welsh() else "en-GB"
