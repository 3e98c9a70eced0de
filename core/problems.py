"""Rule refusals as data, and one message per problem code for every door.

A rule (a pure check in its app's services) returns a `Problem`: a code and the parameters its
message needs. Every door words it the same way: a page raises it, an import puts it on the
row (and in the failed-rows file), the admin shows it on the form. Each app registers the
messages of its codes, as translatable msgids with %(name)s parameters, in the module that holds
its rules (`register(...)` at import time); `imports/messages.py` keeps only the file- and
cell-level messages of the import framework and falls back to this table for rule codes.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field

_MESSAGES: dict[str, object] = {}


@dataclass(frozen=True)
class Problem:
    code: str
    params: dict = field(default_factory=dict)

    @property
    def message(self) -> str:
        return describe(self.code, self.params)


def register(messages: Mapping[str, object]) -> Mapping[str, object]:
    """Add an app's rule messages (code → lazy msgid). A code has one home: registering the same
    code from two places is a programming error."""
    for code, text in messages.items():
        if code in _MESSAGES and _MESSAGES[code] is not text:
            raise ValueError(f"problem code {code!r} already has a message")
        _MESSAGES[code] = text
    return messages


def is_known(code: str) -> bool:
    return code in _MESSAGES


def describe(code: str, params: Mapping[str, object]) -> str:
    """The message of a problem code in the active language, its parameters filled in."""
    return str(_MESSAGES[code]) % dict(params)
