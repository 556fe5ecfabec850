from django import forms
from django.contrib.auth import password_validation
from django.utils.translation import gettext_lazy as _

from platform_.accounts.enums import Role
from platform_.accounts.models import User


class SignupDetailsForm(forms.Form):
    """Extra fields on allauth's sign-up form (ACCOUNT_SIGNUP_FORM_CLASS)."""

    full_name = forms.CharField(
        label=_("Full name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )

    def signup(self, request, user) -> None:
        user.full_name = self.cleaned_data["full_name"]
        user.save(update_fields=["full_name"])


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address"),
        widget=forms.EmailInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Role.choices,
        widget=forms.RadioSelect,
        help_text=_("Council officers run the council's CoCharter; assessors review evidence."),
    )
    has_lived_experience = forms.BooleanField(
        label=_("This assessor brings lived experience of the services being assessed"),
        required=False,
    )


class AcceptInvitationForm(forms.Form):
    full_name = forms.CharField(
        label=_("Full name"), max_length=150, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    password1 = forms.CharField(
        label=_("Create a password"),
        help_text=_("At least 10 characters. A few words strung together are easy to remember."),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password2 = forms.CharField(
        label=_("Confirm your password"),
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args, email: str, **kwargs):
        self.email = email
        super().__init__(*args, **kwargs)

    def clean(self):
        cleaned = super().clean()
        first, second = cleaned.get("password1"), cleaned.get("password2")
        if first and second and first != second:
            self.add_error("password2", _("The passwords do not match."))
        elif first:
            try:
                password_validation.validate_password(first, User(email=self.email))
            except forms.ValidationError as error:
                self.add_error("password1", error)
        return cleaned


class SignInRulesForm(forms.Form):
    """The council's sign-in rules for officers and assessors (/manage/sign-in/)."""

    staff_must_use_2fa = forms.BooleanField(
        label=_("Officers and assessors must use two-step sign-in"),
        help_text=_(
            "Each time they sign in, they type a code from an app on their phone as well as "
            "their password. Anyone who has not set it up is asked to, and cannot use the "
            "officers' or assessors' pages until they have."
        ),
        required=False,
    )
