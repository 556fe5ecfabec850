"""Our translation catalogues: the committed .mo says what its .po says, and Django uses it."""

import ast
import gettext
from pathlib import Path

from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "locale"


def po_entries(path: Path) -> dict[str, str]:
    """msgid -> msgstr of a .po file without plurals or contexts (what ours holds)."""
    entries: dict[str, str] = {}
    current: dict[str, str] = {}
    field = ""
    for line in [*path.read_text().splitlines(), ""]:
        if line.startswith(("msgid ", "msgstr ")):
            field, _, value = line.partition(" ")
            if field == "msgid" and "msgstr" in current:
                entries[current["msgid"]] = current["msgstr"]
                current = {}
            current[field] = ast.literal_eval(value)
        elif line.startswith('"'):
            current[field] += ast.literal_eval(line)
    if "msgstr" in current:
        entries[current["msgid"]] = current["msgstr"]
    entries.pop("", None)  # the header
    return entries


def test_every_committed_catalogue_is_compiled_from_its_po():
    catalogues = sorted(LOCALE.glob("*/LC_MESSAGES/django.po"))
    assert catalogues, "no catalogue found"
    for po in catalogues:
        with po.with_suffix(".mo").open("rb") as mo:
            compiled = dict(gettext.GNUTranslations(mo)._catalog)
        compiled.pop("", None)
        assert compiled == po_entries(po), f"{po.with_suffix('.mo')} is stale: run make messages"


def test_allauths_words_are_ours_in_british_english():
    with translation.override("en-gb"):
        assert translation.gettext("Remember Me") == "Keep me signed in"
        assert translation.gettext("Sign Up") == "Create an account"
        assert translation.gettext("Verify Your Email Address") == "Check your email"
