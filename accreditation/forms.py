from django import forms
from django.utils.translation import gettext_lazy as _

from accreditation.enums import (
    LADDER_HINTS,
    DecisionOutcome,
    EvidenceKind,
    JudgementOutcome,
    LadderRung,
    Recommendation,
)
from accreditation.models import AccreditationSettings, AwardLevel, Criterion, Round
from platform_.form_errors import GovukErrorsMixin

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]


class SettingsForm(forms.ModelForm):
    class Meta:
        model = AccreditationSettings
        fields = [
            "validity_years",
            "requires_pair",
            "requires_lived_experience",
            "max_upload_mb",
            "assessor_capacity",
        ]
        # The models' verbose names, here so they are translated (models stay in English).
        labels = {
            "validity_years": _("How many years an award lasts"),
            "requires_pair": _("Each application needs two assessors"),
            "requires_lived_experience": _("One assessor in each pair brings lived experience"),
            "max_upload_mb": _("Largest file, in MB"),
            "assessor_capacity": _("Most open assessments an assessor holds at once"),
        }

    def clean_max_upload_mb(self):
        value = self.cleaned_data["max_upload_mb"]
        if not 1 <= value <= 200:
            raise forms.ValidationError(_("Choose a limit between 1 and 200 MB."))
        return value


class LevelForm(forms.ModelForm):
    class Meta:
        model = AwardLevel
        fields = ["name", "position", "description"]
        labels = {
            "name": _("Name"),
            "position": _("Order (1 is the first level)"),
            "description": _("Description"),
        }


class CriterionForm(forms.ModelForm):
    # Shown in their own "Welsh (optional)" fieldset (templates/includes/bilingual_form.html).
    WELSH_FIELDS = ("title_cy", "guidance_cy", "good_evidence_cy", "easy_read_guidance_cy")

    class Meta:
        model = Criterion
        fields = [
            "principle",
            "title",
            "guidance",
            "good_evidence",
            "easy_read_guidance",
            "required",
            "levels",
            "title_cy",
            "guidance_cy",
            "good_evidence_cy",
            "easy_read_guidance_cy",
        ]
        labels = {
            "principle": _("Principle"),
            "title": _("Title"),
            "guidance": _("Guidance"),
            "good_evidence": _("Examples of good evidence"),
            "easy_read_guidance": _("Easy read guidance"),
            "required": _("Required"),
            "levels": _("Levels that need this criterion (none ticked: every level)"),
            "title_cy": _("Title (Welsh)"),
            "guidance_cy": _("Guidance (Welsh)"),
            "good_evidence_cy": _("Examples of good evidence (Welsh)"),
            "easy_read_guidance_cy": _("Easy read guidance (Welsh)"),
        }
        widgets = {
            "guidance": forms.Textarea(attrs={"rows": 4}),
            "good_evidence": forms.Textarea(attrs={"rows": 3}),
            "easy_read_guidance": forms.Textarea(attrs={"rows": 3}),
            "levels": forms.CheckboxSelectMultiple,
            "guidance_cy": forms.Textarea(attrs={"rows": 4}),
            "good_evidence_cy": forms.Textarea(attrs={"rows": 3}),
            "easy_read_guidance_cy": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, version, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["principle"].queryset = version.principles.order_by("position")
        self.fields["levels"].queryset = AwardLevel.objects.order_by("position")


class RoundForm(forms.ModelForm):
    opens_on = forms.DateField(
        label=_("Opens on"), input_formats=DATE_FORMATS, help_text=_("For example, 1/2/2027")
    )
    closes_on = forms.DateField(
        label=_("Closes on"), input_formats=DATE_FORMATS, help_text=_("For example, 31/5/2027")
    )
    ceremony_at = forms.DateTimeField(
        label=_("Ceremony date and time"),
        required=False,
        input_formats=["%d/%m/%Y %H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("For example, 5/7/2027 14:00"),
    )

    class Meta:
        model = Round
        fields = ["name", "opens_on", "closes_on", "ceremony_at", "embargoed_until_ceremony"]
        labels = {
            "name": _("Name"),
            "embargoed_until_ceremony": _("Keep awards private until the ceremony"),
        }
        help_texts = {"name": _("For example, Co-production Week 2027")}

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_on"), cleaned.get("closes_on")
        if opens and closes and closes < opens:
            self.add_error("closes_on", _("The round must close on or after the day it opens."))
        if cleaned.get("embargoed_until_ceremony") and not cleaned.get("ceremony_at"):
            self.add_error("ceremony_at", _("Enter the ceremony time, or do not embargo awards."))
        return cleaned


class StartApplicationForm(GovukErrorsMixin, forms.Form):
    required_messages = {
        "round": _("Choose the award round you are applying in."),
        "level_sought": _("Choose the level you are applying for."),
    }

    round = forms.ModelChoiceField(
        queryset=Round.objects.none(),
        label=_("Award round"),
        widget=forms.RadioSelect,
        empty_label=None,
    )
    level_sought = forms.ModelChoiceField(
        queryset=AwardLevel.objects.none(),
        required=False,
        label=_("Level you are applying for"),
        widget=forms.RadioSelect,
        empty_label=None,
    )

    def __init__(self, *args, rounds, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["round"].queryset = Round.objects.filter(pk__in=[r.pk for r in rounds])
        self.fields["level_sought"].queryset = levels
        if levels.count() <= 1:
            del self.fields["level_sought"]


def self_assessment_form_class(principles, existing):
    """A form with a ladder question and a reason for each principle."""
    fields = {}
    required_messages = {}
    for principle in principles:
        required_messages[f"rung_{principle.pk}"] = _(
            "Choose where you are on the ladder for “%(principle)s”."
        ) % {"principle": principle.title}
        required_messages[f"reason_{principle.pk}"] = _(
            "Say why you chose that rung for “%(principle)s”."
        ) % {"principle": principle.title}
        current = existing.get(principle.pk)
        fields[f"rung_{principle.pk}"] = forms.ChoiceField(
            label=principle.title,
            choices=[(r.value, f"{r.label}: {LADDER_HINTS[r]}") for r in LadderRung],
            widget=forms.RadioSelect,
            initial=current.rung if current else None,
            help_text=_("Where are you on the ladder of co-production for this principle?"),
        )
        fields[f"reason_{principle.pk}"] = forms.CharField(
            label=f"Why? ({principle.title})",
            max_length=500,
            initial=current.reason if current else "",
            widget=forms.Textarea(attrs={"rows": 2}),
        )
    return type(
        "SelfAssessmentForm",
        (GovukErrorsMixin, forms.Form),
        {**fields, "required_messages": required_messages},
    )


class EvidenceForm(GovukErrorsMixin, forms.Form):
    required_messages = {
        "kind": _("Choose what kind of evidence it is."),
        "title": _("Give the evidence a short title."),
        "criteria": _("Choose at least one criterion this evidence shows."),
    }

    kind = forms.ChoiceField(
        label=_("What kind of evidence is it?"),
        choices=EvidenceKind.choices,
        widget=forms.RadioSelect,
    )
    title = forms.CharField(label=_("Give it a short title"), max_length=200)
    criteria = forms.ModelMultipleChoiceField(
        queryset=Criterion.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Which criteria does it show?"),
    )
    file = forms.FileField(
        label=_("File"), required=False, help_text=_("PDF, Office document, image, audio or video.")
    )
    url = forms.URLField(label=_("Web page address"), required=False, assume_scheme="https")
    account = forms.CharField(
        label=_("Your written account"), required=False, widget=forms.Textarea(attrs={"rows": 5})
    )
    you_said = forms.CharField(
        label=_("You said: what people told you"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    we_did = forms.CharField(
        label=_("We did: what changed"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    changed_on = forms.DateField(
        label=_("When it changed"),
        required=False,
        input_formats=DATE_FORMATS,
        help_text=_("For example, 14/3/2026"),
    )
    shows_people = forms.BooleanField(
        label=_("This evidence shows children, young people or people who use services"),
        required=False,
    )
    consent_confirmed = forms.BooleanField(
        label=_("They (or their parents or carers) agreed to it being used for this application"),
        required=False,
    )

    def __init__(self, *args, criteria, max_mb: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criteria"].queryset = criteria
        self.fields["file"].help_text = _(
            "PDF, Office document, image, audio or video, up to %(size)s MB."
        ) % {"size": max_mb}

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        required = {
            EvidenceKind.FILE: [("file", "Choose a file to upload.")],
            EvidenceKind.LINK: [("url", "Enter the address of the web page.")],
            EvidenceKind.ACCOUNT: [("account", "Write your account of what you did.")],
            EvidenceKind.YOU_SAID_WE_DID: [
                ("you_said", "Say what people told you."),
                ("we_did", "Say what you changed because of it."),
            ],
        }.get(kind, [])
        for name, message in required:
            if not cleaned.get(name):
                self.add_error(name, message)
        if cleaned.get("shows_people") and not cleaned.get("consent_confirmed"):
            self.add_error(
                "consent_confirmed",
                "Confirm that the people shown (or their parents or carers) agreed, or choose "
                "other evidence.",
            )
        return cleaned


class SubmitResponseForm(GovukErrorsMixin, forms.Form):
    required_messages = {"response": "Say what you have changed or added."}

    response = forms.CharField(
        label=_("What have you changed or added?"), widget=forms.Textarea(attrs={"rows": 5})
    )


class WithdrawApplicationForm(GovukErrorsMixin, forms.Form):
    reason = forms.CharField(
        label=_("Why are you withdrawing? (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AssignForm(forms.Form):
    assessor = forms.ModelChoiceField(queryset=None, label=_("Assessor"))

    def __init__(self, *args, assessors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = assessors
        self.fields["assessor"].label_from_instance = lambda user: (
            f"{user.get_full_name()}{' (lived experience)' if user.has_lived_experience else ''}"
        )


class ConflictForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label=_("Do you have a conflict of interest with this organisation?"),
        choices=[("no", "No"), ("yes", "Yes")],
        widget=forms.RadioSelect,
        coerce=lambda value: value == "yes",
        help_text=_("For example, you work there, a family member does, or you use its service."),
    )
    details = forms.CharField(
        label=_("If yes, what is it?"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


def judgement_form_class(criteria, existing):
    fields = {}
    for criterion in criteria:
        current = existing.get(criterion.pk)
        fields[f"outcome_{criterion.pk}"] = forms.ChoiceField(
            label=criterion.title,
            choices=JudgementOutcome.choices,
            widget=forms.RadioSelect,
            required=False,
            initial=current.outcome if current else None,
        )
        fields[f"comment_{criterion.pk}"] = forms.CharField(
            label=f"Comment on “{criterion.title}”",
            required=False,
            initial=current.comment if current else "",
            widget=forms.Textarea(attrs={"rows": 2}),
        )
    return type("JudgementForm", (forms.Form,), fields)


class RecommendationForm(forms.Form):
    recommendation = forms.ChoiceField(
        label=_("Your recommendation"), choices=Recommendation.choices, widget=forms.RadioSelect
    )
    reason = forms.CharField(label=_("Your reasons"), widget=forms.Textarea(attrs={"rows": 4}))


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"), choices=DecisionOutcome.choices, widget=forms.RadioSelect
    )
    level = forms.ModelChoiceField(
        queryset=AwardLevel.objects.none(),
        required=False,
        label=_("Level awarded"),
        empty_label=None,
    )
    reasons = forms.CharField(
        label=_("Reasons (the applicant reads these)"), widget=forms.Textarea(attrs={"rows": 5})
    )

    def __init__(self, *args, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].queryset = levels
        if levels.count() <= 1:
            del self.fields["level"]


class RevokeAwardForm(forms.Form):
    prefix = "revoke"
    reason = forms.CharField(
        label=_("Why is Charter Status being taken away? (the organisation reads this)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Give the reason for revoking."},
    )


class ReissueAwardForm(forms.Form):
    prefix = "reissue"
    reason = forms.CharField(
        label=_("What was corrected?"),
        help_text=_("The certificate gets a new number and a new code to check it."),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Say what was corrected."},
    )


class CertificateLookupForm(GovukErrorsMixin, forms.Form):
    number = forms.CharField(
        label=_("Certificate number"),
        help_text=_("It is on the certificate, for example WOLV-2027-0042."),
        max_length=40,
        error_messages={"required": "Enter the certificate number."},
    )


class ConcernForm(GovukErrorsMixin, forms.Form):
    details = forms.CharField(
        label=_("What is your concern?"),
        help_text=_("Tell us what you saw or heard. Do not include anyone else's private details."),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=2000,
        error_messages={
            "required": _("Tell us what your concern is."),
            "max_length": (
                "Your concern must be 2,000 characters or fewer. Shorten it and try again."
            ),
        },
    )
    contact_email = forms.EmailField(
        label=_("Your email address (optional)"),
        help_text=_("Only if you want us to be able to ask you about it."),
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.com."},
    )


class ConcernDecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Note"),
        help_text=_("What you found and why you decided this. Only council officers see it."),
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=4000,
        error_messages={"required": "Write a note saying why you are closing this concern"},
    )

    def __init__(self, *args, note_required: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].required = note_required
