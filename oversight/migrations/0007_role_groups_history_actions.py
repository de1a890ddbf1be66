"""The roles again, now that meeting actions and the history models add permissions.

The same step as 0005_role_groups: the secretariat holds every permission of the service's
apps, the historical records' (history pages, revert) and meeting actions' included.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

from oversight.permissions import role_groups_sync

APPS_WITH_ROLE_PERMISSIONS = ("oversight", "recommendations", "forces", "reports")


def sync_role_groups(apps, schema_editor) -> None:
    for label in APPS_WITH_ROLE_PERMISSIONS:
        app_config = apps.get_app_config(label)
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
    role_groups_sync(apps)


class Migration(migrations.Migration):
    dependencies = [
        ("oversight", "0006_meeting_agenda_decisions_actions_history"),
        ("recommendations", "0002_history"),
        ("forces", "0008_history"),
        ("reports", "0006_history"),
    ]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
