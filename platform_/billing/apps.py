from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "platform_.billing"
    label = "billing"
    verbose_name = "Billing"
