"""The chain's format: what a hash covers, and what a detail may hold."""
import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from audit import chain

AT = dt.datetime(2026, 6, 1, 9, 0, 0, 123456, tzinfo=dt.timezone.utc)
FIELDS = dict(seq=7, at=AT, kind="login", actor_id=3, actor_username="clerk_a", object_type="accounts.user",
              object_id="3", detail={"ip": "10.0.0.1", "b": [1, 2], "a": {"y": 1, "x": True}}, access_log_id=None,
              access_log_digest="", prev_hash=chain.GENESIS)


def test_the_hash_does_not_depend_on_the_time_zone_or_the_order_of_keys():
    beijing = AT.astimezone(ZoneInfo("Asia/Shanghai"))
    shuffled = {"a": {"x": True, "y": 1}, "b": [1, 2], "ip": "10.0.0.1"}
    assert chain.entry_hash(**FIELDS) == chain.entry_hash(**{**FIELDS, "at": beijing, "detail": shuffled})


@pytest.mark.parametrize("change", [
    {"seq": 8}, {"at": AT + dt.timedelta(microseconds=1)}, {"kind": "logout"}, {"actor_id": 4},
    {"actor_username": "clerk_b"}, {"object_id": "4"}, {"detail": {"ip": "10.0.0.2"}}, {"access_log_id": 1},
    {"access_log_digest": "0" * 64}, {"prev_hash": "1" * 64},
])
def test_every_field_is_covered_by_the_hash(change):
    assert chain.entry_hash(**FIELDS) != chain.entry_hash(**{**FIELDS, **change})


def test_a_detail_holds_no_floats_and_string_keys_only():
    chain.check_detail({"n": 1, "ok": True, "ids": [1, 2], "none": None, "nested": {"code": "x"}})
    with pytest.raises(TypeError):
        chain.check_detail({"ratio": 0.5})
    with pytest.raises(TypeError):
        chain.check_detail({1: "x"})


def test_naive_times_are_refused():
    with pytest.raises(ValueError):
        chain.utc_text(dt.datetime(2026, 6, 1, 9, 0))
