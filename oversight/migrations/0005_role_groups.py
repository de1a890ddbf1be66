"""The Secretariat and Group members roles exist on every install, with their permissions.

Django creates permissions after the last migration of a `migrate` run, so this creates the
ones the roles need first. Later migrations that add a permission a role holds call
`role_groups_migrate` again (`oversight/permissions.py`).
"""

from django.db import migrations

from oversight.permissions import role_groups_migrate


class Migration(migrations.Migration):
    dependencies = [
        ("oversight", "0004_outgoing_email_rate_limits_task_workers"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("recommendations", "0001_initial"),
        ("forces", "0005_plan_review"),
        ("reports", "0005_publish_permission"),
    ]

    operations = [migrations.RunPython(role_groups_migrate, migrations.RunPython.noop)]
