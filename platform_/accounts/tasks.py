"""Background work for people and invitations. Tasks take ids, re-fetch, and call one service."""

import logging
from datetime import timedelta

from celery import shared_task
from django.utils import timezone

from platform_.accounts.models import Invitation
from platform_.accounts.services import deliver_invitation_email
from platform_.background import in_tenant_schema

logger = logging.getLogger(__name__)

# An invitation still unsent after this long lost its first queueing (broker down at commit).
SWEEP_GRACE = timedelta(minutes=5)


@shared_task(
    name="accounts.send_invitation_email", bind=True, max_retries=5, default_retry_delay=60
)
def send_invitation_email(self, invitation_id: int) -> bool:
    if not in_tenant_schema(self.name):
        return False
    invitation = Invitation.objects.filter(pk=invitation_id).first()
    if invitation is None:
        logger.warning("Invitation %s does not exist in this schema", invitation_id)
        return False
    try:
        return deliver_invitation_email(invitation)
    except OSError as error:  # the mail server is unreachable: try again later
        raise self.retry(exc=error) from error


@shared_task(name="accounts.sweep_unsent_invitations")
def sweep_unsent_invitations() -> int:
    """Queue again every invitation whose email never went; run per tenant by beat."""
    if not in_tenant_schema("accounts.sweep_unsent_invitations"):
        return 0
    stale = Invitation.objects.unsent().filter(created_at__lt=timezone.now() - SWEEP_GRACE)
    ids = list(stale.values_list("pk", flat=True))
    for invitation_id in ids:
        send_invitation_email.delay(invitation_id)
    return len(ids)
