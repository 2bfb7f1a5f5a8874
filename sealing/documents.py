"""The sealing notice (犯罪记录封存通知书) as a PDF: RULES.md J-WHEN / J-WHEN-RECEIPT.

``render_sealing_notice`` is pure and deterministic (the shared page of common/documents.py: same
inputs, same bytes). It is an official document between agencies, so it names the person in clear: the
receiving agency must find its copies. That is why it is handed out only by ``download_notice``, which
asks ``permissions.can_download_notice`` and writes the access-log row through the gate (disclosure.log_read)
before anything is rendered.
"""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import translation

from common.documents import _ordinal, _start, cn_date, printable

from . import disclosure, permissions
from .models import AccessAction, NoticeBasis, SealingNotice
from .policy import current_policy_version

NOTICE_TITLE = "犯罪记录封存通知书"

JUVENILE_BASIS = "依照《中华人民共和国刑事诉讼法》第二百八十六条和《关于未成年人犯罪记录封存的实施办法》的规定"
ADULT_BASIS = "依照轻微犯罪记录附条件封存的有关规定"
RECEIPT_NOTE = "签收仅证明本通知书已经送达，不代替封存。"  # J-WHEN-RECEIPT: only the agency's own seal counts
# CPL art. 286 para. 2, what a seal means for every holder
CONFIDENTIALITY = ("封存后，除司法机关为办案需要或者有关单位根据国家规定进行查询外，不得向任何单位和个人提供；"
                   "依法进行查询的单位，应当对被封存的犯罪记录的情况予以保密。")


def _person(name: str, id_number: str) -> str:
    return f"{name}（居民身份证号码：{id_number}）" if id_number else name


def _copy_line(index: int, copy: dict, last: bool) -> str:
    details = [copy["kind"]] if copy.get("kind") and copy["kind"] != copy["title"] else []
    if copy.get("document_number"):
        details.append(f"文号：{copy['document_number']}")
    suffix = f"（{'，'.join(details)}）" if details else ""
    return f"{_ordinal(index)}、{copy['title']}{suffix}{'。' if last else '；'}"


def render_sealing_notice(*, serial: str, addressee: str, case_number: str, person_name: str,
                          person_id_number: str, regime: str, provisional: bool, seal_date: dt.date,
                          observation_end: dt.date | None, copies: list[dict], basis: str, days: int,
                          execution_end: dt.date | None, agency: str, issued: dt.date) -> bytes:
    """犯罪记录封存通知书 from ``agency`` (the deciding agency) to ``addressee``.

    ``copies`` are the addressee's copies the file covers, each a dict with ``title``, ``kind`` (the kind
    as the document names it) and ``document_number``: what to seal, never their content. ``basis`` is
    ``receipt`` (seal within ``days`` of receiving the notice) or ``execution`` (the community-correction
    agency: within ``days`` of the sentence's full execution, ``execution_end`` when known)."""
    if basis not in NoticeBasis.values:
        raise ValueError(f"unknown notice basis {basis!r}")
    pdf = _start(NOTICE_TITLE, serial=serial, agency=agency, issued=issued)
    pdf.salutation(addressee)
    person = _person(person_name, person_id_number)
    if regime == "juvenile":
        decided = (f"{case_number}一案{person}犯罪时不满十八周岁，{JUVENILE_BASIS}，本机关决定自"
                   f"{cn_date(seal_date)}起封存其犯罪记录，并已封存本机关所持记录。")
    elif provisional:
        until = f"，考察期至{cn_date(observation_end)}止" if observation_end else ""
        decided = (f"{case_number}一案{person}的犯罪记录，{ADULT_BASIS}，本机关决定自{cn_date(seal_date)}起"
                   f"暂予封存{until}，考察期满未被撤销的转为正式封存；本机关已封存所持记录。")
    else:
        decided = (f"{case_number}一案{person}的犯罪记录，{ADULT_BASIS}，本机关决定自{cn_date(seal_date)}起"
                   f"予以封存，并已封存本机关所持记录。")
    pdf.paragraph(decided)
    if copies:
        pdf.paragraph("请贵单位封存所持有的该人员本案下列记录及其他相关记录（含电子数据）：")
        for index, copy in enumerate(copies, start=1):
            pdf.paragraph(_copy_line(index, copy, last=index == len(copies)))
    else:
        pdf.paragraph("请贵单位封存所持有的该人员本案犯罪记录和相关记录（含案卷材料和电子数据）。")
    if basis == NoticeBasis.EXECUTION:
        known = f"（执行完毕之日为{cn_date(execution_end)}）" if execution_end else ""
        pdf.paragraph(f"该人员在社区执行刑罚，请签收本通知书，并于其刑罚执行完毕之日起{days}日内完成封存{known}、"
                      f"登记封存情况。{RECEIPT_NOTE}")
    else:
        pdf.paragraph(f"请签收本通知书，并于收到之日起{days}日内完成封存、登记封存情况。{RECEIPT_NOTE}")
    pdf.paragraph(CONFIDENTIALITY)
    pdf.closing("特此通知。", agency=agency, issued=issued)
    return pdf.finish()


# --- handing the notice out ---------------------------------------------------------------------------------

def _kind_label(record) -> str:
    with translation.override("zh-hans"):  # the document is Chinese whatever the user's language
        return str(record.get_kind_display())


def notice_values(notice: SealingNotice) -> dict:
    """What the notice prints, read from the database (the addressee's covered copies: titles, not content)."""
    file = notice.sealing_file
    defendant = file.defendant
    person = disclosure.clear_person(defendant)
    copies = disclosure.covered_records(defendant).filter(holding_agency_id=notice.to_agency_id).order_by("pk")
    policy = file.policy or current_policy_version()
    return {
        "serial": notice.serial,
        "addressee": printable(notice.to_agency.name),
        "case_number": printable(defendant.case.case_number),
        "person_name": printable(person.name),
        "person_id_number": printable(person.id_number or ""),
        "regime": file.regime,
        "provisional": file.status == "provisionally_sealed",
        "seal_date": file.seal_date or notice.sent_on,
        "observation_end": file.observation_end,
        "copies": [{"title": printable(c.title), "kind": _kind_label(c),
                    "document_number": printable(c.document_number)} for c in copies],
        "basis": notice.basis,
        "days": policy.seal_after_receipt_days,
        "execution_end": notice.execution_end,
        "agency": printable(notice.from_agency.name),
        "issued": notice.sent_on,
    }


@transaction.atomic
def download_notice(notice: SealingNotice, *, user) -> bytes:
    """The notice's PDF for an allowed user; the read of the person's name is logged first (the log row and
    the document stand or fall together). Raises notices.NoticeError for anyone else."""
    from .notices import NoticeError

    ok, reason = permissions.can_download_notice(user, notice)
    if not ok:
        raise NoticeError(reason)
    notice = (SealingNotice.objects.select_related("sealing_file__defendant__case", "sealing_file__defendant__person",
                                                   "sealing_file__policy", "from_agency", "to_agency")
              .get(pk=notice.pk))
    disclosure.log_read(user, action=AccessAction.DOCUMENT, defendant=notice.sealing_file.defendant,
                        reference=notice.serial)
    return render_sealing_notice(**notice_values(notice))
