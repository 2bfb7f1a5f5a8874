"""Every write of the audit trail. ``append`` runs inside the caller's transaction: the event and its entry
commit or roll back together. Appends are serialised on the head row (audit.models.AuditHead)."""
from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from zoneinfo import ZoneInfo

from django.db import IntegrityError, connections, transaction
from django.db.models import F, Max
from django.utils import timezone

from . import chain
from .models import AuditEntry, AuditHead, AuditKind

HEAD_PK = 1
MIN_RETENTION_DAYS = 180  # 网络安全法 art. 21: network logs are kept for no less than six months
BEIJING = ZoneInfo("Asia/Shanghai")
SECURITY_KINDS = frozenset({
    AuditKind.LOGIN, AuditKind.LOGIN_FAILED, AuditKind.LOCKOUT, AuditKind.ACCOUNT_CHANGE,
    AuditKind.PASSWORD_CHANGE, AuditKind.ROLE_CHANGE, AuditKind.PERMISSION_CHANGE, AuditKind.POLICY_CHANGE,
    AuditKind.CATALOGUE_CHANGE, AuditKind.KEY_ROTATION, AuditKind.EXPORT,
})


class AuditError(ValueError):
    pass


# --- the append-only guard -------------------------------------------------------------------------------

@contextmanager
def append_only_lifted(using: str = "default"):
    """Lift the database's refusal of UPDATE and DELETE on the audit trail and the access log, for the
    statements inside (the retention purge; tests that backdate a row). PostgreSQL: a transaction-local
    setting the trigger reads, set back before the block ends (a failure rolls it back with the block)."""
    connection = connections[using]
    if connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=using):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL fengcun.audit_purge = 'on'")
        yield
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL fengcun.audit_purge = 'off'")


# --- appending ---------------------------------------------------------------------------------------------

def _create_head() -> None:
    """The head row is missing (a new database, or tables flushed by a test): start it where the chain ends."""
    last = AuditEntry.objects.order_by("-seq").values("seq", "hash").first()
    try:
        with transaction.atomic():
            AuditHead.objects.create(pk=HEAD_PK, last_seq=last["seq"] if last else 0,
                                     last_hash=last["hash"] if last else chain.GENESIS)
    except IntegrityError:  # another writer created it first
        pass


def _take_head(*, advance: bool) -> AuditHead:
    """Lock the head row, taking the write lock first (a no-op UPDATE) so SQLite serialises too."""
    step = F("last_seq") + 1 if advance else F("last_seq")
    if not AuditHead.objects.filter(pk=HEAD_PK).update(last_seq=step):
        _create_head()
        AuditHead.objects.filter(pk=HEAD_PK).update(last_seq=step)
    return AuditHead.objects.select_for_update().get(pk=HEAD_PK)


def _label(obj) -> tuple[str, str]:
    if obj is None:
        return "", ""
    return obj._meta.label_lower, str(obj.pk)


def append(kind: str, *, actor=None, username: str = "", obj=None, ref: tuple[str, object] | None = None,
           detail: dict | None = None, at: dt.datetime | None = None, access_log=None) -> AuditEntry:
    """Append one entry. ``detail`` holds ids, codes and counts: never a sealed value, a person's name or
    ID number, or free text a user typed. ``access_log``: the sealing.AccessLog row this entry mirrors (its
    digest goes into the hash, so verify_audit sees the row changed or deleted). The object is ``obj`` (a model
instance) or ``ref`` (model label, pk)."""
    if kind not in AuditKind.values:
        raise AuditError(f"unknown audit event kind {kind!r}")
    detail = dict(detail or {})
    chain.check_detail(detail)
    at = at or timezone.now()
    actor_id = getattr(actor, "pk", None)
    actor_username = (getattr(actor, "username", "") or username or "")[:150]
    object_type, object_id = (ref[0], str(ref[1])) if ref is not None else _label(obj)
    log_id, log_digest = None, ""
    if access_log is not None:
        log_id = access_log.pk
        log_digest = chain.access_log_digest({f: getattr(access_log, f) for f in chain.ACCESS_LOG_FIELDS})
    with transaction.atomic():
        head = _take_head(advance=True)
        fields = dict(seq=head.last_seq, at=at, kind=str(kind), actor_id=actor_id, actor_username=actor_username,
                      object_type=object_type, object_id=object_id[:64], detail=detail, access_log_id=log_id,
                      access_log_digest=log_digest, prev_hash=head.last_hash)
        entry = AuditEntry.objects.create(**fields, hash=chain.entry_hash(**fields))
        AuditHead.objects.filter(pk=HEAD_PK).update(last_hash=entry.hash)
    return entry


def record_security_event(kind: str, *, actor=None, username: str = "", obj=None,
                          detail: dict | None = None, at: dt.datetime | None = None) -> AuditEntry:
    """A security event (login, failure, lockout, role or policy change, key rotation, export …). For a
    login failure or a lockout pass the username attempted; never a password."""
    if kind not in SECURITY_KINDS:
        raise AuditError(f"{kind!r} is not a security event")
    return append(kind, actor=actor, username=username, obj=obj, detail=detail, at=at)


def record_export(user, what: str, *, fmt: str, rows: int, at: dt.datetime | None = None, **detail) -> AuditEntry:
    """A table leaving the application (CSV, XLSX): which one, in which format, how many rows."""
    return record_security_event(AuditKind.EXPORT, actor=user,
                                 detail={"what": what, "format": fmt, "rows": rows, **detail}, at=at)


# --- retention ---------------------------------------------------------------------------------------------

def check_retention(days: int) -> int:
    if not isinstance(days, int) or days < MIN_RETENTION_DAYS:
        raise AuditError(f"the audit trail is kept for at least {MIN_RETENTION_DAYS} days, not {days}")
    return days


def chain_start() -> dict:
    """Where the kept chain starts, as its last purge (or the chain_start entry) recorded it."""
    purge = AuditEntry.objects.filter(kind=AuditKind.PURGE).order_by("-seq").values("seq", "detail").first()
    if purge is not None:
        d = purge["detail"] if isinstance(purge["detail"], dict) else {}
        return {"start_seq": d.get("start_seq"), "start_prev_hash": d.get("start_prev_hash"),
                "access_log_floor": d.get("access_log_floor", 0), "recorded": True, "purge_seq": purge["seq"]}
    first = AuditEntry.objects.filter(seq=1).values("kind", "detail").first()
    floor = (first["detail"].get("access_log_floor", 0)
             if first is not None and first["kind"] == AuditKind.CHAIN_START and isinstance(first["detail"], dict)
             else 0)
    return {"start_seq": 1, "start_prev_hash": chain.GENESIS, "access_log_floor": floor, "recorded": False}


def purge(*, as_of: dt.date, retention_days: int, now: dt.datetime | None = None) -> dict:
    """Delete the entries older than the retention (before the Beijing midnight that starts the day
    ``retention_days`` before ``as_of``), always a whole prefix of the chain, and append a ``purge`` entry
    recording the new start (its seq and the hash it links to) so the kept chain still verifies.

    The access log itself (sealing.AccessLog) is not purged: it is the supervisors' record of reads, which
    findings point at; the chain covers its rows from the new start on. A second run on the same day
    deletes nothing and writes nothing."""
    check_retention(retention_days)
    cutoff = dt.datetime.combine(as_of - dt.timedelta(days=retention_days), dt.time.min, tzinfo=BEIJING)
    with transaction.atomic():
        head = _take_head(advance=False)
        first = AuditEntry.objects.order_by("seq").values_list("seq", flat=True).first()
        if first is None:
            return {"deleted": 0, "cutoff": cutoff.isoformat(), "start_seq": None}
        kept = AuditEntry.objects.filter(at__gte=cutoff).order_by("seq").values_list("seq", flat=True).first()
        new_start = kept if kept is not None else head.last_seq + 1
        if new_start <= first:
            return {"deleted": 0, "cutoff": cutoff.isoformat(), "start_seq": first}
        before = chain_start()
        doomed = AuditEntry.objects.filter(seq__lt=new_start)
        floor = max(before["access_log_floor"] or 0, doomed.aggregate(m=Max("access_log_id"))["m"] or 0)
        predecessor = AuditEntry.objects.filter(seq=new_start - 1).values_list("hash", flat=True).first()
        if predecessor is None:  # a gap just before the new start: keep the link the chain has
            predecessor = (AuditEntry.objects.filter(seq=new_start).values_list("prev_hash", flat=True).first()
                           or head.last_hash)
        with append_only_lifted():
            deleted, _ = doomed.delete()
        entry = append(AuditKind.PURGE, detail={
            "start_seq": new_start, "start_prev_hash": predecessor, "access_log_floor": floor,
            "deleted": deleted, "cutoff": cutoff.isoformat(), "retention_days": retention_days,
        }, at=now)
    return {"deleted": deleted, "cutoff": cutoff.isoformat(), "start_seq": new_start, "purge_seq": entry.seq}



def mirror_access(log, *, break_glass: bool = False) -> AuditEntry:
    """The entry of one sealing.AccessLog row (disclosure.log_read calls it in the row's transaction):
    ids and the action only, and the row's digest."""
    ref = ("sealing.record", log.record_id) if log.record_id else ("sealing.defendant", log.defendant_id)
    return append(AuditKind.BREAK_GLASS if break_glass else AuditKind.READ, actor=log.user, at=log.at,
                  ref=ref if ref[1] is not None else None, access_log=log,
                  detail={"action": str(log.action), "record": log.record_id, "defendant": log.defendant_id,
                          "permit": log.permit_id})
