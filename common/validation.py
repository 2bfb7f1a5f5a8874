"""Checks of untrusted request values that several apps repeat."""
from __future__ import annotations

from collections.abc import Iterable

BIGINT_MAX = 2 ** 63 - 1  # the largest primary key any of our databases stores


def pk_or_none(value: str | None) -> int | None:
    """A primary key from a request parameter, or None: ASCII digits within the bigint range only
    (``str.isdigit`` also accepts "²" and "١", which ``int`` refuses or the database cannot compare)."""
    if not value or len(value) > 19 or not (value.isascii() and value.isdigit()):
        return None
    number = int(value)
    return number if 0 < number <= BIGINT_MAX else None


def pks(values: Iterable[str]) -> list[int]:
    """The primary keys among request parameters (``request.GET.getlist(...)``); anything else is dropped."""
    return [pk for pk in map(pk_or_none, values) if pk is not None]
