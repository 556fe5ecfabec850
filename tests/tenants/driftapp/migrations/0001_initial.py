from django.db import migrations

# An extension this server has: the system PostgreSQL ships contrib's citext, the embedded
# pgserver only pgvector. Its type is a column of drift_note either way.
EXTENSION_TYPES = {"citext": "citext", "vector": "vector(3)"}

# Unqualified names: the migration runs with the schema being migrated first on the search path.
# CREATE EXTENSION therefore lands in the first schema migrated (the template), as a real app's
# migration would; capturing the template's snapshot moves it to the shared extensions schema.
FORWARD = """
CREATE EXTENSION IF NOT EXISTS {extension};

CREATE TABLE drift_note (
    id serial PRIMARY KEY,
    audit_number bigint GENERATED ALWAYS AS IDENTITY,
    title text NOT NULL UNIQUE,
    tag {extension_type},
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


def available_extension(cursor) -> str:
    cursor.execute(
        "SELECT name FROM pg_available_extensions WHERE name = ANY(%s) ORDER BY name",
        [list(EXTENSION_TYPES)],
    )
    row = cursor.fetchone()
    if row is None:
        raise RuntimeError("The drift test app needs citext or pgvector on this server.")
    return row[0]


def forward(apps, schema_editor) -> None:
    with schema_editor.connection.cursor() as cursor:
        extension = available_extension(cursor)
        cursor.execute(
            FORWARD.replace("{extension_type}", EXTENSION_TYPES[extension]).replace(
                "{extension}", extension
            )
        )


def backward(apps, schema_editor) -> None:
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(BACKWARD)


class Migration(migrations.Migration):
    initial = True
    dependencies = []
    operations = [migrations.RunPython(forward, backward)]
