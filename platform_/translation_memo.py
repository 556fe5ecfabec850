"""Each language's translations remembered per message, in this process.

Django looks a message up in every catalog merged into a language (eight, one per plural rule
among the installed apps' catalogs) and then down a chain of five fallback catalogs (the apps'
"en" ones under "en_GB"), before giving the English back: 6-7 microseconds a message, 150 or
more of them on a signed-in page (every `{% translate %}`, every choice label). The answer for a
message never changes while the translation object lives: Django builds one per language once,
and builds them anew (so starts with an empty memo) when it drops them (catalogs edited under
runserver, settings changed in tests).
"""

from __future__ import annotations

from django.utils.translation import trans_real

# Messages are the literal strings of code and templates, a few thousand; the bound only keeps
# a message built from data (nothing does that today) from growing the memo without end.
MAX_MESSAGES = 20_000


def install() -> None:
    cls = trans_real.DjangoTranslation
    if getattr(cls, "_memoised_gettext", False):
        return
    looked_up = cls.gettext

    def gettext(self, message):
        memo = self.__dict__.get("_gettext_memo")
        if memo is None:
            memo = self._gettext_memo = {}
        try:
            return memo[message]
        except KeyError:
            pass
        translated = looked_up(self, message)
        if len(memo) < MAX_MESSAGES:
            memo[message] = translated
        return translated

    cls.gettext = gettext
    cls._memoised_gettext = True
