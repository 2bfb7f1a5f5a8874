"""What both pure engines share (sealing.rules and queries.rules): standard library only.

- `TraceStep` and `json_ready`: one trace shape, one JSON-friendly copy;
- `InputError`: invalid input naming the field (`cases[0].sentence.months` is `sentence.months`
  with `index` 0), the error shape of common/jsoncommand.py;
- the JSON field readers: dates, integers, booleans, choices, identifiers, lists, unknown keys,
  duplicate ids — each raises InputError naming the field;
- `zh`: a date as a clerk writes it;
- `Msg` and `Text`: a trace sentence as a code and its parameters. Each `Msg` holds the law's words in
  Chinese (what the engines write into `message`, for documents and the JSON commands) and their English;
  the web app renders a step's `text` in the reader's language (sealing/presentation.py `step_message`).

    from sealing.rules import InputError, TraceStep, read_date, check_keys, zh
"""
from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass, field
from typing import Any, Iterable

__all__ = [
    "MAX_COUNT",
    "MAX_YEAR",
    "MESSAGES",
    "MIN_YEAR",
    "InputError",
    "Msg",
    "Text",
    "TraceStep",
    "check_keys",
    "without_text",
    "check_unique",
    "is_int",
    "joined",
    "json_ready",
    "optional_bool",
    "optional_count",
    "optional_date",
    "read_bool",
    "read_choice",
    "read_date",
    "read_identifier",
    "read_int",
    "read_list",
    "required_choice",
    "required_date",
    "suggest",
    "zh",
]


# --- trace -----------------------------------------------------------------------------------

def json_ready(value: Any) -> Any:
    """JSON-friendly copy: dates become ISO strings, tuples/sets become lists."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(json_ready(v) for v in value)
    return value


MESSAGES: dict[str, "Msg"] = {}
_FIELD = re.compile(r"{(\w+)}")


def _fields(template: str) -> set[str]:
    return set(_FIELD.findall(template))


@dataclass(frozen=True)
class Msg:
    """A sentence of the trace: its code, the Chinese the engines write, the English the web app shows.

    Written positionally, ``Msg("J-AGE.juvenile", "中文{age}", "English {age}")``: the catalogues are
    extracted from these calls (xgettext keyword ``Msg:1c,3``: the code is the context, the English the
    msgid, the Chinese its zh_Hans translation — tests/test_trace_text.py keeps the two equal). Placeholders
    are ``{name}``; a parameter is a string or number (shown as it is), a date, None (an unknown date), a
    `Text` (a phrase rendered in the same language) or a list of those (joined by ``list.sep``).
    """

    key: str
    zh: str
    en: str

    def __post_init__(self):
        if _fields(self.zh) != _fields(self.en):
            raise ValueError(f"message {self.key}: the Chinese and the English name different parameters")
        known = MESSAGES.get(self.key)
        if known is not None and known != self:
            raise ValueError(f"message {self.key} is defined twice with different words")
        MESSAGES[self.key] = self

    def __call__(self, **params: Any) -> "Text":
        if set(params) != _fields(self.zh):
            raise TypeError(f"message {self.key} takes {sorted(_fields(self.zh))}, not {sorted(params)}")
        return Text(self.key, params)


@dataclass(frozen=True)
class Text:
    """A `Msg` with its parameters: rendered in Chinese here, in the reader's language by the web app."""

    key: str
    params: dict = field(default_factory=dict)

    def render(self, template: Any, date: Any, sep: str) -> str:
        """`template(msg)` gives the words of a Msg in the language wanted, `date(day or None)` a date."""
        if self.key == JOIN:
            return template(MESSAGES[self.params["sep"]]).join(
                item.render(template, date, sep) if isinstance(item, Text) else str(item)
                for item in self.params["items"])

        def value(item: Any) -> str:
            if isinstance(item, Text):
                return item.render(template, date, sep)
            if isinstance(item, (list, tuple)):
                return sep.join(value(x) for x in item)
            if item is None or isinstance(item, dt.date):
                return date(item)
            return str(item)
        return template(MESSAGES[self.key]).format(**{k: value(v) for k, v in self.params.items()})

    def zh(self) -> str:
        return self.render(lambda msg: msg.zh, zh, LIST_SEP.zh)

    @classmethod
    def from_dict(cls, data: dict) -> "Text":
        """The Text a `to_dict` wrote (a stored step's ``text``); KeyError for a code no Msg defines."""
        def value(item: Any) -> Any:
            if isinstance(item, dict) and "key" in item:
                return cls.from_dict(item)
            if isinstance(item, dict) and "date" in item:
                return dt.date.fromisoformat(item["date"])
            if isinstance(item, list):
                return [value(x) for x in item]
            return item
        if data["key"] != JOIN and data["key"] not in MESSAGES:
            raise KeyError(data["key"])
        return cls(data["key"], {k: value(v) for k, v in (data.get("params") or {}).items()})

    def to_dict(self) -> dict:
        """JSON: nested phrases as {"key", "params"}, dates as {"date": ISO}, an unknown date as null."""
        def value(item: Any) -> Any:
            if isinstance(item, Text):
                return item.to_dict()
            if isinstance(item, (list, tuple)):
                return [value(x) for x in item]
            if isinstance(item, dt.date):
                return {"date": item.isoformat()}
            return item
        return {"key": self.key, "params": {k: value(v) for k, v in self.params.items()}}


UNKNOWN_DATE = Msg("date.unknown", "（未知）", "(unknown)")
LIST_SEP = Msg("list.sep", "、", ", ")
SEMICOLON = Msg("list.semicolon", "；", "; ")
JOIN = "list.join"  # a Text of phrases one after the other (`joined`); not a Msg of its own


def joined(items: Iterable[Any], sep: Msg = SEMICOLON) -> Text:
    """Phrases (Texts or data strings) one after the other, separated by ``sep`` (a Msg without parameters):
    flat however many there are (a chain of nested Texts would be as deep as the list is long)."""
    if sep.key not in MESSAGES or _fields(sep.zh):
        raise ValueError(f"{sep.key} is not a separator")
    return Text(JOIN, {"items": list(items), "sep": sep.key})


@dataclass(frozen=True)
class TraceStep:
    """One step of a decision. ``message`` may be given as a `Text`: the step then keeps it as ``text``
    and its Chinese as ``message``."""

    rule: str  # stable rule id, e.g. "J-AGE", "A-EXCL-DRUG", "Q-CERT"
    source: str  # legal source
    outcome: str  # short machine word: applies, eligible, not_eligible, undetermined, ...
    message: Any  # a sentence a clerk can read (Chinese), or the Text it is rendered from
    facts: dict = field(default_factory=dict)
    text: Text | None = None

    def __post_init__(self):
        if isinstance(self.message, Text):
            object.__setattr__(self, "text", self.message)
            object.__setattr__(self, "message", self.message.zh())

    def to_dict(self) -> dict:
        data = {
            "rule": self.rule,
            "source": self.source,
            "outcome": self.outcome,
            "message": self.message,
            "facts": json_ready(self.facts),
        }
        if self.text is not None:
            data["text"] = self.text.to_dict()
        return data


def without_text(decision: dict) -> dict:
    """A decision's dict as the JSON commands print it: each step's rule, source, outcome, Chinese message and
    facts (DESIGN.md's contract), without the ``text`` the web app renders from."""
    if not decision.get("trace"):
        return decision
    return {**decision, "trace": [{k: v for k, v in step.items() if k != "text"} for step in decision["trace"]]}


def zh(day: dt.date | None) -> str:
    """A date as a clerk writes it: 2024年2月29日."""
    if day is None:
        return UNKNOWN_DATE.zh
    return f"{day.year}年{day.month}月{day.day}日"


# --- input errors ----------------------------------------------------------------------------

class InputError(Exception):
    """Invalid input; `field` names where (e.g. "events[1].date"), `index` the item in a list.

    `code` is a stable machine word (e.g. "unknown_key", "sentence_months_range") for callers that
    map errors to their own messages; `message` is the human text (English, field-relative).
    """

    def __init__(self, field: str, message: str, index: int | None = None, code: str = "invalid"):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message
        self.index = index
        self.code = code

    def to_dict(self) -> dict:
        data: dict[str, Any] = {"error": self.message, "field": self.field}
        if self.index is not None:
            data["index"] = self.index
        return data


# --- typed readers ---------------------------------------------------------------------------

# Plausibility bounds: beyond them a value is a typing error, and date arithmetic would overflow.
MIN_YEAR, MAX_YEAR = 1900, 2200
MAX_COUNT = 100_000

_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _join(field_prefix: str, key: str) -> str:
    return f"{field_prefix}.{key}" if field_prefix else key


def is_int(value: Any) -> bool:
    """An integer, and not a bool (JSON true is not 1)."""
    return isinstance(value, int) and not isinstance(value, bool)


def read_date(value: Any, field: str) -> dt.date:
    """An ISO date string YYYY-MM-DD naming a real calendar day between MIN_YEAR and MAX_YEAR."""
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        raise InputError(field, "must be a date string YYYY-MM-DD", code="date_format")
    try:
        parsed = dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(field, "is not a valid calendar date", code="date_invalid") from None
    if not MIN_YEAR <= parsed.year <= MAX_YEAR:
        raise InputError(field, f"year must be between {MIN_YEAR} and {MAX_YEAR}", code="date_range")
    return parsed


def optional_date(obj: dict, key: str, field: str | None = None) -> dt.date | None:
    value = obj.get(key)
    if value is None:
        return None
    return read_date(value, field or key)


def required_date(obj: dict, key: str, field: str | None = None) -> dt.date:
    if obj.get(key) is None:
        raise InputError(field or key, "is required", code="required")
    return read_date(obj[key], field or key)


def read_int(value: Any, field: str, minimum: int = 0, maximum: int = MAX_COUNT) -> int:
    if not is_int(value):
        raise InputError(field, "must be an integer", code="int_type")
    if value < minimum:
        if minimum == 0:
            raise InputError(field, "must not be negative", code="int_range")
        raise InputError(field, f"must be at least {minimum}", code="int_range")
    if value > maximum:
        raise InputError(field, f"must not exceed {maximum}", code="int_range")
    return value


def optional_count(obj: dict, key: str, field: str | None = None) -> int:
    """A non-negative integer; absent or null is 0."""
    value = obj.get(key)
    if value is None:
        return 0
    return read_int(value, field or key)


def read_bool(value: Any, field: str) -> bool:
    if not isinstance(value, bool):
        raise InputError(field, "must be true or false", code="bool_type")
    return value


def optional_bool(obj: dict, key: str, field: str | None = None, default: bool | None = None) -> bool | None:
    value = obj.get(key)
    if value is None:
        return default
    return read_bool(value, field or key)


def read_choice(value: Any, field: str, choices: Iterable[str]) -> str:
    choices = tuple(choices)
    if not isinstance(value, str) or value not in choices:
        raise InputError(field, f"must be one of {', '.join(choices)}", code="choice")
    return value


def required_choice(obj: dict, key: str, choices: Iterable[str], field: str | None = None) -> str:
    value = obj.get(key)
    if value is None:
        raise InputError(field or key, "is required", code="required")
    return read_choice(value, field or key, choices)


def read_identifier(value: Any, field: str) -> Any:
    """An id: a non-empty string or an integer."""
    if value is None:
        raise InputError(field, "is required", code="required")
    if is_int(value):
        return value
    if isinstance(value, str) and value.strip():
        return value
    raise InputError(field, "must be a non-empty string or an integer", code="identifier")


def read_list(obj: dict, key: str, field: str | None = None, max_items: int = MAX_COUNT) -> list:
    """A JSON array; absent or null is the empty list."""
    value = obj.get(key)
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(field or key, "must be a list", code="list_type")
    if len(value) > max_items:
        raise InputError(field or key, f"must not hold more than {max_items} items", code="list_size")
    return value


def suggest(word: str, candidates: Iterable[str], n: int = 1, cutoff: float = 0.6) -> list[str]:
    """The nearest spellings of `word` among `candidates` (difflib)."""
    return difflib.get_close_matches(word, list(candidates), n=n, cutoff=cutoff)


def check_keys(obj: dict, allowed: Iterable[str], prefix: str = "") -> None:
    """Unknown keys are errors: a misspelt `prior_conviction` must not silently change a decision."""
    allowed = tuple(allowed)
    for key in obj:
        if key not in allowed:
            name = _join(prefix, str(key))
            near = suggest(str(key), allowed)
            hint = f" (did you mean {near[0]!r}?)" if near else ""
            raise InputError(name, f"unknown field {str(key)!r}{hint}", code="unknown_key")


def check_unique(ids: Iterable[tuple[str, Any]], what: str = "id") -> None:
    """`ids` = (field, value) pairs in order; the second occurrence of a value is the error."""
    seen: set = set()
    for field_name, value in ids:
        marker = (type(value).__name__, value) if not isinstance(value, (list, dict)) else repr(value)
        if marker in seen:
            raise InputError(field_name, f"duplicate {what} {value!r}", code="duplicate")
        seen.add(marker)
