"""The platform console: councils with their plan, status and use, for platform staff.

Each council's organisations, current awards and last activity live in its own schema. Asking
each schema in turn would cost a query per council per column; instead one query, a UNION ALL of
one row per council on the page, reads them all. The counts reuse the apps' own querysets (so
"current award" means what ``accreditation.selectors.held_awards`` says), compiled to SQL with
every table they touch qualified by the council's schema. This needs the models of charters,
accreditation and the kernel, so it sits above them, beside billing; ``tenants/admin.py`` keeps
the base TenantAdmin, and the composition root (``platform_/admin.py``) registers this one in
its place.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from django.contrib import admin
from django.contrib.admin.views.main import ChangeList
from django.db import connection
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django_tenants.utils import get_public_schema_name

from accreditation.selectors import held_awards
from charters.models import Organisation
from platform_.accounts.models import User
from platform_.audit.models import AuditEvent
from tenants.admin import TenantAdmin
from tenants.models import Tenant


@dataclass(frozen=True)
class TenantUsage:
    organisations: int
    awards: int  # held today: released, neither revoked nor superseded, not expired
    last_activity: datetime | None  # the latest audit event or sign in


def _in_schema(queryset: QuerySet, schema: str) -> tuple[str, list]:
    """The queryset's SQL with every table it reads qualified by ``schema``.

    Table names are quoted identifiers (``"charters_organisation"``), never parameters, so the
    replacement cannot touch a value; a table left unqualified would be read from whichever
    schema the connection is on, so every table of the query is qualified, joins included.
    """
    query = queryset.query
    sql, params = query.sql_with_params()
    tables = {queryset.model._meta.db_table} | {
        join.table_name for join in query.alias_map.values()
    }
    quote = connection.ops.quote_name
    for table in sorted(tables, key=len, reverse=True):
        sql = sql.replace(quote(table), f"{quote(schema)}.{quote(table)}")
    return sql, list(params)


def _usage_row(tenant: Tenant, today: date) -> tuple[str, list]:
    schema = tenant.schema_name
    quote = connection.ops.quote_name
    organisations, organisation_params = _in_schema(
        Organisation.objects.order_by().values("pk"), schema
    )
    awards, award_params = _in_schema(held_awards(today).order_by().values("pk"), schema)
    audit_column = AuditEvent._meta.get_field("created_at").column
    events, event_params = _in_schema(AuditEvent.objects.order_by().values("created_at"), schema)
    login_column = User._meta.get_field("last_login").column
    logins, login_params = _in_schema(User.objects.order_by().values("last_login"), schema)
    sql = (
        "SELECT %s AS tenant_id, "
        f"(SELECT COUNT(*) FROM ({organisations}) AS o) AS organisations, "
        f"(SELECT COUNT(*) FROM ({awards}) AS a) AS awards, "
        f"GREATEST((SELECT MAX(e.{quote(audit_column)}) FROM ({events}) AS e), "
        f"(SELECT MAX(u.{quote(login_column)}) FROM ({logins}) AS u)) AS last_activity"
    )
    return sql, [tenant.pk, *organisation_params, *award_params, *event_params, *login_params]


def usage_of(tenants: list[Tenant]) -> dict[int, TenantUsage]:
    """Each council's use, by its pk, in one query whatever the number of councils. Councils
    whose schema was dropped (closed, past their retention) have none, nor has the public
    schema, which holds no council's tables."""
    today = timezone.localdate()
    rows = [
        _usage_row(tenant, today)
        for tenant in tenants
        if tenant.schema_dropped_at is None and tenant.schema_name != get_public_schema_name()
    ]
    if not rows:
        return {}
    sql = " UNION ALL ".join(row_sql for row_sql, _ in rows)
    params = [param for _, row_params in rows for param in row_params]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {
            tenant_id: TenantUsage(organisations, awards, last_activity)
            for tenant_id, organisations, awards, last_activity in cursor.fetchall()
        }


class ConsoleChangeList(ChangeList):
    """Adds each listed council's use to it, for the page's councils only."""

    def get_results(self, request) -> None:
        super().get_results(request)
        tenants = list(self.result_list)  # evaluated once; the page iterates the same rows
        usage = usage_of(tenants)
        for tenant in tenants:
            tenant.usage = usage.get(tenant.pk)


class ConsoleTenantAdmin(TenantAdmin):
    """tenants' TenantAdmin, with the plan and each council's use in the list."""

    list_display = [
        "name",
        "slug",
        "plan",
        "status",
        "organisations",
        "awards",
        "last_activity",
        "created_at",
    ]
    list_filter = ["status", "plan", "kind"]
    list_select_related = ["plan"]
    fields = [*TenantAdmin.fields, "plan", "billing"]
    # The plan follows the council's Stripe subscription (or none, for councils made by staff).
    readonly_fields = [*TenantAdmin.readonly_fields, "plan", "billing"]

    def get_changelist(self, request, **kwargs):
        return ConsoleChangeList

    @admin.display(description="Organisations")
    def organisations(self, tenant: Tenant) -> int | None:
        return tenant.usage.organisations if tenant.usage else None

    @admin.display(description="Current awards")
    def awards(self, tenant: Tenant) -> int | None:
        return tenant.usage.awards if tenant.usage else None

    @admin.display(description="Last activity")
    def last_activity(self, tenant: Tenant) -> datetime | None:
        return tenant.usage.last_activity if tenant.usage else None

    @admin.display(description="Subscription")
    def billing(self, tenant: Tenant) -> str:
        url = reverse("admin:billing_subscription_changelist")
        return format_html(
            '<a href="{}?tenant__id__exact={}">Subscription and Stripe ids</a>', url, tenant.pk
        )
