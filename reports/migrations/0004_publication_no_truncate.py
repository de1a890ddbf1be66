"""PostgreSQL refuses to TRUNCATE publications, and only their owner may change them at all.

0003's row triggers do not fire on TRUNCATE, which empties a table at once, nor on one that
cascades from a table referring to it (`TRUNCATE reports_quarterlyupdate CASCADE`). A
statement trigger refuses both, for every role, the owner included, unless the session has
deliberately set `oversight.allow_truncate = on`. The test suite's flush between
transactional tests does (tests/conftest.py); the application's role has no TRUNCATE
privilege, so the setting gives it nothing.

The application connects as a role that owns nothing (scripts/db_app_role.sh), whose default
privileges give it UPDATE and DELETE on every table the owner creates: here every role but the
owner loses UPDATE, DELETE, TRUNCATE and TRIGGER on the two tables, so that it may only insert
and read them. SQLite (local development only) gets neither.
"""

from django.db import migrations

REFUSE_TRUNCATE = """
CREATE FUNCTION reports_refuse_publication_truncate() RETURNS trigger AS $$
BEGIN
    IF current_setting('oversight.allow_truncate', true) = 'on' THEN
        RETURN NULL;
    END IF;
    RAISE EXCEPTION 'Published editions never change: TRUNCATE on % refused', TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER reports_publication_no_truncate
    BEFORE TRUNCATE ON reports_publication
    FOR EACH STATEMENT EXECUTE FUNCTION reports_refuse_publication_truncate();

CREATE TRIGGER reports_publicationpdf_no_truncate
    BEFORE TRUNCATE ON reports_publicationpdf
    FOR EACH STATEMENT EXECUTE FUNCTION reports_refuse_publication_truncate();
"""

# Every grantee but the owner (0 is PUBLIC) loses what would let it change or empty the rows.
INSERT_AND_READ_ONLY = """
DO $$
DECLARE
    grant_row record;
BEGIN
    FOR grant_row IN
        SELECT DISTINCT c.oid::regclass AS tablename, acl.grantee
        FROM pg_class c, aclexplode(c.relacl) acl
        WHERE c.oid IN ('reports_publication'::regclass, 'reports_publicationpdf'::regclass)
          AND acl.grantee <> c.relowner
          AND acl.privilege_type IN ('UPDATE', 'DELETE', 'TRUNCATE', 'TRIGGER')
    LOOP
        EXECUTE format(
            'REVOKE UPDATE, DELETE, TRUNCATE, TRIGGER ON %s FROM %s',
            grant_row.tablename,
            CASE WHEN grant_row.grantee = 0 THEN 'PUBLIC'
                 ELSE quote_ident(pg_get_userbyid(grant_row.grantee)) END
        );
    END LOOP;
END;
$$;
"""

ALLOW_TRUNCATE = """
DROP TRIGGER reports_publicationpdf_no_truncate ON reports_publicationpdf;
DROP TRIGGER reports_publication_no_truncate ON reports_publication;
DROP FUNCTION reports_refuse_publication_truncate();
"""


def create_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REFUSE_TRUNCATE, params=None)
        schema_editor.execute(INSERT_AND_READ_ONLY, params=None)


def drop_trigger(apps, schema_editor):
    # The revoked privileges stay revoked: scripts/db_app_role.sh grants what the role needs.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(ALLOW_TRUNCATE, params=None)


class Migration(migrations.Migration):
    dependencies = [("reports", "0003_publication_immutable")]

    operations = [migrations.RunPython(create_trigger, drop_trigger, elidable=False)]
