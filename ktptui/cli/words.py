"""The command line's own words in the operator's language.

Every parser's help comes from the catalogue: a command's one-line help and
its description are ``cli.help.<command>`` (``cli.help.blanks.receive``), an
option's or argument's help is ``cli.opt.<command>.<dest>`` or, shared by
every command, ``cli.opt.<dest>``; the placeholders of a usage line are
``cli.metavar.<NAME>``. ``translate`` puts them on a built parser (the
English strings beside ``add_argument`` are not what the operator reads).

argparse's own phrases ("usage:", "the following arguments are required:
%s") go through the ``_`` it calls for gettext: ``argparse_words`` lends it
the catalogue for the length of a parse, by argparse's msgid (the same
%-fields), so no English error text is parsed back.
"""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Callable, Iterator
from typing import Any

from ..i18n import CATALOGUE, language, t

#: argparse's msgids (CPython 3.11 to 3.13) -> catalogue keys.
ARGPARSE_KEYS = {
    "usage: ": "argparse.usage",
    "positional arguments": "argparse.positionals",
    "options": "argparse.options",
    "subcommands": "argparse.subcommands",
    "%(heading)s:": "argparse.heading",
    " (default: %(default)s)": "argparse.default",
    "show this help message and exit": "cli.opt.help",
    "show program's version number and exit": "cli.opt.version",
    "the following arguments are required: %s": "argparse.required",
    "invalid choice: %(value)r (choose from %(choices)s)": "argparse.choice",
    "unrecognized arguments: %s": "argparse.unrecognized",
    "expected one argument": "argparse.one",
    "expected at most one argument": "argparse.at_most_one",
    "expected at least one argument": "argparse.at_least_one",
    "argument %(argument_name)s: %(message)s": "argparse.argument",
    "invalid %(type)s value: %(value)r": "argparse.value",
    "ambiguous option: %(option)s could match %(matches)s": "argparse.ambiguous",
    "not allowed with argument %s": "argparse.not_with",
    "one of the arguments %s is required": "argparse.one_of",
    "ignored explicit argument %r": "argparse.explicit",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "argparse.unknown_parser",
}

#: Commands for developers, not for the office: their own options stay in
#: English (only their line in ``ktptui --help`` is translated).
UNTRANSLATED = frozenset({"sim"})


def gettext(message: str) -> str:
    """argparse's phrase ``message`` in the operator's language (an unknown
    msgid, e.g. from a newer Python, stays as argparse wrote it)."""
    key = ARGPARSE_KEYS.get(message)
    return t(key) if key is not None else message


@contextlib.contextmanager
def argparse_words() -> Iterator[None]:
    """argparse speaks the catalogue within this block (its ``_`` is
    module-level: lent for the block, given back after)."""
    module: Any = argparse
    before: Callable[[str], str] = module._
    module._ = gettext
    try:
        yield
    finally:
        module._ = before


def _key(*parts: str) -> str:
    return ".".join(p for p in parts if p)


def _help(path: str, dest: str) -> str | None:
    for key in (_key("cli.opt", path, dest), _key("cli.opt", dest)):
        if key in CATALOGUE:
            return t(key)
    return None


def _metavar(action: argparse.Action) -> None:
    if language() == "en" or action.nargs == 0:
        return  # English: argparse's own; a bare flag shows none
    if action.choices is not None and not isinstance(action, argparse._SubParsersAction):
        if not action.option_strings and action.metavar is None:
            # A usage error names it by its dest (an English word): by its choices instead.
            action.metavar = "{" + ",".join(map(str, action.choices)) + "}"
        return
    shown = action.metavar if isinstance(action.metavar, str) else action.dest.upper()
    key = f"cli.metavar.{shown.upper()}"
    if key in CATALOGUE:
        action.metavar = t(key)


def translate(parser: argparse.ArgumentParser, path: str = "") -> None:
    """Put the catalogue's help, descriptions and placeholders on ``parser``
    and its subcommands, in the language of the moment."""
    key = _key("cli.help", path)
    if key in CATALOGUE:
        parser.description = t(key)
    # Group titles are argparse's words, fixed when the parser was made.
    parser._positionals.title = t("argparse.positionals")
    parser._optionals.title = t("argparse.options")
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            _metavar(action)
            for choice in action._choices_actions:
                name = choice.dest
                if (sub := _key("cli.help", path, name)) in CATALOGUE:
                    choice.help = t(sub)
            for name, sub_parser in action.choices.items():
                if name not in UNTRANSLATED:
                    translate(sub_parser, _key(path, name))
            continue
        if action.help not in (None, argparse.SUPPRESS):
            action.help = _help(path, action.dest) or action.help
        _metavar(action)
