from django import forms
from django.utils.translation import gettext_lazy as _

from platform_.accounts.sso import DiscoveryError, fetch_openid_configuration


class SSOSettingsForm(forms.Form):
    issuer = forms.URLField(
        label=_("Issuer URL"),
        max_length=500,
        assume_scheme="https",
        help_text=_(
            "Microsoft Entra ID: https://login.microsoftonline.com/ followed by your directory "
            "(tenant) ID and /v2.0. "
            "Google Workspace: https://accounts.google.com."
        ),
        widget=forms.URLInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    client_id = forms.CharField(
        label=_("Client ID"),
        max_length=191,
        help_text=_("Entra ID calls it the application (client) ID."),
        widget=forms.TextInput(attrs={"spellcheck": "false", "autocomplete": "off"}),
    )
    client_secret = forms.CharField(
        label=_("Client secret"),
        max_length=500,
        required=False,
        strip=True,
        # Write-only: never rendered back, so it cannot be read off the page.
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    button_label = forms.CharField(
        label=_("Button label"),
        max_length=40,
        help_text=_("What the button on the sign-in page says."),
    )
    enabled = forms.BooleanField(
        label=_("Show the button and let people sign in with the council's accounts"),
        required=False,
    )
    staff_must_use_sso = forms.BooleanField(
        label=_("Officers and assessors must sign in with the council's accounts"),
        help_text=_("They can no longer sign in with a password. Organisation members still can."),
        required=False,
    )

    def __init__(self, *args, has_secret: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.has_secret = has_secret
        self.metadata: dict = {}
        self.fields["client_secret"].help_text = (
            _("A secret is saved. Leave this empty to keep it, or enter a new one.")
            if has_secret
            else _("Shown once by your provider when you create it.")
        )

    def clean_issuer(self) -> str:
        issuer = self.cleaned_data["issuer"]
        try:
            self.metadata = fetch_openid_configuration(issuer)
        except DiscoveryError as error:
            raise forms.ValidationError(str(error)) from error
        return issuer

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("client_secret") and not self.has_secret:
            self.add_error("client_secret", _("Enter the client secret"))
        return cleaned
