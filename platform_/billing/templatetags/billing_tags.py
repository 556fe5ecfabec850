"""Plans in words, for the platform home, the sign up form and the billing page."""

from __future__ import annotations

from django import template

from tenants.models import Plan

register = template.Library()


@register.filter
def pounds(pence: int) -> str:
    """1234500 -> "£12,345"; 1999 -> "£19.99"."""
    whole, part = divmod(int(pence), 100)
    return f"£{whole:,}" if part == 0 else f"£{whole:,}.{part:02d}"


@register.filter
def plan_price(plan: Plan) -> str:
    """ "£1,200 a year" """
    return f"{pounds(plan.price_pence)} {plan.get_interval_display()}"


@register.filter
def plan_limit(plan: Plan, name: str) -> str:
    """ "Up to 50" or "No limit" """
    limit = plan.limit(name)
    return "No limit" if limit is None else f"Up to {limit:,}"


@register.filter
def trial(plan: Plan) -> str:
    if not plan.trial_days:
        return "No free trial"
    return f"{plan.trial_days} day{'s' if plan.trial_days != 1 else ''} free"
