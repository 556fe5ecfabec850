"""Rewrite a ``pg_dump`` script for another schema, reading it as PostgreSQL's lexer would.

A regular expression over the whole text cannot tell ``cocharter_template.note`` (an object
reference to rename) from ``'cocharter_template'`` inside a function body (data to keep), nor a
top-level ``SET search_path = '';`` (a session setting to drop) from a ``SET`` line inside a
``$$`` body (part of the function). So the script is walked token by token: single-quoted strings
(standard, with '' doubling, and E'' with backslash escapes), dollar-quoted bodies (``$$`` and
``$tag$``), double-quoted identifiers, ``--`` and nested ``/* */`` comments, words, and
``;``-separated statements (``BEGIN ATOMIC ... END`` bodies included). Leaf module: no Django.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

# Standard strings follow standard_conforming_strings = on, which pg_dump always sets.
_TOKEN = re.compile(
    r"""
    (?P<space>\s+)
  | (?P<line_comment>--[^\n]*)
  | (?P<estring>[Ee]'[^'\\]*(?:(?:''|\\.)[^'\\]*)*')
  | (?P<string>'[^']*(?:''[^']*)*')
  | (?P<ident>"[^"]*(?:""[^"]*)*")
  | (?P<word>[A-Za-z_\u0080-\uffff][A-Za-z0-9_$\u0080-\uffff]*)
  | (?P<dollar>\$(?:[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*)?\$)
  | (?P<number>[0-9]+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
# A literal cast to an object identifier type names a database object: pg_dump writes a serial
# column's default as nextval('<schema>.<table>_id_seq'::regclass). regrole names no schema.
_OBJECT_REFERENCE_CAST = re.compile(
    r"\s*::\s*(?:pg_catalog\s*\.\s*)?(?:regclass|regcollation|regconfig|regdictionary|"
    r"regnamespace|regoper|regoperator|regproc|regprocedure|regtype)\b",
    re.IGNORECASE,
)
_SIGNIFICANT = {"estring", "string", "ident", "word", "dollar", "number", "other"}


class ScriptSyntaxError(ValueError):
    """The script ends inside a literal, body, identifier or comment."""


@dataclass(frozen=True)
class Token:
    kind: str
    text: str


def tokens(script: str) -> Iterator[Token]:
    """The script as tokens; concatenating their texts gives the script back unchanged.

    Kinds: space, line_comment, block_comment, estring, string, ident, word, dollar (a whole
    dollar-quoted body, delimiters included), number, other (one character), meta (a psql
    backslash command: a line starting with a backslash where no statement has begun).
    """
    position, length = 0, len(script)
    statement_begun = False
    while position < length:
        at_line_start = position == 0 or script[position - 1] == "\n"
        if script[position] == "\\" and at_line_start and not statement_begun:
            end = script.find("\n", position)
            end = length if end == -1 else end
            yield Token("meta", script[position:end])
            position = end
            continue
        if script.startswith("/*", position):
            end = _block_comment_end(script, position)
            yield Token("block_comment", script[position:end])
            position = end
            continue
        match = _TOKEN.match(script, position)
        kind, text = match.lastgroup, match.group()
        if kind == "dollar":
            close = script.find(text, match.end())
            if close == -1:
                raise ScriptSyntaxError(f"Unterminated dollar-quoted body {text} at {position}")
            text = script[position : close + len(text)]
        elif kind == "other" and text in "'\"":
            raise ScriptSyntaxError(f"Unterminated quoted text at {position}")
        if kind in _SIGNIFICANT:
            statement_begun = text != ";"
        yield Token(kind, text)
        position += len(text)


def _block_comment_end(script: str, start: int) -> int:
    """PostgreSQL block comments nest: /* a /* b */ still a comment */."""
    depth, position = 0, start
    while True:
        opening, closing = script.find("/*", position), script.find("*/", position)
        if closing == -1:
            raise ScriptSyntaxError(f"Unterminated block comment at {start}")
        if opening != -1 and opening < closing:
            depth, position = depth + 1, opening + 2
        else:
            depth, position = depth - 1, closing + 2
            if depth == 0:
                return position


def statements(script: str) -> Iterator[list[Token]]:
    """Tokens grouped into top-level statements, each ending with its ``;`` (the last may not).

    A ``;`` inside an SQL-standard function body (``BEGIN ATOMIC ... END``) does not end the
    statement, as in psql.
    """
    current: list[Token] = []
    words: list[str] = []
    atomic_depth = 0
    for token in tokens(script):
        current.append(token)
        if token.kind == "word":
            word = token.text.lower()
            if atomic_depth:
                atomic_depth += {"case": 1, "end": -1}.get(word, 0)
            elif word == "atomic" and words[-1:] == ["begin"] and words[:1] == ["create"]:
                atomic_depth = 1
            words.append(word)
        elif token.kind == "other" and token.text == ";" and not atomic_depth:
            yield current
            current, words = [], []
    if current:
        yield current


def rename_schema(script: str, old: str, new: str) -> str:
    """``script`` with schema ``old`` renamed ``new`` wherever it is an identifier.

    Renamed: bare words equal to ``old`` (unquoted identifiers fold to lower case), the quoted
    identifier ``"old"``, and names inside a literal cast to an object reference type
    (``'old.seq'::regclass``). Untouched: other literals, dollar-quoted bodies, comments.
    Dropped: top-level session settings (``SET ...;``, ``SELECT pg_catalog.set_config(...);``),
    which would leak into the connection that runs the script, and psql meta-commands
    (``\\restrict``), which are not SQL.
    """
    if not (_is_lower_identifier(old) and _is_lower_identifier(new)):
        raise ValueError(f"Schema names must be plain lower-case identifiers: {old!r}, {new!r}")
    output: list[str] = []
    for statement in statements(script):
        first = next(
            (i for i, token in enumerate(statement) if token.kind in _SIGNIFICANT), len(statement)
        )
        if _is_session_setting(statement[first:]):
            output.extend(token.text for token in statement[:first] if token.kind != "meta")
            continue
        for index, token in enumerate(statement):
            output.append(_renamed(token, statement, index, old, new))
    return "".join(output)


def _renamed(token: Token, statement: list[Token], index: int, old: str, new: str) -> str:
    if token.kind == "meta":
        return ""
    if token.kind == "word" and token.text.lower() == old:
        return new
    if token.kind == "ident" and token.text == f'"{old}"':
        return f'"{new}"'
    if token.kind in {"string", "estring"} and _followed_by_reference_cast(statement, index):
        prefix = token.text[: token.text.index("'")]
        inner = token.text[len(prefix) + 1 : -1].replace("''", "'")
        if "\\" in inner:
            return token.text  # pg_dump writes no escapes in object names; leave what it did not
        renamed = "".join(_renamed(t, [t], 0, old, new) for t in tokens(inner))
        quoted = renamed.replace("'", "''")
        return f"{prefix}'{quoted}'"
    return token.text


def _followed_by_reference_cast(statement: list[Token], index: int) -> bool:
    following = "".join(token.text for token in statement[index + 1 : index + 8])
    return _OBJECT_REFERENCE_CAST.match(following) is not None


def _is_session_setting(statement: list[Token]) -> bool:
    words = [token.text.lower() for token in statement if token.kind in {"word", "other"}]
    words = [word for word in words if word != "."]
    if words[:1] == ["set"]:
        return True
    return words[:2] == ["select", "set_config"] or words[:3] == [
        "select",
        "pg_catalog",
        "set_config",
    ]


def _is_lower_identifier(name: str) -> bool:
    return re.fullmatch(r"[a-z_][a-z0-9_$]{0,62}", name) is not None
