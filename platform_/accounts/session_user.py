"""The signed-in person of a request, their row read from the cache while it has not changed.

Django's AuthenticationMiddleware reads the person's row from PostgreSQL on every request: a
query, its ORM compile and a model, about 0.4 ms of CPU, an eighth of a signed-in page (measured
for issue 13, bench/load.py). Here the row is kept in the cache under the council's data
generation (platform_/data_generation.py), read with it in one Redis round trip; any committed
write to the council's schema (a new password, a deactivation, a new role, anything) moves the
generation on, and the row is read from PostgreSQL again and kept under the new number.

The generation read is remembered on the request (``request.data_generation``), read before any
of the council's data: charters/signed_in_page_cache.py keeps a whole page under it.

Everything else is Django's ``get_user`` (django.contrib.auth), kept step for step: the backend
named in the session must still be configured; the session's hash is checked against the row's
(so a password change signs other sessions out at once), with the fallback secret keys; a row
the backend would not let sign in (``is_active`` off) is nobody. Only rows of Django's
ModelBackend family (allauth's backend is one) are cached; any other backend is asked directly.
With SIGNED_IN_CACHE off (the test settings) this is Django's middleware exactly.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.middleware import (
    AuthenticationMiddleware as DjangoAuthenticationMiddleware,
)
from django.contrib.auth.models import AnonymousUser
from django.core.cache import cache
from django.db import connection
from django.utils.crypto import constant_time_compare
from django.utils.functional import SimpleLazyObject

from platform_ import data_generation

# The generation is exact; this bounds a bump Redis never received (platform_/data_generation.py:
# a partition that kept Redis's data), so a person deactivated then is signed out within it.
TIMEOUT = 60


def user_key(user_id) -> str:
    return f"accounts:user:{user_id}"


class AuthenticationMiddleware(DjangoAuthenticationMiddleware):
    """Django's, with ``request.user`` loaded by ``get_user`` below."""

    def process_request(self, request):
        super().process_request(request)
        if settings.SIGNED_IN_CACHE and connection.schema_name != "public":
            request.user = SimpleLazyObject(lambda: _memoised_user(request))


def _memoised_user(request):
    if not hasattr(request, "_cached_user"):
        request._cached_user = get_user(request)
    return request._cached_user


def get_user(request):
    """django.contrib.auth.get_user, with the row from ``_row`` (see the module's docstring)."""
    user = None
    try:
        user_id = auth._get_user_session_key(request)
        backend_path = request.session[auth.BACKEND_SESSION_KEY]
    except KeyError:
        pass
    else:
        if backend_path in settings.AUTHENTICATION_BACKENDS:
            backend = auth.load_backend(backend_path)
            user = _row(request, backend, user_id)
            if user is not None and not _session_verified(request, user):
                user = None
    return user or AnonymousUser()


def _row(request, backend, user_id):
    """The person the backend would return for ``user_id``, from the cache when current."""
    if not isinstance(backend, ModelBackend):
        return backend.get_user(user_id)
    key = user_key(user_id)
    generation, entry = data_generation.read_with(key)
    request.data_generation = generation
    if generation is not None and entry is not None and entry[0] == generation:
        user = entry[1]
    else:
        user_model = auth.get_user_model()
        try:
            user = user_model._default_manager.get(pk=user_id)
        except user_model.DoesNotExist:
            return None
        if generation is not None:
            cache.set(key, (generation, user), TIMEOUT)
    return user if backend.user_can_authenticate(user) else None


def _session_verified(request, user) -> bool:
    """Django's check of the session's hash against the row, with the fallback secrets (a match
    on a fallback moves the session to the current secret)."""
    session_hash = request.session.get(auth.HASH_SESSION_KEY)
    if not session_hash:
        request.session.flush()
        return False
    session_auth_hash = user.get_session_auth_hash()
    if constant_time_compare(session_hash, session_auth_hash):
        return True
    if any(
        constant_time_compare(session_hash, fallback)
        for fallback in user.get_session_auth_fallback_hash()
    ):
        request.session.cycle_key()
        request.session[auth.HASH_SESSION_KEY] = session_auth_hash
        return True
    request.session.flush()
    return False
