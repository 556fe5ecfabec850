"""Reads about people: a leaf module."""

from platform_.accounts.models import User


def officer_emails() -> list[str]:
    """The council officers of the current tenant who can still sign in."""
    return list(
        User.objects.filter(is_council_officer=True, is_active=True)
        .order_by("email")
        .values_list("email", flat=True)
    )
