"""The fixed cast of every permission test (after healthchecks' Alice, Bob and Charlie).

Region X (越秀区) and region Y (天河区), both under 广州市:
- agency A: 越秀区人民法院 — ``clerk_a`` and ``reviewer_a``
- agency B: 天河区人民法院 — ``clerk_b``
- ``supervisor_x`` at 越秀区人民检察院, ``supervisor_y`` at 天河区人民检察院
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from accounts.factories import AgencyFactory, RegionFactory, UserFactory
from accounts.models import Agency
from accounts.roles import CLERK, REVIEWER, SUPERVISOR, ensure_role_groups
from sealing import services
from sealing.catalogue import load_charges
from sealing.identity import make_id_number
from sealing.models import Charge, Disposition, RecordKind, SentenceKind

# Every test builds its data around this date and passes it in: the suite never reads today's date.
TODAY = dt.date(2026, 6, 1)


def ensure_catalogue() -> None:
    """Transactional tests flush the tables the migrations filled: load the catalogue again then."""
    if not Charge.objects.exists():
        load_charges(Charge, Charge.history.model)
    from queries.catalogue import load_legal_bases
    from queries.models import LegalBasis

    if not LegalBasis.objects.exists():
        load_legal_bases(LegalBasis, LegalBasis.history.model)


@dataclass
class Cast:
    agency_a: Agency
    agency_b: Agency
    procuratorate_x: Agency
    procuratorate_y: Agency
    clerk_a: object
    reviewer_a: object
    clerk_b: object
    supervisor_x: object
    supervisor_y: object


def make_cast() -> Cast:
    ensure_catalogue()
    ensure_role_groups()
    city = RegionFactory(code="440100", name="广州市")
    region_x = RegionFactory(code="440104", name="越秀区", parent=city)
    region_y = RegionFactory(code="440106", name="天河区", parent=city)
    agency_a = AgencyFactory(name="越秀区人民法院", kind=Agency.Kind.COURT, region=region_x)
    agency_b = AgencyFactory(name="天河区人民法院", kind=Agency.Kind.COURT, region=region_y)
    proc_x = AgencyFactory(name="越秀区人民检察院", kind=Agency.Kind.PROCURATORATE, region=region_x)
    proc_y = AgencyFactory(name="天河区人民检察院", kind=Agency.Kind.PROCURATORATE, region=region_y)
    return Cast(
        agency_a=agency_a,
        agency_b=agency_b,
        procuratorate_x=proc_x,
        procuratorate_y=proc_y,
        clerk_a=UserFactory(username="clerk_a", agency=agency_a, roles=[CLERK]),
        reviewer_a=UserFactory(username="reviewer_a", agency=agency_a, roles=[REVIEWER]),
        clerk_b=UserFactory(username="clerk_b", agency=agency_b, roles=[CLERK]),
        supervisor_x=UserFactory(username="supervisor_x", agency=proc_x, roles=[SUPERVISOR]),
        supervisor_y=UserFactory(username="supervisor_y", agency=proc_y, roles=[SUPERVISOR]),
    )


def defendant_data(name="张三", birth=dt.date(2000, 5, 1), charge="抢劫罪", serial=1, **overrides) -> dict:
    """An adult robbery, four years: not eligible for sealing, so the records stay open unless a test says otherwise."""
    data = {
        "name": name,
        "id_number": make_id_number("440104", birth, serial),
        "birth_date": birth,
        "charges": list(Charge.objects.filter(name=charge)),
        "disposition": Disposition.SENTENCED,
        "sentence_kind": SentenceKind.FIXED_TERM,
        "sentence_months": 48,
        "suspended": False,
        "probation_months": None,
        "judgment_effective_date": dt.date(2024, 6, 1),
        "sentence_completed_date": None,
        "plea": True,
        "surrender": False,
        "good_conduct": False,
        "prior_convictions": 0,
        "main_conduct_before_18": None,
    }
    data.update(overrides)
    return data


def enter_case(clerk, number="（2024）粤0104刑初1号", defendants=None, content="被告人张三于2024年1月盗窃手机一部。",
               offense_date=dt.date(2024, 1, 10), today=TODAY):
    """A case of the clerk's agency with one record copy held by that agency, decided as of ``today``."""
    case = services.create_case(
        user=clerk,
        case_data={"case_number": number, "year": offense_date.year, "offense_date": offense_date, "summary": ""},
        defendants=defendants or [defendant_data()], today=today,
    )
    record = services.create_record(
        user=clerk,
        case=case,
        data={"kind": RecordKind.JUDGMENT, "title": "刑事判决书", "document_number": number,
              "defendant": case.defendants.first(), "content": content},
    )
    return case, record
