"""What council officers change about their council itself."""

from django import forms
from django.utils.translation import gettext_lazy as _


class ContactEmailForm(forms.Form):
    contact_email = forms.EmailField(
        label=_("Contact email address"),
        help_text=_(
            "People who use your charter pages, organisations and assessors see this address "
            "wherever we say to contact the council. Use a shared inbox that more than one "
            "person reads."
        ),
        error_messages={
            "required": _("Enter a contact email address for the council"),
            "invalid": _(
                "Enter an email address in the correct format, like charter@council.gov.uk"
            ),
        },
    )
