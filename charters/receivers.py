"""charters' answers to signals from the layers below it."""

from django.dispatch import receiver

from charters import public_cache
from charters.services import create_default_charter
from platform_.background import after_commit
from tenants.signals import schema_provisioned


@receiver(schema_provisioned)
def add_default_charter(sender, tenant, **kwargs) -> None:
    create_default_charter()


@receiver(schema_provisioned)
def start_public_pages_afresh(sender, tenant, **kwargs) -> None:
    """A council may take the schema name of one deleted before it (the same slug): entries that
    one left in the public cache, under its generation, must not be served as the new council's
    (its register, its open data, its current version's number)."""
    after_commit(public_cache.invalidate)
