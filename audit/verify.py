"""Walk the chain and say whether it is intact, or where it first breaks (verify_audit).

One pass in sequence order, a chunk at a time (memory stays bounded whatever the length): each entry's
number follows the previous one (a deleted entry is a gap), its prev_hash is the previous entry's hash
(entries reordered or replaced), its hash matches its content (an entry modified), and the access-log row it
mirrors still has the digest it had (a row modified or deleted behind the chain's back). Then: the chain
reaches its head (entries deleted at the end), and no access-log row written since the chain's start lacks
an entry."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from django.apps import apps
from django.db.models import Exists, OuterRef

from . import chain
from .models import AuditEntry, AuditHead
from .services import HEAD_PK, chain_start

CHUNK = 2000


@dataclass
class Problem:
    seq: int | None
    code: str
    message: str
    access_log_id: int | None = None


@dataclass
class Report:
    entries: int = 0
    first_seq: int | None = None
    last_seq: int | None = None
    access_log_rows: int = 0
    problem: Problem | None = None
    start: dict = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.problem is None

    def to_dict(self) -> dict:
        data = {"ok": self.ok, "entries": self.entries, "first_seq": self.first_seq, "last_seq": self.last_seq,
                "access_log_rows": self.access_log_rows}
        if self.problem is not None:
            data["broken"] = {k: v for k, v in asdict(self.problem).items() if v is not None}
        return data


def _access_log_model():
    return apps.get_model("sealing", "AccessLog")


def _recomputed(entry: dict) -> str | None:
    try:
        return chain.entry_hash(**{k: entry[k] for k in (
            "seq", "at", "kind", "actor_id", "actor_username", "object_type", "object_id", "detail",
            "access_log_id", "access_log_digest", "prev_hash")})
    except (TypeError, ValueError, AttributeError):  # a value no append could have written
        return None


COLUMNS = ("seq", "at", "kind", "actor_id", "actor_username", "object_type", "object_id", "detail",
           "access_log_id", "access_log_digest", "prev_hash", "hash")


def _entries(chunk: int):
    last = None
    while True:
        rows = AuditEntry.objects.order_by("seq").values(*COLUMNS)
        if last is not None:
            rows = rows.filter(seq__gt=last)
        rows = list(rows[:chunk])
        if not rows:
            return
        yield rows
        last = rows[-1]["seq"]


def _check_mirrors(rows: list[dict]) -> Problem | None:
    mirrored = {r["access_log_id"]: r for r in rows if r["access_log_id"] is not None}
    if not mirrored:
        return None
    found = {row["id"]: row for row in
             _access_log_model().objects.filter(pk__in=list(mirrored)).values(*chain.ACCESS_LOG_FIELDS)}
    for log_id, entry in sorted(mirrored.items(), key=lambda item: item[1]["seq"]):
        row = found.get(log_id)
        if row is None:
            return Problem(entry["seq"], "access_log_deleted",
                           f"access-log row {log_id} of entry {entry['seq']} has been deleted", log_id)
        if chain.access_log_digest(row) != entry["access_log_digest"]:
            return Problem(entry["seq"], "access_log_modified",
                           f"access-log row {log_id} of entry {entry['seq']} has been modified", log_id)
    return None


def _check_entry(entry: dict, expected_seq: int, expected_prev: str, previous_seq: int | None,
                 start: dict) -> Problem | None:
    seq = entry["seq"]
    if seq != expected_seq:
        if previous_seq is None and seq < expected_seq:
            return Problem(seq, "start_not_recorded", f"the chain starts at entry {seq}, but its last purge "
                                                      f"recorded the start at entry {expected_seq}")
        missing = f"entry {expected_seq}" if seq == expected_seq + 1 else f"entries {expected_seq} to {seq - 1}"
        return Problem(expected_seq, "missing", f"{missing} missing (deleted)")
    if entry["prev_hash"] != expected_prev:
        if previous_seq is None:
            return Problem(seq, "link_broken", f"entry {seq} does not link to the start of the chain "
                                               f"({'the last purge' if start['recorded'] else 'genesis'})")
        return Problem(seq, "link_broken", f"entry {seq} does not link to entry {previous_seq}: entries "
                                           f"reordered, or an entry replaced")
    if _recomputed(entry) != entry["hash"]:
        return Problem(seq, "modified", f"entry {seq} has been modified: its content does not match its hash")
    return None


def verify(*, chunk: int = CHUNK) -> Report:
    report = Report()
    head = AuditHead.objects.filter(pk=HEAD_PK).values("last_seq", "last_hash").first()
    start = chain_start()
    report.start = start
    expected_seq, expected_prev = start["start_seq"], start["start_prev_hash"]
    floor = start["access_log_floor"]
    if not (isinstance(expected_seq, int) and isinstance(expected_prev, str) and isinstance(floor, int)):
        report.problem = Problem(start.get("purge_seq"), "modified",
                                 f"entry {start.get('purge_seq')} (a purge) does not say where the chain starts")
        return report
    previous_seq = head_hash = None
    for rows in _entries(chunk):
        for index, entry in enumerate(rows):
            problem = _check_entry(entry, expected_seq, expected_prev, previous_seq, start)
            if problem is not None:  # an access-log row changed earlier in the chunk comes first
                report.problem = _check_mirrors(rows[:index]) or problem
                return report
            if report.first_seq is None:
                report.first_seq = entry["seq"]
            expected_prev, previous_seq, expected_seq = entry["hash"], entry["seq"], entry["seq"] + 1
            if head is not None and entry["seq"] == head["last_seq"]:
                head_hash = entry["hash"]
            report.entries += 1
        problem = _check_mirrors(rows)
        if problem is not None:
            report.problem = problem
            return report
        report.access_log_rows += sum(1 for r in rows if r["access_log_id"] is not None)
    report.last_seq = previous_seq
    if head is not None and head["last_seq"] and (previous_seq is None or previous_seq < head["last_seq"]):
        after = previous_seq if previous_seq is not None else expected_seq - 1
        report.problem = Problem(after + 1, "missing",
                                 f"the chain ends at entry {after} but its head is at entry {head['last_seq']}: "
                                 f"entries at the end deleted")
        return report
    if head is not None and head_hash is not None and head_hash != head["last_hash"]:
        report.problem = Problem(head["last_seq"], "modified",
                                 f"entry {head['last_seq']} does not have the hash the chain's head recorded")
        return report
    access_log = _access_log_model()
    orphan = (access_log.objects.filter(pk__gt=floor)
              .filter(~Exists(AuditEntry.objects.filter(access_log_id=OuterRef("pk"))))
              .order_by("pk").values_list("pk", flat=True).first())
    if orphan is not None:
        report.problem = Problem(None, "access_log_unchained",
                                 f"access-log row {orphan} has no audit entry: written behind the chain's back",
                                 orphan)
    return report
