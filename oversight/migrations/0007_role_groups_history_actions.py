"""The roles again, now that meeting actions and the history models add permissions.

The same step as 0005_role_groups: the secretariat holds every permission of the service's
apps, the historical records' (history pages, revert) and meeting actions' included.
"""

from django.db import migrations

from oversight.permissions import role_groups_migrate


class Migration(migrations.Migration):
    dependencies = [
        ("oversight", "0006_meeting_agenda_decisions_actions_history"),
        ("recommendations", "0002_history"),
        ("forces", "0008_history"),
        ("reports", "0006_history"),
    ]

    operations = [migrations.RunPython(role_groups_migrate, migrations.RunPython.noop)]
