"""Demo query requests: each district's police bureau (which issues certificates) has requests waiting."""
from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import Agency, User
from sealing.models import Defendant, FileStatus

from . import services
from .models import LegalBasis, QueryRequest


@transaction.atomic
def load() -> int:
    if QueryRequest.objects.exists():
        return 0
    today = timezone.localdate()
    basis = LegalBasis.objects.filter(code="MPL-62").first()
    created = 0
    for police in Agency.objects.filter(kind=Agency.Kind.POLICE):
        clerk = User.objects.filter(agency=police, groups__name="clerk").first()
        prosecutor = User.objects.filter(agency__region=police.region, agency__kind=Agency.Kind.PROCURATORATE,
                                         groups__name="clerk").first()
        sealed = (Defendant.objects.filter(case__agency__region=police.region, person__id_number_index__isnull=False,
                                           sealing_file__status=FileStatus.SEALED)
                  .select_related("person").order_by("pk")[:3])
        for n, defendant in enumerate(sealed):
            person = defendant.person
            common = {"received": today - dt.timedelta(days=n), "subject_name": person.name,
                      "subject_id_number": person.id_number}
            requests = [
                {"requester_kind": "self", "requester_name": person.name, "requester_id_number": person.id_number,
                 "purpose": "certificate"},
                {"requester_kind": "unit", "requester_name": "人事处", "requester_organisation": "区第一幼儿园",
                 "purpose": "employment_screening", "legal_basis": basis, "occupation": "幼儿教师"},
                {"requester_kind": "judicial", "requester_name": "承办检察官",
                 "requester_organisation": str(prosecutor.agency) if prosecutor else "人民检察院",
                 "requester_agency": prosecutor.agency if prosecutor else None,
                 "requester_user": prosecutor, "purpose": "criminal_evaluation"},
            ]
            data = {**common, **requests[n % len(requests)]}
            if data["requester_kind"] == "judicial" and prosecutor is None:
                continue  # Q-RECIPIENT: a judicial request names its organ
            services.take_request(user=clerk, data=data, today=today)
            created += 1
    return created
