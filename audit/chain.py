"""The hash chain's format, as pure functions: what an entry's hash covers and how a mirrored access-log row
is digested. The format is part of the evidence: changing it makes every stored hash unverifiable, so a
change needs a new ``VERSION`` that ``entry_hash`` keeps computing the old way for old entries."""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping

VERSION = 1
GENESIS = "0" * 64  # the prev_hash of the first entry ever written

# The columns of sealing.AccessLog that its digest covers: a fixed list, so that a column added later does not
# change the digest of the rows written before it.
ACCESS_LOG_FIELDS = ("id", "at", "user_id", "action", "record_id", "defendant_id", "permit_id", "reference", "reason")


def utc_text(at: dt.datetime) -> str:
    """One spelling of an instant, whatever time zone the caller or the database hands it in."""
    if at.tzinfo is None:
        raise ValueError("audit times are aware datetimes")
    return at.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def canonical(value) -> bytes:
    """Sorted keys, no spaces, UTF-8: the same bytes after a round trip through jsonb or SQLite's text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False).encode()


def check_detail(value, path: str = "detail") -> None:
    """Details hold ids, codes, counts and flags: strings, integers, booleans, None, lists and objects.
    Floats are refused (their spelling may change on the way through the database)."""
    if value is None or isinstance(value, (str, bool, int)):
        return
    if isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            check_detail(item, f"{path}[{i}]")
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"{path}: keys must be strings")
            check_detail(item, f"{path}.{key}")
        return
    raise TypeError(f"{path}: {type(value).__name__} is not allowed in an audit detail")


def entry_hash(*, seq: int, at: dt.datetime, kind: str, actor_id: int | None, actor_username: str,
               object_type: str, object_id: str, detail, access_log_id: int | None, access_log_digest: str,
               prev_hash: str) -> str:
    payload = {
        "v": VERSION, "seq": seq, "at": utc_text(at), "kind": kind,
        "actor": [actor_id, actor_username], "object": [object_type, object_id], "detail": detail,
        "access_log": [access_log_id, access_log_digest], "prev": prev_hash,
    }
    return hashlib.sha256(canonical(payload)).hexdigest()


def _plain(value):
    if isinstance(value, dt.datetime):
        return utc_text(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def access_log_digest(row: Mapping) -> str:
    """SHA-256 over the access-log row's ``ACCESS_LOG_FIELDS`` (a mapping: a ``values()`` row or the
    attributes of a model instance)."""
    return hashlib.sha256(canonical({name: _plain(row[name]) for name in ACCESS_LOG_FIELDS})).hexdigest()
