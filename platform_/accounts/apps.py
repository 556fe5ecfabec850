from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in


class AccountsConfig(AppConfig):
    name = "platform_.accounts"
    label = "accounts"
    verbose_name = "People and roles"

    def ready(self) -> None:
        from platform_.accounts import signals  # noqa: PLC0415 -- AppConfig.ready

        user_logged_in.connect(signals.remember_language_at_sign_in, dispatch_uid="accounts.lang")
