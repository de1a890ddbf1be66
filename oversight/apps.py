from django.apps import AppConfig


class OversightConfig(AppConfig):
    """The National Oversight Group itself: its members, organisations and meetings."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "oversight"
    verbose_name = "Oversight group"

    def ready(self) -> None:
        # Connects the authentication event logging and registers the email deploy checks.
        # History (values before and after, revert) of the group's records: issue 10.
        from simple_history import register

        from oversight.models import Meeting, MeetingAction, Member, Organisation

        # Registered before anything else is imported: a field copied for the history model
        # after a query has used it keeps that query's cached column, on the wrong table.
        for model in (Member, Organisation, MeetingAction):
            register(model)
        register(Meeting, m2m_fields=["attendees"])

        from oversight import accounts, checks  # noqa: F401
        from oversight.signed_in import accounts_depend_on_signals

        accounts_depend_on_signals()
