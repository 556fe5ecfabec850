"""Extension points that tenants offers the apps above it (it imports none of them).

``schema_provisioned``
    Sent once a new tenant's schema exists, whether it was cloned from the template or migrated,
    inside the provisioning transaction and with the connection on the new tenant's schema.
    Receivers add the tenant's defaults (charters: the default charter draft; accreditation: its
    settings and award level). Arguments: ``sender`` (the Tenant class), ``tenant``. A receiver
    that raises aborts the provisioning: nothing is left behind.
"""

from django.dispatch import Signal

schema_provisioned = Signal()
