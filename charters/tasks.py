"""Emails about charters and organisations. Tasks take ids, re-fetch, and call one service."""

from celery import shared_task

from charters import notifications
from platform_.background import in_tenant_schema


@shared_task(name="charters.invite_signatories_to_resign")
def invite_signatories_to_resign(version_id: int) -> int:
    if not in_tenant_schema("charters.invite_signatories_to_resign"):
        return 0
    return notifications.invite_signatories_to_resign(version_id)


@shared_task(name="charters.tell_leads_of_join_request")
def tell_leads_of_join_request(membership_id: int) -> int:
    if not in_tenant_schema("charters.tell_leads_of_join_request"):
        return 0
    return notifications.tell_leads_of_join_request(membership_id)


@shared_task(name="charters.send_membership_invitation")
def send_membership_invitation(membership_id: int) -> int:
    if not in_tenant_schema("charters.send_membership_invitation"):
        return 0
    return notifications.send_membership_invitation(membership_id)
