"""The permission matrix's world: one object of each kind in agency A / region X, built once for the module.

"Own" users are those of agency A (``clerk_a``, ``reviewer_a``), of region X (``supervisor_x``) and the police
station of region X that holds a copy (``police_x``: the sealing notice and the supervision notice go to it).
"Other" users are their counterparts of agency B / region Y (``clerk_b``, ``reviewer_b``, ``supervisor_y``,
``police_y``) asking for the same objects. The objects are built by the services, as the other tests do
(most through the helpers of the sealed walk, ``tests/test_sealed_walk.py``).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from accounts.factories import AgencyFactory, UserFactory
from accounts.models import Agency
from accounts.roles import AUDITOR, CLERK, POLICY_ADMIN, REVIEWER
from sealing import services
from sealing.identity import make_id_number
from sealing.models import RecordKind
from tests.cast import TODAY, defendant_data, enter_case, make_cast
from tests.test_sealed_walk import (BIRTH, NAME, NUMBER, SECRET, World, _event, _finding, _import_job, _instrument,
                                    _query_desk, _reply_attachment, _service_entry, _sweep_run)

# The pages' clock: after the supervision notice was issued (TODAY + 10) and replied to (TODAY + 12).
NOW = dt.datetime(2026, 6, 15, 2, 0, tzinfo=dt.timezone.utc)  # 10:00 in Beijing

OPEN_NAME = "欧阳明远"  # an adult robbery of agency A: never sealed, but still agency A's business


@dataclass
class MatrixWorld:
    users: dict
    case: object                # agency A's open case (OPEN_NAME), with a judgment held by agency A
    record: object
    sealed_case: object         # agency A's sealed juvenile case (the walk's NAME): its records are hidden
    file: object                # the sealed juvenile's sealing file
    notice: object              # the sealing notice of that file to the police station of region X
    event: object               # an observation event and a community-service entry on the sealed file
    service_entry: object
    query: object               # a decided query request of agency A, with an application attached
    attachment: object
    objection: object           # an objection to it
    finding: object             # region X's finding on the sealed file's undelivered notice
    instrument: object          # region X's recommendation to the police station, issued and replied to
    reply_attachment: object
    sweep: object               # an administrator's sweep run
    import_job: object          # agency A's checked import of a one-row file (a misspelt charge: one error)
    open_id_number: str = ""
    sealed_id_number: str = ""
    secrets: list = field(default_factory=list)  # what a user of agency B / region Y must never read


def build_world() -> MatrixWorld:
    cast = make_cast()
    region_x, region_y = cast.agency_a.region, cast.agency_b.region
    police_x = AgencyFactory(name="越秀区公安分局", kind=Agency.Kind.POLICE, region=region_x)
    police_y = AgencyFactory(name="天河区公安分局", kind=Agency.Kind.POLICE, region=region_y)

    # the sealed juvenile, as the sealed walk builds it (the police station of X holds a copy too)
    sealed_id = make_id_number("440104", BIRTH, 77)
    data = defendant_data(name=NAME, birth=BIRTH, charge="盗窃罪", sentence_months=10, id_number=sealed_id,
                          judgment_effective_date=dt.date(2024, 6, 1), sentence_completed_date=dt.date(2025, 4, 1))
    sealed_case, sealed_record = enter_case(cast.clerk_a, number=NUMBER, defendants=[data], content=SECRET,
                                            offense_date=dt.date(2023, 5, 6))
    police_clerk_x = UserFactory(username="police_x", agency=police_x, roles=[CLERK])
    police_record = services.create_record(user=police_clerk_x, case=sealed_case, data={
        "kind": RecordKind.CASE_FILE, "title": "侦查卷宗", "document_number": "", "defendant": None,
        "content": SECRET})
    file = sealed_case.defendants.get().sealing_file
    assert file.status == "sealed"
    services.seal_file(file, user=cast.clerk_a, today=TODAY)

    # an open adult of agency A
    open_id = make_id_number("440104", dt.date(1990, 3, 4), 55)
    case, record = enter_case(cast.clerk_a, number="（2024）粤0104刑初5号",
                              defendants=[defendant_data(name=OPEN_NAME, birth=dt.date(1990, 3, 4), id_number=open_id)],
                              content=f"被告人{OPEN_NAME}于2024年1月持刀抢劫。")

    users = {
        "clerk_a": cast.clerk_a, "clerk_b": cast.clerk_b,
        "reviewer_a": cast.reviewer_a,
        "reviewer_b": UserFactory(username="reviewer_b", agency=cast.agency_b, roles=[REVIEWER]),
        "supervisor_x": cast.supervisor_x, "supervisor_y": cast.supervisor_y,
        "police_x": police_clerk_x,
        "police_y": UserFactory(username="police_y", agency=police_y, roles=[CLERK]),
        "policy_admin": UserFactory(username="policy_admin", agency=None, roles=[POLICY_ADMIN], is_staff=True),
        "auditor": UserFactory(username="auditor", agency=cast.procuratorate_x, roles=[AUDITOR]),
        "superuser": UserFactory(username="root", agency=None, roles=[], is_staff=True, is_superuser=True),
    }
    # the walk's helpers take its World; give them one over the same objects
    walk = World(cast=cast, case=sealed_case, record=sealed_record, police_record=police_record, file=file,
                 id_number=sealed_id, police_x=police_x, query=None, objection=None, users=users)
    walk.query, walk.objection = _query_desk(cast)
    walk.sweep = _sweep_run(walk)
    walk.import_job = _import_job(walk)

    from oversight.models import Finding, Instrument, ReplyAttachment
    from sealing.models import CommunityServiceEntry, ObservationEvent

    finding = Finding.objects.get(pk=_finding(walk)["pk"])
    instrument = Instrument.objects.get(pk=_instrument(walk)["pk"])
    return MatrixWorld(
        users=users, case=case, record=record, sealed_case=sealed_case, file=file,
        notice=file.notices.get(to_agency=police_x),
        event=ObservationEvent.objects.get(pk=_event(walk)["pk"]),
        service_entry=CommunityServiceEntry.objects.get(pk=_service_entry(walk)["pk"]),
        query=walk.query, attachment=walk.query.attachments.first(), objection=walk.objection,
        finding=finding, instrument=instrument,
        reply_attachment=ReplyAttachment.objects.get(pk=_reply_attachment(walk)["pk"]),
        sweep=walk.sweep, import_job=walk.import_job, open_id_number=open_id, sealed_id_number=sealed_id,
        secrets=[NAME, sealed_id, SECRET[:8], OPEN_NAME, open_id],
    )
