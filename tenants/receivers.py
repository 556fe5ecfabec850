"""tenants' own answers to model signals: the host cache follows Tenant, Domain and Plan changes."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from platform_.background import after_commit
from tenants.middleware import forget_cached_hosts
from tenants.models import Domain, Plan, Tenant


def _forget(hostnames: list[str]) -> None:
    # Now, so this transaction's own later requests see the change, and again after commit, so a
    # reader that cached the old row between the two (before the commit) is not believed for long.
    forget_cached_hosts(hostnames)
    after_commit(forget_cached_hosts, hostnames)


@receiver([post_save, post_delete], sender=Tenant)
def forget_tenant_hosts(sender, instance: Tenant, **kwargs) -> None:
    _forget(list(instance.domains.values_list("domain", flat=True)))


@receiver([post_save, post_delete], sender=Domain)
def forget_domain_host(sender, instance: Domain, **kwargs) -> None:
    _forget([instance.domain])


@receiver([post_save, post_delete], sender=Plan)
def forget_plan_hosts(sender, instance: Plan, **kwargs) -> None:
    # The cached tenant carries its plan (CachedTenantMiddleware), so new limits must reach every
    # council on the plan at its next request. A plan in use cannot be deleted (PROTECT).
    _forget(list(Domain.objects.filter(tenant__plan=instance).values_list("domain", flat=True)))
