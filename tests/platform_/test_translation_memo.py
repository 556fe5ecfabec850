"""Translations remembered per message (platform_/translation_memo.py) say what Django says."""

from django.utils import translation
from django.utils.translation import trans_real


def test_a_remembered_translation_is_the_catalogs_own():
    looked_up = {}
    for language in ("cy", "en-gb"):
        with translation.override(language):
            first = translation.gettext("Sign out")
            again = translation.gettext("Sign out")
        looked_up[language] = (first, again)
        # Straight from the catalogs, past the memo.
        memo = trans_real.translation(language).__dict__.get("_gettext_memo")
        assert memo is not None and memo["Sign out"] == first

    assert looked_up == {"cy": ("Allgofnodi", "Allgofnodi"), "en-gb": ("Sign out", "Sign out")}


def test_languages_keep_their_own_memo():
    with translation.override("cy"):
        welsh = translation.gettext("Home")
    with translation.override("en-gb"):
        english = translation.gettext("Home")

    assert english == "Home"
    assert welsh != english
