from django.db import migrations

# Unqualified names: the migration runs with the schema being migrated first on the search path.
# CREATE EXTENSION therefore lands in the first schema migrated (the template), as a real app's
# migration would; capturing the template's snapshot moves it to the shared extensions schema.
FORWARD = """
CREATE EXTENSION IF NOT EXISTS citext;

CREATE TABLE drift_note (
    id serial PRIMARY KEY,
    audit_number bigint GENERATED ALWAYS AS IDENTITY,
    title citext NOT NULL UNIQUE,
    title_length integer GENERATED ALWAYS AS (char_length(title::text)) STORED,
    stamped_from text NOT NULL DEFAULT ''
);

CREATE VIEW drift_note_title AS SELECT id, title FROM drift_note;

CREATE FUNCTION drift_stamp() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- A literal that happens to be the template's name is data, and must survive cloning.
    NEW.stamped_from := 'cocharter_template';
SET LOCAL lock_timeout = '5s';
    RETURN NEW;
END
$$;

CREATE TRIGGER drift_note_stamp BEFORE INSERT ON drift_note
    FOR EACH ROW EXECUTE FUNCTION drift_stamp();
"""

BACKWARD = """
DROP TRIGGER drift_note_stamp ON drift_note;
DROP FUNCTION drift_stamp();
DROP VIEW drift_note_title;
DROP TABLE drift_note;
"""


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
