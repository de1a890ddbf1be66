"""Mark each force's older plan versions superseded.

Until now the current plan was “the newest version” and nothing set the superseded status;
from here on the current plan is the one not superseded (`ActionPlan.objects.current()`), and
adding a version supersedes the earlier ones. Reviews stay attached to the version they judge.
"""

from django.db import migrations
from django.db.models import Exists, OuterRef

SUPERSEDED = "superseded"


def mark_superseded(apps, schema_editor) -> None:
    action_plan = apps.get_model("forces", "ActionPlan")
    newer = action_plan.objects.filter(force=OuterRef("force"), version__gt=OuterRef("version"))
    action_plan.objects.filter(Exists(newer)).exclude(status=SUPERSEDED).update(status=SUPERSEDED)


class Migration(migrations.Migration):
    dependencies = [
        ("forces", "0005_plan_review"),
    ]

    # Not reversible in substance: the status an older version had before is not kept.
    operations = [
        migrations.RunPython(mark_superseded, migrations.RunPython.noop),
    ]
