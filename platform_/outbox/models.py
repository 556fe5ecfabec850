from django.db import models


class OutboxEmailQuerySet(models.QuerySet):
    def unsent(self):
        return self.filter(sent_at__isnull=True)

    def claimable(self, claimed_before):
        """Unsent, and not claimed by a sender since ``claimed_before`` (older claims lapsed)."""
        return self.unsent().filter(
            models.Q(claimed_at__isnull=True) | models.Q(claimed_at__lt=claimed_before)
        )


class OutboxEmail(models.Model):
    """One email owed to one person (DESIGN §7: one outbox for email).

    Written, already rendered, in the same transaction as the change that owes it; sent once by
    ``platform_.outbox.tasks.send_email`` after commit; swept up by beat if that task was lost.
    Every app writes here through ``platform_.outbox.services.queue_email``; none sends mail itself.
    """

    recipient = models.EmailField()
    from_email = models.CharField(max_length=254)
    subject = models.CharField(max_length=255)
    body = models.TextField()
    html_body = models.TextField(blank=True)
    # What the email is about, e.g. "accreditation.submitted:12": with the recipient, it makes an
    # email that may only ever be owed once (reminders, re-sign notices) impossible to write twice.
    dedup_key = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Set (and committed) just before the mail server is given the email; cleared on failure.
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)

    objects = OutboxEmailQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["dedup_key", "recipient"],
                condition=~models.Q(dedup_key=""),
                name="outbox_one_email_per_key_and_recipient",
            )
        ]
        indexes = [
            models.Index(
                fields=["created_at"],
                condition=models.Q(sent_at__isnull=True),
                name="outbox_unsent_by_age",
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject} to {self.recipient}"
