"""The documents that answer a record query (RULES.md §4, Q-DOCS), as PDF bytes.

To a person: 无犯罪记录证明 (Q-CERT) or 不予出具无犯罪记录证明通知书 (Q-CERT-OPEN).
To a unit or a judicial organ: 查询告知函, saying "no criminal record" when nothing may be
disclosed, listing only the records it is given otherwise, with the purpose, the scope of use
and the duty of confidentiality (Q-SCOPE).

Q-CERT: the certificate for a person whose records are all sealed must be the same document
as for a person who never had one. `render_certificate` therefore takes nothing but what is
printed on it, and is deterministic: the same inputs give the same bytes (creation date = the
issue date, no clock, no random document ID). The same holds for the "no record" letter.

Every character is drawn with the font vendored in queries/fonts (a subset of Noto Sans CJK SC,
OFL; see its README), never a system font; the PDF embeds only the glyphs it uses. Text the
font cannot draw raises `UnprintableText` rather than printing an empty box on an official
document.

Names the font cannot draw never block a decision: `printable(text)` writes the middle-dot variants
of minority names (・ ･ ‧ • ∙ ⋅) as the standard "·" (U+00B7) and every other character the font
lacks as the geta mark "〓", the typesetter's sign for a missing character; `unprintable(text)` lists
those characters so that intake can refuse them with a clear message.

Pure: no database, no settings. The services pass plain values.
"""
from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from pathlib import Path

from fpdf import FPDF

FONT_PATH = Path(__file__).resolve().parent / "fonts" / "NotoSansCJKsc-Regular-subset.ttf"
FONT_FAMILY = "NotoSansSC"

CST = dt.timezone(dt.timedelta(hours=8), "CST")

CERTIFICATE_TITLE = "无犯罪记录证明"
REFUSAL_TITLE = "不予出具无犯罪记录证明通知书"
LETTER_TITLE = "查询告知函"

# The query purposes of queries.models.Purpose, as a letter names them (whatever the language of
# the user interface). A purpose that is not one of these codes is printed as given.
PURPOSE_LABELS = {
    "certificate": "出具无犯罪记录证明",
    "criminal_evaluation": "办理案件中认定事实、适用法律",
    "special_recidivism": "认定特殊累犯（《中华人民共和国刑法》第六十六条）",
    "drug_recidivism": "认定毒品再犯（《中华人民共和国刑法》第三百五十六条）",
    "general_recidivism": "认定累犯（《中华人民共和国刑法》第六十五条）",
    "employment_screening": "从业资格审查",
    "other": "其他",
}

CONFIDENTIALITY = (
    "依照《中华人民共和国刑事诉讼法》第二百八十六条和《关于未成年人犯罪记录封存的实施办法》"
    "等有关规定，贵单位对上述信息负有保密义务，不得泄露，不得用于其他用途。"
)

# Layout (mm, pt), after GB/T 9704 (official documents): A4, title 22 pt (二号), body 16 pt (三号).
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 28, 26, 37, 35
SERIAL_Y = 22
TITLE_SIZE, BODY_SIZE, SERIAL_SIZE, NOTE_SIZE, FOOTER_SIZE = 22, 16, 12, 12, 10
BODY_LINE = 10  # mm between body baselines (≈ 28 pt, 22 lines a page)
SIGNATURE_GAP = 1.5 * BODY_LINE  # blank space above the agency's name
NOTE_LINE = 7
INDENT = "\u3000\u3000"  # first-line indent of two characters

# Line breaking: dates (2025年3月6日) and runs of Latin letters and digits (ID numbers, case
# numbers) stay whole;
# closing punctuation never starts a line (it hangs into the margin); opening punctuation
# never ends one (it moves down with what follows).
_TOKEN = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日|[0-9A-Za-z_\-./]+|.", re.S)
_CLOSING = set("，。、；：？！）》」』】〕〉”’…%％,.;:?!)]}")
_OPENING = set("（《「『【〔〈“‘([{")


class UnprintableText(ValueError):
    """Text with characters the vendored font has no glyph for."""


# Middle dots people type in minority names (阿依古丽・买买提); GB 18030 names write U+00B7.
MIDDLE_DOTS = {"\u30fb": "\u00b7", "\uff65": "\u00b7", "\u2027": "\u00b7", "\u2022": "\u00b7",
               "\u2219": "\u00b7", "\u22c5": "\u00b7", "\u0387": "\u00b7"}
MISSING_MARK = "\u3013"  # 〓 geta mark: a character the font cannot print


@lru_cache(maxsize=1)
def _font_codepoints() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    font = TTFont(str(FONT_PATH), lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


def normalize_name(text: str) -> str:
    """The name with its middle dot written as U+00B7, the form the font (and ID cards) use."""
    return "".join(MIDDLE_DOTS.get(char, char) for char in text)


def unprintable(text: str) -> str:
    """The characters of `text` (after normalize_name) the vendored font cannot draw, each once, in order."""
    codes = _font_codepoints()
    seen: dict[str, None] = {}
    for char in normalize_name(text):
        if char not in "\n\t" and ord(char) not in codes:
            seen.setdefault(char, None)
    return "".join(seen)


def printable(text: str) -> str:
    """`text` as the font can print it: middle dots normalised, any other missing character as 〓."""
    codes = _font_codepoints()
    return "".join(char if char in "\n\t" or ord(char) in codes else MISSING_MARK for char in normalize_name(text))


def cn_date(day: dt.date) -> str:
    """2024年5月1日 (Arabic numerals, as GB/T 9704 dates are written)."""
    return f"{day.year}年{day.month}月{day.day}日"


class _Document(FPDF):
    """An A4 official document in the vendored font, dated and stamped deterministically."""

    def __init__(self, *, title: str, agency: str, issued: dt.date):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_margins(MARGIN_LEFT, MARGIN_TOP, MARGIN_RIGHT)
        self.set_auto_page_break(True, margin=MARGIN_BOTTOM)
        self.add_font(FONT_FAMILY, "", str(FONT_PATH))
        self.set_font(FONT_FAMILY, size=BODY_SIZE)
        # Metadata: nothing that changes from one run to the next.
        self.set_creation_date(dt.datetime.combine(issued, dt.time(0, 0), tzinfo=CST))
        self.set_title(title)
        self.set_author(agency)
        self.set_creator("Fengcun")
        self.set_producer("Fengcun")
        self.set_lang("zh-CN")
        self.alias_nb_pages("{nb}")
        self.doc_title = title

    # -- page furniture ---------------------------------------------------------------------

    def footer(self):
        self.set_y(-20)
        self.set_font(FONT_FAMILY, size=FOOTER_SIZE)
        self.cell(0, 6, f"第 {self.page_no()} 页　共 {{nb}} 页", align="C")

    # -- text -------------------------------------------------------------------------------

    @property
    def text_width(self) -> float:
        return self.w - self.l_margin - self.r_margin

    def wrap(self, text: str, width: float) -> list[str]:
        lines: list[str] = []
        line = ""
        for token in _TOKEN.findall(text):
            if token == "\n":
                lines.append(line)
                line = ""
                continue
            candidate = line + token
            if not line.strip("\u3000") or self.get_string_width(candidate) <= width:
                line = candidate
            elif token in _CLOSING:
                line = candidate  # hanging punctuation
            else:
                carry = ""
                while line and line[-1] in _OPENING:
                    carry, line = line[-1] + carry, line[:-1]
                lines.append(line)
                line = carry + token
        lines.append(line)
        return lines

    def paragraph(self, text: str, *, size: float = BODY_SIZE, line: float = BODY_LINE,
                  indent: bool = True):
        self.set_font(FONT_FAMILY, size=size)
        for row in self.wrap((INDENT if indent else "") + text, self.text_width):
            self.set_x(self.l_margin)
            self.cell(self.get_string_width(row), line, row)
            self.ln(line)

    def serial_line(self, serial: str):
        self.set_font(FONT_FAMILY, size=SERIAL_SIZE)
        self.set_xy(self.l_margin, SERIAL_Y)
        self.cell(self.text_width, 8, f"编号：{serial}", align="R")

    def title_block(self):
        self.set_font(FONT_FAMILY, size=TITLE_SIZE)
        self.set_xy(self.l_margin, MARGIN_TOP)
        self.cell(self.text_width, 14, self.doc_title, align="C")
        self.ln(14 + BODY_LINE / 2)

    def salutation(self, addressee: str):
        self.paragraph(f"{addressee}：", indent=False)

    def signature(self, agency: str, issued: dt.date):
        """Agency and date at the right: the date four characters from the right margin,
        the agency centred over it (GB/T 9704 署名 and 成文日期)."""
        self.set_font(FONT_FAMILY, size=BODY_SIZE)
        em = BODY_SIZE / self.k
        right = self.w - self.r_margin
        date_text = cn_date(issued)
        date_w = self.get_string_width(date_text)
        agency_w = self.get_string_width(agency)
        date_x = right - 4 * em - date_w
        agency_x = min(date_x + date_w / 2 - agency_w / 2, right - 2 * em - agency_w)
        agency_x = max(agency_x, self.l_margin)
        self.ln(SIGNATURE_GAP)
        self.set_x(agency_x)
        self.cell(agency_w, BODY_LINE, agency)
        self.ln(BODY_LINE)
        self.set_x(date_x)
        self.cell(date_w, BODY_LINE, date_text)
        self.ln(BODY_LINE)

    def closing(self, text: str, *, agency: str, issued: dt.date):
        """The last paragraph and the signature, kept on one page: the signature never
        stands alone on a page without text."""
        self.set_font(FONT_FAMILY, size=BODY_SIZE)
        rows = len(self.wrap(INDENT + text, self.text_width))
        if self.get_y() + rows * BODY_LINE + SIGNATURE_GAP + 2 * BODY_LINE > self.page_break_trigger:
            self.add_page()
        self.paragraph(text)
        self.signature(agency, issued)

    def notes(self, lines: list[str]):
        self.ln(BODY_LINE)
        for note in lines:
            self.paragraph(note, size=NOTE_SIZE, line=NOTE_LINE, indent=False)

    def finish(self) -> bytes:
        font = self.fonts[FONT_FAMILY.lower()]
        if font.missing_glyphs:
            chars = "".join(sorted({chr(code) for code in font.missing_glyphs}))
            raise UnprintableText(f"the vendored font has no glyph for: {chars}")
        return bytes(self.output())


def _start(title: str, *, serial: str, agency: str, issued: dt.date) -> _Document:
    pdf = _Document(title=title, agency=agency, issued=issued)
    pdf.add_page()
    pdf.serial_line(serial)
    pdf.title_block()
    return pdf


def _person(name: str, id_number: str) -> str:
    return f"{name}（居民身份证号码：{id_number}）"


def render_certificate(*, name: str, id_number: str, serial: str, issued: dt.date,
                       agency: str) -> bytes:
    """无犯罪记录证明 (Q-CERT). The same document whether the person never had a record or
    has only sealed ones: nothing else is an input, and the output is deterministic."""
    pdf = _start(CERTIFICATE_TITLE, serial=serial, agency=agency, issued=issued)
    pdf.closing(f"经查询，截至{cn_date(issued)}，未发现{_person(name, id_number)}有犯罪记录。",
                agency=agency, issued=issued)
    pdf.notes([
        "注：1. 本证明仅反映出具机关截至上述日期的查询结果。",
        "　　2. 本证明所称犯罪记录，是指国家专门机关对犯罪人员情况的客观记载。",
    ])
    return pdf.finish()


REFUSAL_STATEMENTS = ("open_record", "purpose")


def render_refusal(*, name: str, id_number: str, serial: str, issued: dt.date,
                   agency: str, statement: str = "open_record") -> bytes:
    """不予出具无犯罪记录证明通知书. Names no record, sealed or open.

    `statement` (Q-DOCS): `open_record` (Q-CERT-OPEN: an open conviction exists) says the person has a
    criminal record; `purpose` (Q-SELF-PURPOSE) says only that the purpose is not one for which a
    certificate is issued: it says nothing of any record, so it reveals no sealed one."""
    if statement not in REFUSAL_STATEMENTS:
        raise ValueError(f"unknown refusal statement {statement!r}")
    pdf = _start(REFUSAL_TITLE, serial=serial, agency=agency, issued=issued)
    pdf.salutation(_person(name, id_number))
    if statement == "open_record":
        pdf.paragraph(f"经查询，{name}有犯罪记录，依照有关规定，不予出具无犯罪记录证明。")
    else:
        pdf.paragraph("经审查，所申请的用途不属于出具无犯罪记录证明的范围，依照有关规定，不予出具。"
                      "本人可以申请开具无犯罪记录证明。")
    pdf.closing("如对查询结果有异议，可以向本机关申请复查。", agency=agency, issued=issued)
    return pdf.finish()


_NUMERALS = "一二三四五六七八九十"


def _ordinal(index: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 23 → 二十三 (list numbering in Chinese documents)."""
    if index <= 10:
        return _NUMERALS[index - 1]
    tens, units = divmod(index, 10)
    head = "十" if tens == 1 else _NUMERALS[tens - 1] + "十"
    return head + (_NUMERALS[units - 1] if units else "")


def _record_line(index: int, record: dict) -> str:
    charges = record["charges"]
    if isinstance(charges, str):
        charges = [charges]
    effective = record.get("effective_date", record.get("effective"))
    if isinstance(effective, dt.date):
        effective = cn_date(effective)
    line = (f"{_ordinal(index)}、案号：{record['case_number']}；罪名：{'、'.join(charges)}；"
            f"处理结果：{record['disposition']}")
    return line + (f"；生效日期：{effective}。" if effective else "。")


def render_notification_letter(*, requester: str, subject_name: str, subject_id_number: str,
                               purpose: str, legal_basis: str | None, records: list[dict],
                               serial: str, issued: dt.date, agency: str) -> bytes:
    """查询告知函 to a unit or a judicial organ (Q-DOCS, Q-SCOPE).

    `records` are the records the decision permits to disclose, and only those are listed;
    each is a dict with `case_number`, `charges` (list of str), `disposition` (text) and
    `effective_date` (or `effective`: date, text or None when unknown). Empty: the letter says no criminal record was found,
    the same letter as for a person who never had one. `purpose` is a query purpose code
    (queries.models.Purpose) or a text; `legal_basis` the law and article relied on, printed
    as given.
    """
    purpose_text = PURPOSE_LABELS.get(purpose, purpose)
    subject = _person(subject_name, subject_id_number)
    pdf = _start(LETTER_TITLE, serial=serial, agency=agency, issued=issued)
    pdf.salutation(requester)
    intro = f"贵单位关于查询{subject}犯罪记录的申请收悉。查询用途：{purpose_text}。"
    if legal_basis:
        intro += f"查询依据：{legal_basis}。"
    pdf.paragraph(intro)
    if not records:
        pdf.paragraph(f"经查询，截至{cn_date(issued)}，未发现{subject}有犯罪记录。")
    else:
        pdf.paragraph(f"经查询，依照有关规定，现将{subject_name}的下列犯罪记录告知贵单位：")
        for index, record in enumerate(records, start=1):
            pdf.paragraph(_record_line(index, record))
        pdf.paragraph(f"上述信息仅限于{purpose_text}用途使用。{CONFIDENTIALITY}")
    pdf.closing("特此函告。", agency=agency, issued=issued)
    return pdf.finish()


REVIEW_TITLE = "复查意见书"
REVIEW_OUTCOMES = {
    "upheld": "经复查，原查询结果认定事实清楚，适用规定正确，决定予以维持。",
    "changed": "经复查，原查询结果应予变更，本机关将依照有关规定重新作出答复。",
}


def render_review_opinion(*, addressee: str, subject_name: str, request_serial: str, received: dt.date,
                          grounds_summary: str, outcome: str, reasons: str, serial: str, issued: dt.date,
                          agency: str) -> bytes:
    """复查意见书 (Q-OBJECTION): the answer to a written objection — upheld or changed, with reasons.

    It names the query by its serial number and never lists a record: the reasons are the
    re-examining reviewer's text, printed as given."""
    if outcome not in REVIEW_OUTCOMES:
        raise ValueError(f"unknown re-examination outcome {outcome!r}")
    pdf = _start(REVIEW_TITLE, serial=serial, agency=agency, issued=issued)
    pdf.salutation(addressee)
    pdf.paragraph(f"你（单位）于{cn_date(received)}对本机关关于{subject_name}的犯罪记录查询（编号：{request_serial}）"
                  f"的答复提出异议，本机关已依法进行复查。")
    if grounds_summary:
        pdf.paragraph(f"异议理由：{grounds_summary}")
    pdf.paragraph(REVIEW_OUTCOMES[outcome])
    pdf.paragraph(f"理由：{reasons}")
    pdf.closing("特此告知。", agency=agency, issued=issued)
    return pdf.finish()
