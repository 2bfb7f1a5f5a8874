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
OFL; see its README), through the shared page of common/documents.py; text the font cannot draw
raises `UnprintableText`, and `printable` / `unprintable` / `normalize_name` (re-exported here) are
what intake uses so that a name never blocks a decision.

Pure: no database, no settings. The services pass plain values.
"""
from __future__ import annotations

import datetime as dt

# The shared document machinery (font, page, line breaking, signature) is in common/documents.py; its
# names are re-exported here, where the query code and its tests have always found them.
from common.documents import (  # noqa: F401
    BODY_LINE,
    CST,
    FONT_FAMILY,
    FONT_PATH,
    INDENT,
    MIDDLE_DOTS,
    MISSING_MARK,
    UnprintableText,
    _Document,
    _font_codepoints,
    _ordinal,
    _start,
    cn_date,
    normalize_name,
    printable,
    unprintable,
)

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
