"""`evaluate_query` and the reviewer's page recommend the same for the same facts: one engine — with
related records (a non-prosecution) among the facts and the answering agency taken from the receiving
agency's kind (court, procuratorate, police)."""
import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from accounts.factories import AgencyFactory, UserFactory
from accounts.models import Agency
from accounts.roles import CLERK, REVIEWER
from queries import services
from queries.models import LegalBasis
from sealing.identity import make_id_number
from sealing.models import Disposition
from sealing.rules import without_text
from tests.cast import defendant_data, enter_case

BIRTH = dt.date(2007, 3, 1)
ID = make_id_number("440104", BIRTH, 88)
RECEIVED = dt.date(2025, 9, 30)  # across the National Day holiday
TODAY = dt.date(2025, 10, 1)
DEADLINES = {"court": "2025-10-11", "police": "2025-10-11",  # 3 working days; 10-11 a make-up working Saturday
             "procuratorate": "2025-10-09"}  # 7 days end on 10-07, a holiday: the next working day


def juvenile(charge, number, serial=88):
    data = defendant_data(name="少年庚", birth=BIRTH, serial=serial, charge=charge, sentence_months=10,
                          judgment_effective_date=dt.date(2024, 6, 1), sentence_completed_date=dt.date(2025, 4, 1))
    data["id_number"] = ID
    return data


def not_prosecuted():
    data = defendant_data(name="少年庚", birth=BIRTH, serial=88, charge="盗窃罪", disposition=Disposition.NOT_PROSECUTED,
                          sentence_kind="", sentence_months=None, judgment_effective_date=dt.date(2023, 9, 1))
    data["id_number"] = ID
    return data


def adult_open(number):
    data = defendant_data(name="少年庚", birth=BIRTH, serial=88)  # robbery, four years: not eligible, open
    data["id_number"] = ID
    return data


SCENARIOS = [
    ("self", "certificate", None),
    ("guardian", "certificate", None),
    ("judicial", "criminal_evaluation", None),
    ("judicial", "general_recidivism", None),
    ("unit", "employment_screening", "MPL-62"),
    ("unit", "employment_screening", "TEACHERS-14"),
    ("unit", "employment_screening", None),
]


def desk(cast, kind):
    """(clerk, reviewer) of a receiving agency of this kind."""
    if kind == "court":
        return cast.clerk_a, cast.reviewer_a
    agency = cast.procuratorate_x if kind == "procuratorate" else AgencyFactory(
        name="越秀区公安分局", kind=Agency.Kind.POLICE, region=cast.agency_a.region)
    return (UserFactory(username=f"clerk_{kind}", agency=agency, roles=[CLERK]),
            UserFactory(username=f"reviewer_{kind}", agency=agency, roles=[REVIEWER]))


@pytest.mark.parametrize("agency_kind", ["court", "procuratorate", "police"])
@pytest.mark.parametrize("with_open", [False, True], ids=["sealed_only", "with_open_record"])
@pytest.mark.parametrize("requester, purpose, basis", SCENARIOS)
def test_command_and_reviewer_page_agree(cast, login, requester, purpose, basis, with_open, agency_kind):
    enter_case(cast.clerk_a, number="（2024）粤0104刑初1号", defendants=[juvenile("故意伤害罪", 1)])
    enter_case(cast.clerk_a, number="（2024）粤0104刑初2号", defendants=[juvenile("盗窃罪", 2)])
    enter_case(cast.clerk_a, number="（2023）粤0104刑不诉3号", defendants=[not_prosecuted()],
               offense_date=dt.date(2023, 5, 1))
    if with_open:
        enter_case(cast.clerk_a, number="（2025）粤0104刑初3号", defendants=[adult_open(3)],
                   offense_date=dt.date(2025, 1, 5))
    clerk, reviewer = desk(cast, agency_kind)
    judicial = requester == "judicial"
    query = services.take_request(user=clerk, today=TODAY, data={
        "received": RECEIVED, "requester_kind": requester, "requester_name": "申请人", "requester_id_number": "",
        "requester_organisation": "某单位", "requester_agency": cast.procuratorate_y if judicial else None,
        "requester_user": None, "subject_name": "少年庚", "subject_id_number": ID, "purpose": purpose,
        "legal_basis": LegalBasis.objects.get(code=basis) if basis else None, "occupation": ""})
    web = services.recommend_for(query).to_dict()

    records = [{"id": d.pk, "status": d.sealing_file.status if d.sealing_file.hidden else "open",
                "charges": [c.name for c in d.charges.all()], "kind": services.record_kind(d),
                "label": d.case.case_number}
               for d in services.records_of(query.subject_index)]
    assert [r["kind"] for r in records].count("related") == 1
    assert all(r["status"] != "open" for r in records if r["kind"] == "related")  # the non-prosecution is sealed
    payload = {"id": query.serial, "requester": requester, "purpose": purpose, "legal_basis": basis,
               "received": RECEIVED.isoformat(), "records": records, "answering_agency": agency_kind}
    out = io.StringIO()
    call_command("evaluate_query", "-", stdin=io.StringIO(json.dumps(payload)), stdout=out)
    command = json.loads(out.getvalue())
    assert command == without_text(web)  # the command prints each step without the `text` the web app renders from

    page = login(reviewer).get(reverse("queries:request_detail", args=[query.pk])).content.decode()
    assert f'data-code="{web["recommendation"]}"' in page
    for step in web["trace"]:
        assert step["rule"] in page and step["message"] in page
    assert web["deadline"] == DEADLINES[agency_kind] and web["answering_agency"] == agency_kind
    # the clerk who took it sees no recommendation at all (Q-INTAKE)
    clerk_page = login(clerk).get(reverse("queries:request_detail", args=[query.pk])).content.decode()
    assert 'data-testid="recommendation"' not in clerk_page and 'data-testid="trace"' not in clerk_page
