"""accreditation's answers to signals and hooks from the layers below it."""

from django.dispatch import receiver

from accreditation import keys
from accreditation.selectors import RegisterCharterStatus
from accreditation.services import create_default_accreditation, settings_for_tenant
from charters import charter_status
from platform_.request_limits import allow_uploads
from tenants.signals import schema_provisioned


@receiver(schema_provisioned)
def add_default_accreditation(sender, tenant, **kwargs) -> None:
    create_default_accreditation()
    keys.ensure_council_key()


# Evidence files may be as large as the council allows, and the request is refused before its
# body is read if it is larger (the service checks the size again once it has the file).
allow_uploads(
    "accreditation:application.evidence.add",
    file_mb=lambda request: settings_for_tenant().max_upload_mb,
)


# The register, its open data and the badge show Charter Status (charters cannot import us).
charter_status.register_provider(RegisterCharterStatus())
