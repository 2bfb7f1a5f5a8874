"""Case and document numbers (案号/文号): validation and one canonical spelling.

Court case numbers follow 《关于人民法院案件案号的若干规定》: （year）court code + type code + sequence + 号,
e.g. （2024）粤0106刑初123号. Procuratorate and police document numbers put the year in 〔〕:
穗越检刑不诉〔2024〕12号. Brackets may be typed full- or half-width; the stored form is canonical.
"""
from __future__ import annotations

import re

_HALF_TO_FULL = str.maketrans({"(": "（", ")": "）", "[": "〔", "]": "〕", "【": "〔", "】": "〕", "［": "〔", "］": "〕"})
_FULL_DIGITS = {0xFF10 + i: ord("0") + i for i in range(10)}

COURT_PATTERN = re.compile(
    r"^（(?P<year>\d{4})）(?P<court>[\u4e00-\u9fff]{1,3}\d{0,4})(?P<type>刑[\u4e00-\u9fff]{0,3}?)(?P<seq>\d{1,6})号$"
)
DOCUMENT_PATTERN = re.compile(
    r"^(?P<issuer>[\u4e00-\u9fff]{1,12}(?:检|公|法|司)[\u4e00-\u9fff]{0,8})〔(?P<year>\d{4})〕(?P<seq>\d{1,6})号$"
)

MIN_YEAR = 1979  # the first Criminal Law


class CaseNumberError(ValueError):
    pass


def normalize_case_number(raw: str) -> str:
    text = (raw or "").strip().replace(" ", "").replace("\u3000", "")
    return text.translate(_FULL_DIGITS).translate(_HALF_TO_FULL)


def parse_case_number(raw: str, max_year: int) -> tuple[str, int]:
    """Return (canonical number, year) or raise CaseNumberError with the reason."""
    number = normalize_case_number(raw)
    if not number:
        raise CaseNumberError("empty")
    match = COURT_PATTERN.match(number) or DOCUMENT_PATTERN.match(number)
    if match is None:
        raise CaseNumberError("shape")
    year = int(match.group("year"))
    if not MIN_YEAR <= year <= max_year:
        raise CaseNumberError("year")
    if int(match.group("seq")) == 0:
        raise CaseNumberError("sequence")
    return number, year
