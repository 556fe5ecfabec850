"""accreditation's answers to signals from the layers below it."""

from django.dispatch import receiver

from accreditation.services import create_default_accreditation
from tenants.signals import schema_provisioned


@receiver(schema_provisioned)
def add_default_accreditation(sender, tenant, **kwargs) -> None:
    create_default_accreditation()
