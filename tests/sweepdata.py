"""Many files due for the sealing sweep, built with bulk inserts (the services enter ~9 cases a second).

Used by the sweep's fault and concurrency tests and by ``bench/sweep.py``. Each file is the state the
services leave for a juvenile sentenced to twelve months' imprisonment whose judgment takes effect on
``as_of`` (J-SENT, J-WHEN): status pending, seal date and ``next_change`` on ``as_of``, the decision the
rules gave the day before, and one judgment copy held by the court. On ``as_of`` the sweep seals the
file, seals the court's copy and sends a notice to each procuratorate and police station of the
court's region.

Encrypted fields (common/fields.py) go through ``get_prep_value`` in ``bulk_create``, so names and
contents are stored encrypted as the services store them. No history rows are written: the tests count
the ones the sweep writes.
"""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from sealing.models import (
    Case, Charge, Defendant, Disposition, FileStatus, Person, Record, RecordKind, SealingFile, SentenceKind,
)
from sealing.policy import current_policy_version
from sealing.rules import evaluate
from sealing.rules.files import next_change

BATCH = 1000
CHARGE = "盗窃罪"


def build_due_files(count: int, *, as_of: dt.date, court, user, prefix: str = "SW") -> list[int]:
    """Insert ``count`` defendants with a pending file due on ``as_of`` at ``court`` (an Agency of kind court);
    ``user`` is recorded as the clerk who entered them. Returns the files' ids."""
    from sealing.services import facts_for

    charge = Charge.objects.get(name=CHARGE)
    policy = current_policy_version()
    effective = as_of
    offense = effective - dt.timedelta(days=200)
    birth = offense.replace(year=offense.year - 16)
    now = timezone.now()
    with transaction.atomic():
        persons = Person.objects.bulk_create(
            [Person(name=f"少年{prefix}{i}", id_number="", id_number_index=None, birth_date=birth, sex="M")
             for i in range(count)], batch_size=BATCH)
        cases = Case.objects.bulk_create(
            [Case(case_number=f"（{effective.year}）{prefix}刑初{i + 1}号", year=offense.year, agency=court,
                  offense_date=offense, created_by=user) for i in range(count)], batch_size=BATCH)
        defendants = Defendant.objects.bulk_create(
            [Defendant(case=case, person=person, disposition=Disposition.SENTENCED,
                       sentence_kind=SentenceKind.FIXED_TERM, sentence_months=12, judgment_effective_date=effective,
                       plea=True)
             for case, person in zip(cases, persons)], batch_size=BATCH)
        Defendant.charges.through.objects.bulk_create(
            [Defendant.charges.through(defendant_id=d.pk, charge_id=charge.pk) for d in defendants], batch_size=BATCH)
        Record.objects.bulk_create(
            [Record(case=d.case, defendant=d, holding_agency=court, kind=RecordKind.JUDGMENT, title="刑事判决书",
                    document_number=d.case.case_number, content="被告人于案发时未满十八周岁，犯盗窃罪。", created_by=user)
             for d in defendants], batch_size=BATCH)
        # the decision the rules gave the day before the judgment took effect: one evaluation, the same
        # facts for every defendant but the id
        day_before = as_of - dt.timedelta(days=1)
        decision = evaluate(facts_for(Defendant.objects.select_related("case", "person").get(pk=defendants[0].pk)),
                            policy.to_policy(), day_before)
        if decision.status != FileStatus.PENDING:
            raise AssertionError(f"the prototype should be pending the day before, not {decision.status}")
        stored = decision.to_dict()
        upcoming = next_change(status=decision.status, seal_date=decision.seal_date,
                               observation_start=decision.observation_start, observation_end=decision.observation_end)
        files = SealingFile.objects.bulk_create(
            [SealingFile(defendant=d, status=FileStatus.PENDING, regime=decision.regime or "",
                         category=decision.category or "", eligible=decision.eligible, seal_date=decision.seal_date,
                         observation_end=decision.observation_end, missing=list(decision.missing),
                         decision={**stored, "id": d.pk}, policy=policy, evaluated_at=now, evaluated_as_of=day_before,
                         next_change=upcoming)
             for d in defendants], batch_size=BATCH)
    return [f.pk for f in files]
