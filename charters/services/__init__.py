"""Writes to charters, organisations, memberships and signatures: one function per action.

Each checks who may act and from which state, changes the rows in a transaction, writes an
AuditEvent, and queues any email on commit. Refusals raise ``CharterError`` (a ValidationError)
with a message for the person, or PermissionDenied. Everything a view or task needs is importable
from here.
"""

from charters.services.charter import (  # noqa: F401 (the package's public API)
    add_principle,
    create_default_charter,
    move_principle,
    publish_version,
    remove_principle,
    start_new_draft,
    tell_signatories_of_new_version,
    update_draft,
    update_principle,
)
from charters.services.errors import CharterError, DuplicateOrganisation  # noqa: F401
from charters.services.organisations import (  # noqa: F401
    approve_membership,
    decline_membership,
    invite_member,
    register_organisation,
    request_to_join,
)
from charters.services.signing import (  # noqa: F401
    record_pledge_met,
    sign_charter,
    withdraw_signature,
)
