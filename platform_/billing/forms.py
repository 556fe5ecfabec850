"""The council sign up form: every rule the subdomain must meet, checked before Stripe is asked."""

from __future__ import annotations

from django import forms

from platform_.billing.services.signups import (
    SUBDOMAIN_RULES,
    normalise_slug,
    offered_plans,
    subdomain_problem,
)
from tenants.enums import TenantKind
from tenants.models import Plan


class PlanChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, plan: Plan) -> str:
        return plan.name


class SignupForm(forms.Form):
    council_name = forms.CharField(
        label="Name of your council or board",
        max_length=200,
        help_text="As people know it, for example Wolverhampton City Council.",
        error_messages={
            "required": "Enter the name of your council or board",
            "max_length": "Name must be 200 characters or fewer",
        },
    )
    kind = forms.ChoiceField(
        label="What kind of organisation is it?",
        choices=TenantKind.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select what kind of organisation it is"},
    )
    slug = forms.CharField(
        label="Your site's address",
        max_length=40,
        help_text="Lower-case letters, numbers and hyphens, for example wolverhampton.",
        error_messages={
            "required": "Enter the subdomain you want for your site",
            "max_length": SUBDOMAIN_RULES,
        },
    )
    officer_name = forms.CharField(
        label="Your full name",
        max_length=200,
        help_text=(
            "You will be the first council officer: you can invite others once the site is ready."
        ),
        error_messages={
            "required": "Enter your full name",
            "max_length": "Your name must be 200 characters or fewer",
        },
    )
    officer_email = forms.EmailField(
        label="Your work email address",
        help_text="We will send the invitation to your new site here.",
        error_messages={
            "required": "Enter your work email address",
            "invalid": "Enter an email address in the correct format, like name@council.gov.uk",
        },
    )
    plan = PlanChoiceField(
        label="Choose a plan",
        queryset=Plan.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={
            "required": "Select a plan",
            "invalid_choice": "Select one of the plans shown",
        },
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Only plans that can be charged: a plan without a Stripe price cannot be chosen.
        self.fields["plan"].queryset = offered_plans()

    def clean_slug(self) -> str:
        slug = normalise_slug(self.cleaned_data["slug"])
        problem = subdomain_problem(slug)
        if problem:
            raise forms.ValidationError(problem)
        return slug

    def clean_council_name(self) -> str:
        return self.cleaned_data["council_name"].strip()

    def clean_officer_email(self) -> str:
        return self.cleaned_data["officer_email"].strip().lower()
