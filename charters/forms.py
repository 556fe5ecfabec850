from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from charters.enums import OrganisationKind
from charters.models import CharterVersion, Organisation, Pledge, Principle, Signature
from charters.validators import normalise_postcode
from platform_.form_errors import GovukErrorsMixin

PICTURE_MAX_BYTES = 2 * 1024 * 1024
PICTURE_SIGNATURES = (b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")


class DraftForm(forms.Form):
    title = forms.CharField(max_length=200)
    introduction = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}))
    easy_read_introduction = forms.CharField(
        label=_("Easy read introduction"),
        required=False,
        help_text=_("Short sentences and everyday words."),
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    # Welsh (optional): shown on Welsh pages, each falling back to the English when empty.
    title_cy = forms.CharField(label=_("Title in Welsh"), max_length=200, required=False)
    introduction_cy = forms.CharField(
        label=_("Introduction in Welsh"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    easy_read_introduction_cy = forms.CharField(
        label=_("Easy read introduction in Welsh"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    WELSH_FIELDS = ("title_cy", "introduction_cy", "easy_read_introduction_cy")
    co_writers = forms.CharField(
        label=_("Who wrote it with you"),
        required=False,
        help_text=(
            "One person or group on each line, for example: Parent Carer Forum. "
            f"Up to {CharterVersion.MAX_CO_WRITERS}."
        ),
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def clean_co_writers(self) -> list[str]:
        lines = self.cleaned_data["co_writers"].splitlines()
        names = [line.strip() for line in lines if line.strip()]
        longest = CharterVersion._meta.get_field("co_writers").base_field.max_length
        if len(names) > CharterVersion.MAX_CO_WRITERS:
            raise forms.ValidationError(
                f"List up to {CharterVersion.MAX_CO_WRITERS} people or groups."
            )
        if any(len(name) > longest for name in names):
            raise forms.ValidationError(f"Each name must be {longest} characters or fewer.")
        return names


class PrincipleForm(forms.ModelForm):
    WELSH_FIELDS = ("title_cy", "text_cy", "easy_read_text_cy", "picture_alt_cy")

    class Meta:
        model = Principle
        fields = [
            "title",
            "text",
            "easy_read_text",
            "picture",
            "picture_alt",
            "title_cy",
            "text_cy",
            "easy_read_text_cy",
            "picture_alt_cy",
        ]
        labels = {
            "title": _("Title"),
            "text": _("What it means"),
            "easy_read_text": _("Easy read version"),
            "picture": _("Picture for the easy read version (optional)"),
            "picture_alt": _("Describe the picture"),
            "title_cy": _("Title in Welsh"),
            "text_cy": _("What it means, in Welsh"),
            "easy_read_text_cy": _("Easy read version in Welsh"),
            "picture_alt_cy": _("Describe the picture in Welsh"),
        }
        help_texts = {
            "easy_read_text": _("Short sentences and everyday words."),
            "picture": _("A PNG or JPEG image, up to 2 MB."),
            "picture_alt": _("Say what the picture shows, for people who cannot see it."),
        }
        widgets = {
            "text": forms.Textarea(attrs={"rows": 4}),
            "easy_read_text": forms.Textarea(attrs={"rows": 3}),
            "text_cy": forms.Textarea(attrs={"rows": 4}),
            "easy_read_text_cy": forms.Textarea(attrs={"rows": 3}),
        }

    def clean_picture(self):
        picture = self.cleaned_data.get("picture")
        if picture and hasattr(picture, "content_type"):  # a new upload
            if picture.size > PICTURE_MAX_BYTES:
                raise forms.ValidationError(_("The picture must be 2 MB or smaller."))
            head = picture.read(8)
            picture.seek(0)
            if not head.startswith(PICTURE_SIGNATURES):
                raise forms.ValidationError(_("The picture must be a PNG or JPEG image."))
        return picture

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("picture") and not cleaned.get("picture_alt"):
            self.add_error("picture_alt", _("Describe the picture, for people who cannot see it."))
        return cleaned


class OrganisationForm(GovukErrorsMixin, forms.ModelForm):
    required_messages = {
        "name": _("Enter your organisation's name."),
        "kind": _("Choose what kind of organisation it is."),
        "address_line_1": _("Enter the first line of the address."),
        "town": _("Enter the town or city."),
        "postcode": _("Enter the postcode, like WV1 1RE."),
    }

    # A website typed without a scheme ("oakfield.sch.uk") is taken as https.
    website = forms.URLField(required=False, assume_scheme="https", max_length=200)
    confirmed_different = forms.BooleanField(
        required=False, widget=forms.HiddenInput, initial=False
    )

    class Meta:
        model = Organisation
        fields = Organisation.DETAIL_FIELDS
        labels = {
            "name": _("Organisation name"),
            "kind": _("What kind of organisation is it?"),
            "address_line_1": _("Address line 1"),
            "address_line_2": _("Address line 2"),
            "town": _("Town or city"),
            "postcode": _("Postcode"),
            "area": _("Area or neighbourhood"),
            "school_urn": _("School URN"),
            "charity_number": _("Charity number"),
        }
        # The model's own message says what a URN is; the form's says what to do.
        error_messages = {
            "school_urn": {
                "invalid": _("Enter the school's 6-digit URN, like 104321, or leave it empty.")
            }
        }
        help_texts = {
            "school_urn": _("Schools only: the 6-digit unique reference number."),
            "charity_number": _("Charities only."),
            "area": _("For example, the ward or neighbourhood you serve."),
        }
        widgets = {
            "kind": forms.RadioSelect(choices=OrganisationKind.choices),
            "postcode": forms.TextInput(
                attrs={"autocomplete": "postal-code", "class": "govuk-input--width-10"}
            ),
            "address_line_1": forms.TextInput(attrs={"autocomplete": "address-line1"}),
            "address_line_2": forms.TextInput(attrs={"autocomplete": "address-line2"}),
            "town": forms.TextInput(attrs={"autocomplete": "address-level2"}),
        }

    def clean_postcode(self) -> str:
        return normalise_postcode(self.cleaned_data["postcode"])

    def clean_charity_number(self) -> str:
        return self.cleaned_data["charity_number"].upper().replace(" ", "")


class SignatureForm(GovukErrorsMixin, forms.Form):
    required_messages = {
        "signatory_name": _("Enter the name of the person signing."),
        "signatory_job_title": _("Enter their job title."),
        "commitment": _("Write a few sentences about what your organisation will do."),
    }

    signatory_name = forms.CharField(
        label=_("Name of the person signing"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    signatory_job_title = forms.CharField(label=_("Their job title"), max_length=150)
    commitment = forms.CharField(
        label=_("Your commitment"),
        help_text=_("In a few sentences, what will your organisation do to live this charter?"),
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    consent_to_publish = forms.BooleanField(
        label=_("Show our organisation on the public register of signatories"),
        required=False,
        initial=True,
    )


class PledgeForm(GovukErrorsMixin, forms.Form):
    text = forms.CharField(
        label=_("Pledge"), max_length=Pledge._meta.get_field("text").max_length, required=False
    )
    target_date = forms.DateField(
        label=_("Target date"),
        required=False,
        help_text=_("For example, 31/7/2027"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
    )

    def clean(self):
        cleaned = super().clean()
        text, target = cleaned.get("text"), cleaned.get("target_date")
        if text and not target and "target_date" not in self.errors:
            self.add_error("target_date", _("Enter a target date for this pledge."))
        if target and not text:
            self.add_error("text", _("Enter the pledge, or remove its date."))
        if target and target < timezone.localdate():
            self.add_error("target_date", _("Enter a target date that is today or in the future."))
        return cleaned


class BasePledgeFormSet(forms.BaseFormSet):
    default_error_messages = {
        **forms.BaseFormSet.default_error_messages,
        "too_many_forms": "You can make up to %(num)d pledges. Remove some and try again.",
    }


# validate_max and absolute_max: the page shows at most MAX_PLEDGES, and a crafted POST with more
# forms is refused rather than stored (DESIGN section 13).
PledgeFormSet = forms.formset_factory(
    PledgeForm,
    formset=BasePledgeFormSet,
    extra=3,
    max_num=Signature.MAX_PLEDGES,
    validate_max=True,
    absolute_max=Signature.MAX_PLEDGES,
)


class WithdrawForm(GovukErrorsMixin, forms.Form):
    required_messages = {"reason": "Say why your organisation is withdrawing."}

    reason = forms.CharField(
        label=_("Why is your organisation withdrawing?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The council sees this; it is not shown publicly."),
    )


class InviteMemberForm(GovukErrorsMixin, forms.Form):
    required_messages = {"email": "Enter your colleague's email address."}

    email = forms.EmailField(label=_("Email address"))


class PledgeMetForm(GovukErrorsMixin, forms.Form):
    required_messages = {"met_on": "Enter the date the pledge was met."}

    met_on = forms.DateField(
        label=_("Date met"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        help_text=_("For example, 14/3/2027"),
    )


class RegisterSearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name or town"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind of organisation"),
        required=False,
        choices=[("", _("All kinds")), *OrganisationKind.choices],
    )
    area = forms.ChoiceField(label=_("Area"), required=False, choices=[("", _("All areas"))])
    holders = forms.BooleanField(label=_("Charter Status holders only"), required=False)
    level = forms.ChoiceField(label=_("Charter Status level"), required=False, choices=[])

    def __init__(
        self, *args, areas: list[str], levels: list[tuple[str, str]] | None = None, **kwargs
    ):
        super().__init__(*args, **kwargs)
        self.fields["area"].choices = [("", _("All areas")), *((a, a) for a in areas)]
        self.fields["level"].choices = [("", _("Any level")), *(levels or [])]
