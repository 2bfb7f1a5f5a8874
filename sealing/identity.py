"""Chinese resident identity numbers (GB 11643-1999): check digit, birth date, sex.

Pure functions: used by forms, the rules engine's JSON reader and the demo data.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")


class IdNumberError(ValueError):
    """The number is not a valid 18-digit resident identity number."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class IdNumber:
    number: str
    birth_date: dt.date
    sex: str  # "M" or "F": the 17th digit, odd for men


def check_digit(first17: str) -> str:
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS))
    return _CHECK[total % 11]


def normalize_id_number(raw: str) -> str:
    """Strip spaces, turn full-width digits and a lower-case x into the canonical form."""
    text = (raw or "").strip().replace(" ", "")
    text = text.translate({0xFF10 + i: ord("0") + i for i in range(10)})
    return text.replace("x", "X").replace("ｘ", "X").replace("Ｘ", "X")


def parse_id_number(raw: str) -> IdNumber:
    number = normalize_id_number(raw)
    if not _SHAPE.match(number):
        raise IdNumberError("shape", "must be 17 digits followed by a digit or X")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError as exc:
        raise IdNumberError("birth_date", "digits 7-14 are not a valid birth date") from exc
    if birth.year < 1900:
        raise IdNumberError("birth_date", "digits 7-14 are not a valid birth date")
    if check_digit(number[:17]) != number[17]:
        raise IdNumberError("checksum", "the check digit does not match")
    return IdNumber(number=number, birth_date=birth, sex="M" if int(number[16]) % 2 else "F")


def make_id_number(region: str, birth: dt.date, sequence: int) -> str:
    """Build a valid number (demo data, tests): region 6 digits, sequence 0-999."""
    first17 = f"{region}{birth:%Y%m%d}{sequence:03d}"
    return first17 + check_digit(first17)
