"""The emails the Charter Status workflow owes people, written to the outbox in the caller's
transaction (a leaf module; services call it).

Each email goes to one person, with the link that person can open: applicants get their
application page, officers the management page, assessors their assignment.
"""

from __future__ import annotations

from datetime import date

from django.db import connection
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from accreditation.models import (
    Application,
    Assignment,
    Award,
    Concern,
    Decision,
    MoreInfoRequest,
)
from charters.emails import lead_emails
from charters.selectors import is_on_register
from platform_.accounts.selectors import officer_emails
from platform_.languages import lazy_interpolate
from platform_.outbox.services import queue_email


def _application_url(application: Application) -> str:
    return connection.tenant.build_url(
        reverse(
            "accreditation:application.detail",
            args=[application.organisation.slug, application.pk],
        )
    )


def _manage_url(application: Application) -> str:
    return connection.tenant.build_url(
        reverse("accreditation:manage.application", args=[application.pk])
    )


def _assignment_url(assignment: Assignment) -> str:
    return connection.tenant.build_url(
        reverse("accreditation:assess.assignment", args=[assignment.pk])
    )


def _to_each(
    recipients: list[str], *, subject: str, template: str, dedup_key: str = "", **context
) -> int:
    """One email per recipient; returns how many were newly owed (a dedup_key may skip some)."""
    queued = 0
    for email in recipients:
        queued += bool(
            queue_email(
                email, subject=subject, template=template, context=context, dedup_key=dedup_key
            )
        )
    return queued


def _in_days(days_left: int) -> str:
    """ "today", "in 1 day", "in 5 days": how far off a date is, in words for a subject line."""
    if days_left == 0:
        return _("today")
    return lazy_interpolate(
        ngettext_lazy("in %(count)d day", "in %(count)d days", days_left), count=days_left
    )


def _to_leads(application: Application, **message) -> int:
    return _to_each(
        lead_emails(application.organisation),
        application=application,
        application_url=_application_url(application),
        **message,
    )


def _to_officers(application: Application, **message) -> int:
    return _to_each(
        officer_emails(),
        application=application,
        manage_url=_manage_url(application),
        **message,
    )


def application_submitted(application: Application) -> None:
    organisation = application.organisation.name
    _to_leads(
        application,
        subject=lazy_interpolate(
            _("Application for Charter Status submitted: %(organisation)s"),
            organisation=organisation,
        ),
        template="accreditation/email/submitted_applicant.txt",
    )
    _to_officers(
        application,
        subject=lazy_interpolate(
            _("New application for Charter Status: %(organisation)s"),
            organisation=organisation,
        ),
        template="accreditation/email/submitted_officer.txt",
    )


def assessment_started(application: Application) -> int:
    """The promise of the "submitted" email kept: each lead hears when assessors start, once
    per application (a later move back into assessment, after more information, is not news
    to them). Returns how many leads were newly told."""
    return _to_leads(
        application,
        subject=lazy_interpolate(
            _("Assessors have started looking at %(organisation)s's application"),
            organisation=application.organisation.name,
        ),
        template="accreditation/email/assessment_started.txt",
        dedup_key=f"accreditation.assessment_started:{application.pk}",
    )


def application_resubmitted(application: Application, request: MoreInfoRequest | None) -> None:
    subject = lazy_interpolate(
        _("%(organisation)s has sent more information"),
        organisation=application.organisation.name,
    )
    assignments = application.assignments.filter(
        has_conflict=False, assessor__is_active=True
    ).select_related("assessor")
    for assignment in assignments:
        queue_email(
            assignment.assessor.email,
            subject=subject,
            template="accreditation/email/resubmitted_assessor.txt",
            context={
                "application": application,
                "info_request": request,
                "assessor": assignment.assessor,
                "assignment_url": _assignment_url(assignment),
            },
        )
    _to_officers(
        application,
        subject=subject,
        template="accreditation/email/resubmitted_officer.txt",
        info_request=request,
    )


def assessor_assigned(assignment: Assignment) -> None:
    application = assignment.application
    queue_email(
        assignment.assessor.email,
        subject=lazy_interpolate(
            _("Please assess %(organisation)s's application"),
            organisation=application.organisation.name,
        ),
        template="accreditation/email/assigned.txt",
        context={
            "application": application,
            "assessor": assignment.assessor,
            "assignment_url": _assignment_url(assignment),
        },
    )


def more_information_requested(application: Application, request: MoreInfoRequest) -> None:
    _to_leads(
        application,
        subject=_("More information needed for your application"),
        template="accreditation/email/more_info_requested.txt",
        info_request=request,
    )


def application_decided(application: Application, decision: Decision) -> None:
    _to_leads(
        application,
        subject=lazy_interpolate(
            _("A decision on %(organisation)s's application for Charter Status"),
            organisation=application.organisation.name,
        ),
        template="accreditation/email/decided.txt",
        decision=decision,
    )


def deadline_reminder(
    application: Application, *, threshold: int, days_left: int, closes_on: date
) -> int:
    """Once per application, deadline and reminder (``threshold``: 7 or 1 days before); the
    daily task may rerun. Returns how many leads were newly reminded."""
    when = _in_days(days_left)
    return _to_leads(
        application,
        subject=lazy_interpolate(
            _("%(round)s closes %(when)s: finish your application"),
            round=application.round.name,
            when=when,
        ),
        template="accreditation/email/deadline_reminder.txt",
        when=when,
        dedup_key=f"accreditation.deadline:{application.pk}:{closes_on}:{threshold}",
    )


# --- The award's life ---------------------------------------------------------------------------


def _award_url(award: Award) -> str:
    """The organisation's applications page, where its awards are shown."""
    return connection.tenant.build_url(
        reverse("accreditation:applications", args=[award.organisation.slug]) + "#awards"
    )


def _award_to_leads(award: Award, **message) -> int:
    return _to_each(
        lead_emails(award.organisation), award=award, award_url=_award_url(award), **message
    )


def award_released(award: Award) -> int:
    return _award_to_leads(
        award,
        # Only an organisation that agreed to be listed is on the public register.
        on_register=is_on_register(award.organisation),
        subject=lazy_interpolate(
            _("Congratulations: %(organisation)s has Charter Status"),
            organisation=award.organisation.name,
        ),
        template="accreditation/email/award_released.txt",
        dedup_key=f"accreditation.award.released:{award.pk}",
    )


def award_revoked(award: Award) -> int:
    return _award_to_leads(
        award,
        subject=lazy_interpolate(
            _("%(organisation)s no longer has Charter Status"),
            organisation=award.organisation.name,
        ),
        template="accreditation/email/award_revoked.txt",
    )


def expiry_reminder(award: Award, *, threshold: int, days_left: int) -> int:
    """Once per award and reminder (``threshold``: 90, 30 or 7 days before); the daily task may
    rerun. Returns how many leads were newly reminded."""
    when = _in_days(days_left)
    return _award_to_leads(
        award,
        subject=lazy_interpolate(_("Your Charter Status ends %(when)s"), when=when),
        template="accreditation/email/expiry_reminder.txt",
        when=when,
        dedup_key=f"accreditation.expiry:{award.pk}:{award.expires_on}:{threshold}",
    )


def _concern_url(concern: Concern) -> str:
    return connection.tenant.build_url(reverse("accreditation:manage.concern", args=[concern.pk]))


def concern_raised(concern: Concern) -> None:
    """One email to each council officer: someone raised a concern about an award."""
    _to_each(
        officer_emails(),
        subject=lazy_interpolate(
            _("A concern about %(organisation)s's Charter Status"),
            organisation=concern.award.organisation.name,
        ),
        template="accreditation/email/concern_raised.txt",
        concern=concern,
        concern_url=_concern_url(concern),
    )


def early_reassessment(concern: Concern) -> None:
    """One email to each lead of the organisation: the council will look at its status again."""
    organisation = concern.award.organisation
    _to_each(
        lead_emails(organisation),
        subject=_("We will look at your Charter Status again"),
        template="accreditation/email/early_reassessment.txt",
        concern=concern,
        organisation=organisation,
    )
