"""Background work for charters. Tasks take ids, re-fetch, and call one service; the service is
imported inside the task because services import this module to queue tasks."""

from celery import shared_task

from charters.models import CharterVersion
from platform_.background import in_tenant_schema
from platform_.tasks import DatabaseRetryTask


@shared_task(base=DatabaseRetryTask, name="charters.tell_signatories_of_new_version")
def tell_signatories_of_new_version(version_id: int) -> int:
    from charters import services  # noqa: PLC0415 -- leaf: services import tasks

    if not in_tenant_schema("charters.tell_signatories_of_new_version"):
        return 0
    version = CharterVersion.objects.filter(pk=version_id).first()
    return services.tell_signatories_of_new_version(version) if version else 0
