"""``{{ application|application_status_tag }}``: an application's state as a GOV.UK tag.

A filter, not an include: the officers' list shows one per row, and an include per row cost more
than the rest of the row (accreditation/_status.html is this filter, for the pages that show one).
"""

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from accreditation.enums import ApplicationStatus

register = template.Library()

# The tag's colour for each state; blue for the rest (submitted, in assessment, assessed).
_COLOURS = {
    ApplicationStatus.AWARDED: "green",
    ApplicationStatus.NOT_AWARDED: "grey",
    ApplicationStatus.WITHDRAWN: "grey",
    ApplicationStatus.MORE_INFO_REQUESTED: "orange",
    ApplicationStatus.DRAFT: "yellow",
}


@register.filter
def application_status_tag(application) -> SafeString:
    colour = _COLOURS.get(application.status, "blue")
    label = escape(application.status_label)
    return mark_safe(f'<strong class="govuk-tag govuk-tag--{colour}">{label}</strong>')  # noqa: S308 -- escaped
