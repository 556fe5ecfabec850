"""Refusals that services raise are shown to people, so they must be translatable.

Parses the service modules and fails on a refusal written as a plain string or f-string literal
instead of going through gettext (``_("...")``, with named ``%(name)s`` placeholders), so a new
unmarked refusal cannot slip into the Welsh interface in English.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

MODULES = [
    "charters/services/charter.py",
    "charters/services/organisations.py",
    "charters/services/signing.py",
    "charters/services/errors.py",
    "accreditation/services/applications.py",
    "accreditation/services/assessment.py",
    "accreditation/services/awards.py",
    "accreditation/services/certificates.py",
    "accreditation/services/concerns.py",
    "accreditation/services/documents.py",
    "accreditation/services/reminders.py",
    "accreditation/services/setup.py",
    "accreditation/services/state.py",
    "accreditation/errors.py",
    "platform_/accounts/services.py",
    "platform_/accounts/two_factor_rule.py",
    "platform_/exports/services.py",
    "platform_/billing/services/events.py",
    "platform_/billing/services/portal.py",
    "platform_/billing/services/provisioning.py",
    "platform_/billing/services/signups.py",
    "platform_/billing/services/subscriptions.py",
    "platform_/webhooks/services.py",
    "platform_/webhooks/transport.py",
    "platform_/plan_limits.py",
    "tenants/services.py",
]

# Exceptions whose message is for developers or records, never shown as a refusal: a programming
# error (wrong arguments, called outside a transaction) or a failure recorded for the platform
# team. Their words stay in English.
DEVELOPER_ERRORS = {
    "RuntimeError": "a programming error (e.g. check_plan_limit outside a transaction)",
    "TypeError": "wrong arguments to a service: a programming error",
    "ValueError": "a bad value passed by code, not by a person",
    "AssertionError": "an internal invariant",
    "NotImplementedError": "an unfinished code path",
    "KeyError": "a lookup by code",
    "ImproperlyConfigured": "settings, read by whoever deploys",
    "InvalidWebhook": "Stripe's request refused; the message goes to Stripe and the log",
    "EventFailed": "a webhook handler's failure, kept for the platform team",
    # Raised in a background task with no person's language, and stored on the delivery row as a
    # record of what happened (the officer sees it as logged, like a server's own answer).
    "DeliveryError": "a webhook delivery's failure, recorded by a task",
    "AddressRefused": "a webhook delivery's refused address, recorded by a task",
}

# Refusals seen only by platform staff in the admin or by code, with the reason they stay English.
ALLOWED_LITERALS = {
    ("tenants/services.py", "The template schema's status cannot change."): (
        "the template schema is never shown to councils; only code could try this"
    ),
    ("tenants/services.py", "Unknown status {new_status!r}."): (
        "a status not in LifecycleStatus can come only from code"
    ),
    ("tenants/services.py", "Only a council's schema can be dropped."): (
        "guards the public schema against code; no person can ask for it"
    ),
}

# Classes whose message is shown to people wherever they are built (raised or kept to raise later).
REFUSALS = {
    "ValidationError",
    "PermissionDenied",
    "CharterError",
    "AccreditationError",
    "InvitationError",
    "ExportError",
    "PortalUnavailable",
    "CheckoutUnavailable",
    "WebhookError",
    "SubdomainUnavailable",
    "PlanLimitReached",
}


def _name(func: ast.expr) -> str:
    if isinstance(func, ast.Attribute):
        return func.attr
    return getattr(func, "id", "")


def _literals(node: ast.AST):
    """String and f-string literals that are the message itself (not inside a gettext call)."""
    if (isinstance(node, ast.Constant) and isinstance(node.value, str)) or isinstance(
        node, ast.JoinedStr
    ):
        yield node
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add | ast.Mod):
        # "..." + x or "..." % x: the left side is the message
        yield from _literals(node.left)
        if isinstance(node.op, ast.Add):
            yield from _literals(node.right)
    elif isinstance(node, ast.Dict):
        for value in node.values:
            yield from _literals(value)
    elif isinstance(node, ast.List | ast.Tuple):
        for item in node.elts:
            yield from _literals(item)
    elif isinstance(node, ast.ListComp):
        yield from _literals(node.elt)


def unmarked_refusals(source: str, path: str = "<string>") -> list[str]:
    """``path:line: message`` for every refusal in ``source`` given as a bare literal."""
    tree = ast.parse(source)
    found = []

    def check(call: ast.Call, messages: list[ast.expr]) -> None:
        for argument in messages:
            for literal in _literals(argument):
                if isinstance(literal, ast.Constant):
                    text = literal.value
                else:  # an f-string: its source between the quotes
                    text = (ast.get_source_segment(source, literal) or "")[2:-1]
                if (path, text) in ALLOWED_LITERALS:
                    continue
                found.append((literal.lineno, f"{path}:{literal.lineno}: {text!r}"))

    raised = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            name = _name(node.exc.func)
            raised.add(id(node.exc))
            if name in DEVELOPER_ERRORS:
                continue
            check(node.exc, [*node.exc.args, *(k.value for k in node.exc.keywords)])
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call) or id(node) in raised:
            continue
        name = _name(node.func)
        if name in REFUSALS:
            check(node, [*node.args, *(k.value for k in node.keywords)])
        elif name == "require_permission":
            # require_permission(user, permission, obj, message, refusal=...)
            messages = node.args[3:4] + [k.value for k in node.keywords if k.arg == "message"]
            check(node, messages)
        elif name == "_require_lead":
            check(node, [k.value for k in node.keywords if k.arg == "refusal"])
    return [line for _, line in sorted(found)]


@pytest.mark.parametrize("module", MODULES)
def test_service_refusals_are_translatable(module):
    path = ROOT / module
    assert unmarked_refusals(path.read_text(), module) == []


def test_unmarked_refusals_finds_plain_and_formatted_literals():
    source = (
        "def f(user, thing):\n"
        "    raise CharterError('Plain words.')\n"
        "    raise ValidationError({'slug': f'{thing} is taken.'})\n"
        "    raise PermissionDenied('Keep out.')\n"
        "    require_permission(user, 'x.y', message='No.')\n"
        "    raise AccreditationError([f'Judge {t}' for t in thing])\n"
        "    taken = ExportError('Later.')\n"
    )
    assert unmarked_refusals(source) == [
        "<string>:2: 'Plain words.'",
        "<string>:3: '{thing} is taken.'",
        "<string>:4: 'Keep out.'",
        "<string>:5: 'No.'",
        "<string>:6: 'Judge {t}'",
        "<string>:7: 'Later.'",
    ]


def test_unmarked_refusals_accepts_gettext_and_developer_errors():
    source = (
        "def f(user, thing):\n"
        "    raise CharterError(_('Plain words.'))\n"
        "    raise CharterError(_('%(thing)s is taken.') % {'thing': thing})\n"
        "    raise ValidationError({'slug': _('Taken.')})\n"
        "    require_permission(user, 'x.y', message=_('No.'))\n"
        "    raise RuntimeError('called outside a transaction')\n"
        "    raise TypeError(f'unexpected arguments: {thing}')\n"
    )
    assert unmarked_refusals(source) == []


def test_plan_limit_refusal_is_in_welsh_when_welsh_is_chosen():
    from django.utils import translation

    from platform_.plan_limits import PlanLimitReached

    with translation.override("cy"):
        error = PlanLimitReached("organisations", limit=2, used=2)
    assert error.messages == [
        "Mae cynllun eich cyngor yn caniatáu 2 sefydliad, ac mae 2 wedi’u cofrestru. "  # noqa: RUF001
        "Gall un o swyddogion y cyngor symud i gynllun mwy."
    ]
