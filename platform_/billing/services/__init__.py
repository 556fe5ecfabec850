"""Billing's writes: Stripe events received and processed, subscriptions kept in step with Stripe,
paid sign ups turned into councils' sites."""
