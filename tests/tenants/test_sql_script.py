"""The pg_dump script reader: renames the schema only where it is an identifier."""

import pytest

from tenants.sql_script import ScriptSyntaxError, rename_schema, statements, tokens

OLD, NEW = "cocharter_template", "t_new"


def rename(script: str) -> str:
    return rename_schema(script, OLD, NEW)


def test_rename_schema_renames_bare_and_quoted_identifiers():
    script = 'CREATE TABLE cocharter_template.a (id int);\nALTER TABLE "cocharter_template"."A" x;'

    assert rename(script) == 'CREATE TABLE t_new.a (id int);\nALTER TABLE "t_new"."A" x;'


def test_rename_schema_renames_unquoted_identifiers_in_any_case():
    assert rename("CREATE SCHEMA Cocharter_Template;") == "CREATE SCHEMA t_new;"


def test_rename_schema_leaves_longer_names_and_other_quoted_identifiers_alone():
    script = 'SELECT cocharter_template_x, x_cocharter_template, "Cocharter_Template" FROM y;'

    assert rename(script) == script


def test_rename_schema_leaves_string_literals_alone():
    script = "SELECT 'cocharter_template', 'it''s cocharter_template.a' FROM cocharter_template.t;"

    assert rename(script) == (
        "SELECT 'cocharter_template', 'it''s cocharter_template.a' FROM t_new.t;"
    )


def test_rename_schema_reads_escape_strings_with_backslashes():
    # In E'' a backslash escapes the quote: the literal does not end after "it".
    script = r"SELECT E'it\'s cocharter_template', E'a\\' , cocharter_template.f();"

    assert rename(script) == r"SELECT E'it\'s cocharter_template', E'a\\' , t_new.f();"


def test_rename_schema_leaves_dollar_quoted_bodies_alone():
    script = (
        "CREATE FUNCTION cocharter_template.f() RETURNS text LANGUAGE plpgsql AS $$\n"
        "BEGIN RETURN 'cocharter_template'; END $$;\n"
        "CREATE FUNCTION cocharter_template.g() RETURNS text LANGUAGE plpgsql AS $fn$\n"
        "BEGIN EXECUTE $$SELECT cocharter_template.x$$; RETURN cocharter_template.h(); END\n"
        "$fn$;\n"
    )

    assert rename(script) == script.replace("FUNCTION cocharter_template.", "FUNCTION t_new.")


def test_rename_schema_does_not_take_a_dollar_in_a_word_or_a_parameter_for_a_quote():
    script = "SELECT a$b$, $1 FROM cocharter_template.t WHERE x = $2;"

    assert rename(script) == "SELECT a$b$, $1 FROM t_new.t WHERE x = $2;"


def test_rename_schema_leaves_comments_alone_nested_ones_included():
    script = (
        "-- Name: cocharter_template; Type: SCHEMA\n"
        "/* outer /* cocharter_template */ still 'comment */ CREATE SCHEMA cocharter_template;"
    )

    assert rename(script) == (
        "-- Name: cocharter_template; Type: SCHEMA\n"
        "/* outer /* cocharter_template */ still 'comment */ CREATE SCHEMA t_new;"
    )


def test_rename_schema_renames_a_literal_cast_to_regclass_as_the_object_reference_it_is():
    script = (
        "ALTER TABLE cocharter_template.t ALTER id SET DEFAULT "
        "nextval('cocharter_template.t_id_seq'::regclass);\n"
        'SELECT \'"cocharter_template"."T"\' :: pg_catalog.regclass, '
        "'cocharter_template.f'::regproc, 'cocharter_template.t'::text;"
    )

    assert rename(script) == (
        "ALTER TABLE t_new.t ALTER id SET DEFAULT nextval('t_new.t_id_seq'::regclass);\n"
        'SELECT \'"t_new"."T"\' :: pg_catalog.regclass, '
        "'t_new.f'::regproc, 'cocharter_template.t'::text;"
    )


def test_rename_schema_drops_top_level_session_settings_only():
    script = (
        "SET statement_timeout = 0;\n"
        "SELECT pg_catalog.set_config('search_path', '', false);\n"
        "set client_encoding = 'UTF8';\n"
        "CREATE FUNCTION cocharter_template.f() RETURNS void LANGUAGE plpgsql AS $$\n"
        "BEGIN\n"
        "SET LOCAL lock_timeout = '5s';\n"
        "END $$;\n"
        "ALTER TABLE cocharter_template.t ALTER x SET NOT NULL;\n"
    )

    assert rename(script) == (
        "\n\n\n"
        "CREATE FUNCTION t_new.f() RETURNS void LANGUAGE plpgsql AS $$\n"
        "BEGIN\n"
        "SET LOCAL lock_timeout = '5s';\n"
        "END $$;\n"
        "ALTER TABLE t_new.t ALTER x SET NOT NULL;\n"
    )


def test_rename_schema_drops_psql_meta_commands_but_not_backslashes_inside_bodies():
    script = (
        "\\restrict AbC123\n"
        "CREATE FUNCTION cocharter_template.f() RETURNS text LANGUAGE sql AS $$\n"
        "\\restrict stays, it is text\n"
        "$$;\n"
        "\\unrestrict AbC123\n"
    )

    assert rename(script) == (
        "\n"
        "CREATE FUNCTION t_new.f() RETURNS text LANGUAGE sql AS $$\n"
        "\\restrict stays, it is text\n"
        "$$;\n"
        "\n"
    )


def test_rename_schema_keeps_statements_inside_a_begin_atomic_body():
    script = (
        "CREATE FUNCTION cocharter_template.f() RETURNS text LANGUAGE sql BEGIN ATOMIC\n"
        " SELECT set_config('a.b', 'c', true);\n"
        " SELECT CASE WHEN true THEN 'x' END;\n"
        "END;\n"
        "SET a = 1;\n"
    )

    assert rename(script) == script.replace("cocharter_template", "t_new").replace(
        "SET a = 1;\n", "\n"
    )
    assert len(list(statements(script))) == 3  # the function, SET, the final newline


@pytest.mark.parametrize(
    "script",
    ["SELECT 'open", 'SELECT "open', "SELECT $$ open", "SELECT $a$ open $b$", "/* /* */"],
)
def test_rename_schema_refuses_a_script_that_ends_inside_quoted_text(script):
    with pytest.raises(ScriptSyntaxError):
        rename(script)


def test_tokens_give_the_script_back_unchanged():
    script = (
        "\\restrict k\nSET x = 'y';\nCREATE TABLE \"a\"\"b\" (c text DEFAULT E'\\'' || 'd''');"
        "\n/* c /* d */ */ -- e\nSELECT $q$ f $q$;"
    )

    assert "".join(token.text for token in tokens(script)) == script


def test_rename_schema_refuses_names_it_could_not_write_unquoted():
    with pytest.raises(ValueError):
        rename_schema("SELECT 1;", OLD, 'x"; DROP')
