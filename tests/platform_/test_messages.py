"""Our translation catalogues: the committed .mo says what its .po says, and Django uses it."""

import ast
import gettext
from pathlib import Path

from django.utils import translation

LOCALE = Path(__file__).resolve().parents[2] / "locale"


def po_entries(path: Path) -> dict:
    """What a compiled .mo holds for a .po: msgid -> msgstr, ``context\x04msgid`` for a msgid
    with a context, and ``(msgid, n) -> msgstr[n]`` for plurals (as Python's gettext keys
    them). Untranslated and obsolete entries are left out, as msgfmt leaves them out."""
    entries: dict = {}
    current: dict[str, str] = {}
    field = ""

    def finish() -> None:
        msgid = current.get("msgid", "")
        if "msgctxt" in current:
            msgid = f"{current['msgctxt']}\x04{msgid}"
        plurals = sorted(k for k in current if k.startswith("msgstr["))
        if plurals and all(current[k] for k in plurals):
            for k in plurals:
                entries[(msgid, int(k[7:-1]))] = current[k]
        elif current.get("msgstr"):
            entries[msgid] = current["msgstr"]

    for line in [*path.read_text().splitlines(), ""]:
        if line.startswith(("msgctxt ", "msgid ", "msgid_plural ", "msgstr")):
            field, _, value = line.partition(" ")
            if (
                field in ("msgctxt", "msgid")
                and "msgid" in current
                and any(k.startswith("msgstr") for k in current)
            ):
                finish()
                current = {}
            current[field] = ast.literal_eval(value)
        elif line.startswith('"'):
            current[field] += ast.literal_eval(line)
    if current:
        finish()
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
