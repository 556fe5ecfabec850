from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from tenants.middleware import forget_cached_hosts
from tenants.models import Domain, Tenant


@receiver([post_save, post_delete], sender=Tenant)
def forget_tenant_hosts(sender, instance: Tenant, **kwargs) -> None:
    forget_cached_hosts(instance.domains.values_list("domain", flat=True))


@receiver([post_save, post_delete], sender=Domain)
def forget_domain_host(sender, instance: Domain, **kwargs) -> None:
    forget_cached_hosts([instance.domain])
