"""A published policy version, and its documents, cannot be changed or deleted, by any route.

The model refuses it; these PostgreSQL triggers refuse it too for raw SQL,
bulk updates and any other code path. Rewriting a row with identical values
is allowed, so `loaddata reference` can be run again over a published
version. SQLite (a developer's laptop) relies on the model alone.
"""

from django.db import migrations

FORWARD = """
CREATE FUNCTION policies_published_version_frozen() RETURNS trigger AS $$
BEGIN
    IF OLD.published_on IS NOT NULL THEN
        IF TG_OP = 'DELETE' THEN
            RAISE EXCEPTION 'policy version % is published and cannot be deleted', OLD.id
                USING ERRCODE = 'restrict_violation';
        ELSIF NEW IS DISTINCT FROM OLD THEN
            RAISE EXCEPTION 'policy version % is published and cannot be changed', OLD.id
                USING ERRCODE = 'restrict_violation';
        END IF;
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER policies_policyversion_frozen
    BEFORE UPDATE OR DELETE ON policies_policyversion
    FOR EACH ROW EXECUTE FUNCTION policies_published_version_frozen();

CREATE FUNCTION policies_published_document_frozen() RETURNS trigger AS $$
BEGIN
    IF TG_OP <> 'INSERT' AND EXISTS (
        SELECT 1 FROM policies_policyversion WHERE id = OLD.version_id AND published_on IS NOT NULL
    ) AND (TG_OP = 'DELETE' OR NEW IS DISTINCT FROM OLD) THEN
        RAISE EXCEPTION 'document % belongs to a published policy version and cannot be changed', OLD.id
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF TG_OP <> 'DELETE' AND EXISTS (
        SELECT 1 FROM policies_policyversion WHERE id = NEW.version_id AND published_on IS NOT NULL
    ) AND (TG_OP = 'INSERT' OR NEW IS DISTINCT FROM OLD) THEN
        RAISE EXCEPTION 'a published policy version cannot be given new documents'
            USING ERRCODE = 'restrict_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER policies_policydocument_frozen
    BEFORE INSERT OR UPDATE OR DELETE ON policies_policydocument
    FOR EACH ROW EXECUTE FUNCTION policies_published_document_frozen();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS policies_policydocument_frozen ON policies_policydocument;
DROP FUNCTION IF EXISTS policies_published_document_frozen();
DROP TRIGGER IF EXISTS policies_policyversion_frozen ON policies_policyversion;
DROP FUNCTION IF EXISTS policies_published_version_frozen();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("policies", "0002_register_posts_versions_reviews")]

    operations = [migrations.RunPython(forward, backward)]
