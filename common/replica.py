"""Reads from the read replica, only where a page asks for it.

The replica (``REPLICA_DATABASE_URL``, alias ``replica``) lags the primary by its replication delay, so nothing
reads from it by default: every query keeps reading its own writes on the primary. A read-only view whose figures
may be a few seconds old (the supervision console) wraps its reads in ``reading_from_replica()``; the router
(config/routers.py) then sends the reads made inside it to the replica, and still every write to the primary.

The flag is a context variable: it holds for the thread (or asyncio task) that set it, never for another request
served at the same time. Without a replica configured the router is not installed and the flag changes nothing.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar

REPLICA = "replica"

_reading_from_replica: ContextVar[bool] = ContextVar("reading_from_replica", default=False)


def replica_reads_wanted() -> bool:
    return _reading_from_replica.get()


@contextmanager
def reading_from_replica():
    """``with reading_from_replica(): ...`` or ``@reading_from_replica()``: reads inside go to the replica."""
    token = _reading_from_replica.set(True)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)
