"""The gate's ``prefetch`` (one read of the permits for a list page's rows) gives every row the answer the gate
gives one defendant at a time: the same name, masked or not, the same permit, and the same access-log rows."""
from __future__ import annotations

import datetime as dt

from accounts.factories import UserFactory
from sealing import disclosure
from sealing.models import AccessLog, SealedRecordPermit
from tests.cast import TODAY, defendant_data, enter_case
from tests.oversight.conftest import at

NOW = at(TODAY)
JUVENILE = dict(birth=dt.date(2007, 3, 1), charge="盗窃罪", sentence_months=10,
                judgment_effective_date=dt.date(2024, 6, 1), sentence_completed_date=dt.date(2025, 4, 1))


def _hidden(cast, i, name, *, adult_codefendant=False):
    defendants = [defendant_data(name=name, serial=40 + i, **JUVENILE)]
    if adult_codefendant:
        defendants.append(defendant_data(name=f"成年{i}", serial=60 + i))
    case, _record = enter_case(cast.clerk_a, number=f"（2024）粤0104刑初{40 + i}号", defendants=defendants,
                               offense_date=dt.date(2023, 5, 6))
    return case


def test_prefetched_rows_read_as_the_gate_reads_them_one_by_one(cast):
    prosecutor = UserFactory(username="prosecutor_y", agency=cast.procuratorate_y, roles=["clerk"])
    permitted = _hidden(cast, 1, "欧阳甲")  # whole-case record covered: every defendant hidden
    unpermitted = _hidden(cast, 2, "欧阳乙")
    mixed = _hidden(cast, 3, "欧阳丙", adult_codefendant=True)  # the case's record is the juvenile's own copy
    expired = _hidden(cast, 4, "欧阳丁")
    SealedRecordPermit.objects.create(record=permitted.records.get(), user=prosecutor, reference="P-1",
                                      purpose="审查起诉", expires_at=NOW + dt.timedelta(days=30))
    SealedRecordPermit.objects.create(record=mixed.records.get(), user=prosecutor, reference="P-3",
                                      purpose="审查起诉", expires_at=NOW + dt.timedelta(days=30))
    SealedRecordPermit.objects.create(record=expired.records.get(), user=prosecutor, reference="P-4",
                                      purpose="审查起诉", expires_at=NOW - dt.timedelta(days=1))
    defendants = [d for case in (permitted, unpermitted, mixed, expired)
                  for d in case.defendants.select_related("person", "sealing_file")]

    before = AccessLog.objects.count()
    one_by_one = disclosure.Gate(prosecutor, now=NOW)
    alone = [one_by_one.person(d) for d in defendants]
    logged = AccessLog.objects.count() - before
    batched = disclosure.Gate(prosecutor, now=NOW)
    batched.prefetch(defendants)
    together = [batched.person(d) for d in defendants]

    assert together == alone
    assert [p.name for p in together] == ["欧阳甲", "欧**", "欧阳丙", "成年3", "欧**"]
    assert logged == 2 and AccessLog.objects.count() - before == 2 * logged  # the same reads, logged once each


def test_prefetch_reads_nothing_for_rows_with_nothing_hidden(cast, django_assert_num_queries):
    case, _record = enter_case(cast.clerk_a, defendants=[defendant_data()])
    gate = disclosure.Gate(cast.clerk_a, now=NOW)
    defendants = list(case.defendants.select_related("person", "sealing_file"))
    with django_assert_num_queries(0):
        gate.prefetch(defendants)
        assert gate.person(defendants[0]).name == "张三"
