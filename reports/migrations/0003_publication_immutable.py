"""PostgreSQL refuses to change or delete a publication, whatever the code above it does.

SQLite (local development only) gets no trigger: Django's test flush on SQLite deletes rows
one table at a time, which a trigger would refuse. The service and the admin never update or
delete publications on either database.
"""

from django.db import migrations

REFUSE_CHANGES = """
CREATE FUNCTION reports_refuse_publication_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'Published editions never change: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER reports_publication_immutable
    BEFORE UPDATE OR DELETE ON reports_publication
    FOR EACH ROW EXECUTE FUNCTION reports_refuse_publication_change();

CREATE TRIGGER reports_publicationpdf_immutable
    BEFORE UPDATE OR DELETE ON reports_publicationpdf
    FOR EACH ROW EXECUTE FUNCTION reports_refuse_publication_change();
"""

ALLOW_CHANGES = """
DROP TRIGGER reports_publicationpdf_immutable ON reports_publicationpdf;
DROP TRIGGER reports_publication_immutable ON reports_publication;
DROP FUNCTION reports_refuse_publication_change();
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REFUSE_CHANGES, params=None)


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ALLOW_CHANGES, params=None)


class Migration(migrations.Migration):
    dependencies = [("reports", "0002_publications")]

    operations = [migrations.RunPython(create_triggers, drop_triggers, elidable=False)]
