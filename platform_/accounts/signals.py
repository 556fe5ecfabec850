"""Answers to Django's and allauth's signals about people."""

from django.utils import translation

from platform_.accounts.services import remember_language


def remember_language_at_sign_in(sender, request, user, **kwargs) -> None:
    """A person signing in in a language gets their emails in it from then on."""
    remember_language(user, language=translation.get_language())
