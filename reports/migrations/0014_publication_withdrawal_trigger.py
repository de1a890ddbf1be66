"""PostgreSQL allows one change to a publication, and only one: its withdrawal (ADR 6).

The trigger of 0003 refused every UPDATE and DELETE. Now an UPDATE of `reports_publication`
passes only when it withdraws the revision: `withdrawn_at` goes from NULL to a time, the
content is the withdrawn form (a `withdrawn` key, no foreword paragraphs, no bullets), the
body is the rendered notice, and no other column changes. It is refused once withdrawn. A
publication's PDF may be deleted only once its publication is withdrawn (it is made again,
of the notice, on the next request); it is never updated. DELETE of a publication is still
refused. TRUNCATE stays refused (0004).

The application's role, which 0004 left with INSERT and SELECT only, gets UPDATE of those three
columns and DELETE of PDFs: the triggers decide the rest (scripts/db_app_role.sh does the same).
SQLite (local development only) gets no trigger, as before.
"""

from django.db import migrations

WITHDRAWAL_ONLY = r"""
CREATE FUNCTION reports_publication_withdrawal_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'UPDATE'
        AND OLD.withdrawn_at IS NULL
        AND NEW.withdrawn_at IS NOT NULL
        AND NEW.id = OLD.id
        AND NEW.edition_id = OLD.edition_id
        AND NEW.revision = OLD.revision
        AND NEW.published_at = OLD.published_at
        AND NEW.published_by_id IS NOT DISTINCT FROM OLD.published_by_id
        AND NEW.change_note = OLD.change_note
        AND jsonb_typeof(NEW.content -> 'withdrawn') = 'object'
        AND NOT jsonb_path_exists(NEW.content, '$.foreword.paragraphs[*]')
        AND NOT jsonb_path_exists(NEW.content, '$.sections[*].bullets[*]')
        AND NEW.body_html LIKE '%data-withdrawn-notice%'
    THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'Published editions never change, except to be withdrawn: % on % refused',
            TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION reports_publicationpdf_withdrawal_only() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' AND EXISTS (
        SELECT FROM reports_publication
        WHERE id = OLD.publication_id AND withdrawn_at IS NOT NULL
    ) THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'Published editions never change, except to be withdrawn: % on % refused',
            TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;

DROP TRIGGER reports_publication_immutable ON reports_publication;
CREATE TRIGGER reports_publication_immutable
    BEFORE UPDATE OR DELETE ON reports_publication
    FOR EACH ROW EXECUTE FUNCTION reports_publication_withdrawal_only();

DROP TRIGGER reports_publicationpdf_immutable ON reports_publicationpdf;
CREATE TRIGGER reports_publicationpdf_immutable
    BEFORE UPDATE OR DELETE ON reports_publicationpdf
    FOR EACH ROW EXECUTE FUNCTION reports_publicationpdf_withdrawal_only();
"""

# Every role but the owner that may insert publications (the application's) may now withdraw.
GRANT_WITHDRAWAL = """
DO $$
DECLARE
    grant_row record;
BEGIN
    FOR grant_row IN
        SELECT DISTINCT acl.grantee
        FROM pg_class c, aclexplode(c.relacl) acl
        WHERE c.oid = 'reports_publication'::regclass
          AND acl.grantee <> c.relowner
          AND acl.grantee <> 0
          AND acl.privilege_type = 'INSERT'
    LOOP
        EXECUTE format(
            'GRANT UPDATE (withdrawn_at, content, body_html) ON reports_publication TO %I',
            pg_get_userbyid(grant_row.grantee)
        );
        EXECUTE format(
            'GRANT DELETE ON reports_publicationpdf TO %I', pg_get_userbyid(grant_row.grantee)
        );
    END LOOP;
END;
$$;
"""

REFUSE_EVERY_CHANGE = """
DROP TRIGGER reports_publicationpdf_immutable ON reports_publicationpdf;
CREATE TRIGGER reports_publicationpdf_immutable
    BEFORE UPDATE OR DELETE ON reports_publicationpdf
    FOR EACH ROW EXECUTE FUNCTION reports_refuse_publication_change();

DROP TRIGGER reports_publication_immutable ON reports_publication;
CREATE TRIGGER reports_publication_immutable
    BEFORE UPDATE OR DELETE ON reports_publication
    FOR EACH ROW EXECUTE FUNCTION reports_refuse_publication_change();

DROP FUNCTION reports_publicationpdf_withdrawal_only();
DROP FUNCTION reports_publication_withdrawal_only();
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(WITHDRAWAL_ONLY, params=None)
        schema_editor.execute(GRANT_WITHDRAWAL, params=None)


def drop_triggers(apps, schema_editor):
    # The granted column privileges stay: without the trigger's leave they give nothing.
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(REFUSE_EVERY_CHANGE, params=None)


class Migration(migrations.Migration):
    dependencies = [("reports", "0013_publication_withdrawal")]

    operations = [migrations.RunPython(create_triggers, drop_triggers, elidable=False)]
