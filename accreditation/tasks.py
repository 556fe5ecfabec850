"""Accreditation's periodic and background work. Tasks call one service, imported inside the
task because services import task modules to queue them."""

from celery import shared_task

from accreditation.models import Award
from platform_.background import in_tenant_schema
from platform_.tasks import DatabaseRetryTask


@shared_task(base=DatabaseRetryTask, name="accreditation.send_deadline_reminders")
def send_deadline_reminders() -> int:
    """Run daily by beat in every tenant; each reminder goes once."""
    from accreditation.services import reminders  # noqa: PLC0415 -- leaf: services import tasks

    if not in_tenant_schema("accreditation.send_deadline_reminders"):
        return 0
    return reminders.send_deadline_reminders()


@shared_task(base=DatabaseRetryTask, name="accreditation.release_due_awards")
def release_due_awards() -> int:
    """Run every few minutes by beat in every tenant: awards become public at their ceremony."""
    from accreditation.services import awards  # noqa: PLC0415 -- leaf: services import tasks

    if not in_tenant_schema("accreditation.release_due_awards"):
        return 0
    return awards.release_due_awards()


@shared_task(base=DatabaseRetryTask, name="accreditation.announce_expired_awards")
def announce_expired_awards() -> int:
    """Run daily by beat in every tenant: each award's end is recorded (and announced) once."""
    from accreditation.services import awards  # noqa: PLC0415 -- leaf: services import tasks

    if not in_tenant_schema("accreditation.announce_expired_awards"):
        return 0
    return awards.announce_expired_awards()


@shared_task(base=DatabaseRetryTask, name="accreditation.send_expiry_reminders")
def send_expiry_reminders() -> int:
    """Run daily by beat in every tenant; each reminder (90, 30, 7 days) goes once."""
    from accreditation.services import awards  # noqa: PLC0415 -- leaf: services import tasks

    if not in_tenant_schema("accreditation.send_expiry_reminders"):
        return 0
    return awards.send_expiry_reminders()


@shared_task(base=DatabaseRetryTask, name="accreditation.make_award_documents")
def make_award_documents(award_id: int) -> bool:
    """Queued after an award is committed and released; makes its certificate and credential."""
    from accreditation.services import documents  # noqa: PLC0415 -- leaf: services import tasks

    if not in_tenant_schema("accreditation.make_award_documents"):
        return False
    award = Award.objects.filter(pk=award_id).select_related("organisation", "level").first()
    if award is None:
        return False  # rolled back or deleted since
    return documents.make_award_documents(award)
