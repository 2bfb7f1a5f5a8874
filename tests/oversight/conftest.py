"""The supervision tests' world: the fixed cast, plus a police station and a justice bureau in region X
and a police station in region Y, each with a clerk."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest

from accounts.factories import AgencyFactory, UserFactory
from accounts.models import Agency
from accounts.roles import CLERK, REVIEWER

NOON = dt.time(12, 0)


@dataclass
class Others:
    police_x: Agency
    justice_x: Agency
    police_y: Agency
    police_clerk_x: object
    justice_clerk_x: object
    police_clerk_y: object
    reviewer_a2: object


@pytest.fixture
def others(cast):
    region_x, region_y = cast.agency_a.region, cast.agency_b.region
    police_x = AgencyFactory(name="越秀区公安分局", kind=Agency.Kind.POLICE, region=region_x)
    justice_x = AgencyFactory(name="越秀区司法局", kind=Agency.Kind.JUSTICE, region=region_x)
    police_y = AgencyFactory(name="天河区公安分局", kind=Agency.Kind.POLICE, region=region_y)
    return Others(
        police_x=police_x, justice_x=justice_x, police_y=police_y,
        police_clerk_x=UserFactory(username="police_clerk_x", agency=police_x, roles=[CLERK]),
        justice_clerk_x=UserFactory(username="justice_clerk_x", agency=justice_x, roles=[CLERK]),
        police_clerk_y=UserFactory(username="police_clerk_y", agency=police_y, roles=[CLERK]),
        reviewer_a2=UserFactory(username="reviewer_a2", agency=cast.agency_a, roles=[REVIEWER]),
    )


def at(day: dt.date, time: dt.time = NOON) -> dt.datetime:
    """A moment on ``day`` in Beijing time."""
    from zoneinfo import ZoneInfo

    return dt.datetime.combine(day, time, tzinfo=ZoneInfo("Asia/Shanghai"))
