from django import forms

from platform_.domain_events import DomainEvent


class EndpointForm(forms.Form):
    url = forms.URLField(
        label="Endpoint URL",
        max_length=500,
        assume_scheme="https",
        help_text="The address on your system that will receive the events, starting https://",
        widget=forms.URLInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    description = forms.CharField(
        label="Description (optional)",
        max_length=200,
        required=False,
        help_text="For example, which system this is and who looks after it.",
    )
    events = forms.MultipleChoiceField(
        label="Events to send",
        choices=DomainEvent.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one event to send."},
    )
