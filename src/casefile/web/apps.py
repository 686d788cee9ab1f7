from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "casefile.web"
    label = "web"
    verbose_name = "casefile 网页端"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        import casefile.app  # noqa: F401  (registers the after-commit refresh of derived data)
        from casefile.web import signals  # noqa: F401  (login records)
