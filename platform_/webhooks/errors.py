from django.core.exceptions import ValidationError


class WebhookError(ValidationError):
    """Refused, with a message for the officer (shown in the form's error summary)."""
