"""A council's plan limits (organisations, assessors), checked by the services that would pass them.

A leaf of the kernel: the limits live on ``tenants.Plan``, but ``tenants`` sits above the kernel
(and above ``platform_.accounts``, which enforces the assessor limit), so the current council is
read from ``django.db.connection.tenant`` and asked for ``plan_limit(name)`` by duck typing. The
tenant-by-host cache loads the plan with the tenant, so asking costs no query on a request.

Two registrations at the limit at the same moment must not both succeed: each would count the
rows committed so far, see one place left, and insert. ``check_plan_limit`` therefore takes a
transaction-scoped advisory lock for this council and this limit before counting, so the second
waits for the first to commit and then counts its row. An advisory lock rather than ``SELECT ...
FOR UPDATE`` on the council's public ``Tenant`` row: that row is also written by the lifecycle
(Stripe webhooks, platform staff), which has no business waiting for an organisation's
registration, nor the registration for it. Councils with no limit take no lock and run no count.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import ValidationError
from django.db import connection
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tenants.utils import get_public_schema_name, get_tenant_model

# The officers' billing page (platform_.billing), where a council moves to a bigger plan. A path,
# not a reversed URL name: the kernel cannot know the billing app's URL conf.
BILLING_PAGE_PATH = "/manage/billing/"


def _allowed(name: str, limit: int) -> str:
    """How many the plan allows, counted in words ("2 organisations")."""
    if name == "organisations":
        text = ngettext("%(count)s organisation", "%(count)s organisations", limit)
    else:
        text = ngettext("%(count)s assessor", "%(count)s assessors", limit)
    return text % {"count": limit}


def _used(name: str, used: int) -> str:
    """How many the council has, in words ("2 are registered")."""
    if name == "organisations":
        text = ngettext("%(count)s is registered", "%(count)s are registered", used)
    else:
        text = ngettext(
            "%(count)s person is an assessor or has been invited",
            "%(count)s people are assessors or have been invited",
            used,
        )
    return text % {"count": used}


class PlanLimitReached(ValidationError):
    """A create refused because the council's plan allows no more. A ValidationError, so any
    view that shows a service's refusal shows this one too; views that know who is asking show
    ``reason`` with a link to ``billing_path`` for officers ("move to a bigger plan") and "ask
    your council" for everyone else."""

    billing_path = BILLING_PAGE_PATH

    def __init__(self, name: str, limit: int, used: int) -> None:
        self.name, self.limit, self.used = name, limit, used
        # Whole phrases per count, so a language with more plural forms (Welsh) can inflect them.
        self.reason = _("Your council's plan allows %(allowed)s, and %(used)s.") % {
            "allowed": _allowed(name, limit),
            "used": _used(name, used),
        }
        super().__init__(
            _("%(reason)s A council officer can move to a bigger plan.") % {"reason": self.reason}
        )
        # What copy and pickle pass back to __init__ (ValidationError's own args would not fit).
        self.args = (name, limit, used)


def current_plan_limit(name: str) -> int | None:
    """The current council's limit called ``name``; None on the platform host, for a council
    without a plan (made by platform staff) and for a plan with no such limit."""
    if connection.schema_name == get_public_schema_name():
        return None
    tenant = connection.tenant
    if not hasattr(tenant, "plan_limit"):
        # schema_context() sets a stand-in that knows only the schema's name: look the council
        # up rather than let a limit pass unchecked.
        tenant = get_tenant_model().objects.get(schema_name=connection.schema_name)
    return tenant.plan_limit(name)


def check_plan_limit(name: str, used: Callable[[], int]) -> None:
    """Raise PlanLimitReached if the council already has as many as its plan allows.

    Call inside the transaction that creates the row. ``used`` counts what the limit counts; it
    runs only when there is a limit, and after the lock (above), so it sees every row committed
    by a registration that went first.
    """
    limit = current_plan_limit(name)
    if limit is None:
        return
    if not connection.in_atomic_block:
        raise RuntimeError("check_plan_limit must run inside the transaction that creates.")
    with connection.cursor() as cursor:
        # Released at commit or rollback; hashtext collisions only make two councils wait for
        # each other for a moment.
        cursor.execute(
            "SELECT pg_advisory_xact_lock(hashtext(%s))",
            [f"cocharter.plan_limit:{connection.schema_name}:{name}"],
        )
    count = used()
    if count >= limit:
        raise PlanLimitReached(name, limit=limit, used=count)
