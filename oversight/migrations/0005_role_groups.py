"""The Secretariat and Group members roles exist on every install, with their permissions.

Django creates permissions after the last migration of a `migrate` run, so this creates the
ones the roles need first. Later migrations that add a permission a role holds call
`role_groups_sync` again (see `sync_role_groups` below).
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
        ("oversight", "0004_outgoing_email_rate_limits_task_workers"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("recommendations", "0001_initial"),
        ("forces", "0005_plan_review"),
        ("reports", "0005_publish_permission"),
    ]

    operations = [migrations.RunPython(sync_role_groups, migrations.RunPython.noop)]
