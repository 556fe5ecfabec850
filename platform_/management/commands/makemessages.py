"""Django's makemessages without fuzzy matching: a new sentence must come in untranslated (shown
in English) rather than with the Welsh of a different sentence that looked alike, which msgmerge
would guess and mark fuzzy (and msgfmt then leaves out, silently)."""

from django.core.management.commands.makemessages import Command as MakeMessages


class Command(MakeMessages):
    msgmerge_options = [*MakeMessages.msgmerge_options, "--no-fuzzy-matching"]
