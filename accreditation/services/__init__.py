"""Writes to accreditation: one function per business action (see each module).

Everything a view or task needs is importable from here.
"""

from accreditation.services.applications import (  # noqa: F401 (the package's public API)
    add_evidence,
    remove_evidence,
    resubmit_application,
    save_self_assessment,
    start_application,
    submit_application,
    withdraw_application,
)
from accreditation.services.assessment import (  # noqa: F401
    assign_assessor,
    decide_application,
    declare_conflict,
    recommend,
    record_judgements,
    request_more_information,
)
from accreditation.services.awards import (  # noqa: F401
    announce_expired_awards,
    reissue_award,
    release_due_awards,
    revoke_award,
    send_expiry_reminders,
    start_renewal,
)
from accreditation.services.concerns import (  # noqa: F401
    close_concern,
    raise_concern,
    start_early_reassessment,
)
from accreditation.services.documents import (  # noqa: F401
    make_award_documents,
    queue_award_documents,
)
from accreditation.services.setup import (  # noqa: F401
    add_criterion,
    add_level,
    create_default_accreditation,
    open_round,
    settings_for_tenant,
    update_criterion,
    update_level,
    update_round,
    update_settings,
)
from accreditation.services.state import (  # noqa: F401
    AccreditationError,
    set_application_state,
)
