"""charters' answers to signals from the layers below it."""

from django.dispatch import receiver

from charters.services import create_default_charter
from tenants.signals import schema_provisioned


@receiver(schema_provisioned)
def add_default_charter(sender, tenant, **kwargs) -> None:
    create_default_charter()
