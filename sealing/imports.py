"""Importing cases from an XLSX or CSV file (issue 17): a dry run (``plan_import``) and the import
(``apply_import``), with the same validation (CaseForm, DefendantForm, the rules behind them) and the same
services as the forms.

Rows are read in file order and grouped by case number: the rows of one case must follow each other; a case is
validated, compared with what is stored and (on apply) written when its last row has been read, so memory
stays flat whatever the file's size. A defendant whose file is hidden passes the gate: its stored values never
appear in a preview, a diff, an error, the error file or the summary.

History reasons name the file and the row: ``imported from <file>, row <n>`` (``REASON``), stored in the source
language like every service reason; ``reason_display`` translates it for a history page.
"""
from __future__ import annotations

import datetime as dt
import re
from array import array
from bisect import bisect_left
from collections import Counter
from dataclasses import dataclass, field
from heapq import merge

from django.db import IntegrityError, transaction
from django.utils.translation import gettext, gettext_lazy as _

from . import permissions, services, services_bulk
from .casenumber import normalize_case_number
from .forms import CaseForm, DefendantForm
from .history import reason_for
from .models import Case, Charge, Defendant, Record, SealingFile
from .rules.validation import check_charges
from .spreadsheet import (
    BY_KEY, CHARGE_SEPARATORS, COLUMNS, ERROR_HEADER, NO, YES, FileProblem, cell_text, choice_labels, choice_lookup,
    header_of, read_table, table_bytes, content_type,
)

PREVIEW_LIMIT = 200
CASE_IDS_LIMIT = 1000
PROGRESS_EVERY = 500
WINDOW_CASES = 200  # cases read ahead, their stored cases read in one query
ANALYZE_FIRST = 2000
BATCH_CASES = 200  # new cases written together (services_bulk); a batch that fails goes again case by case
CASE_KEYS = ("case_number", "offense_start_date", "offense_date", "summary")
PERSON_KEYS = ("name", "id_number", "birth_date")
DEFENDANT_KEYS = ("charges", "disposition", "sentence_kind", "sentence_months", "suspended", "probation_months",
                  "judgment_effective_date", "sentence_completed_date", "plea", "surrender", "good_conduct",
                  "prior_convictions", "main_conduct_before_18")
RECORD_KEYS = ("record_kind", "record_title", "record_number")
FACT_KEYS = PERSON_KEYS + DEFENDANT_KEYS
BOOL_KEYS = ("suspended", "plea", "surrender", "good_conduct")

MESSAGES = {
    "other_agency": _("This case number is registered by another agency."),
    "not_consecutive": _("The rows of one case must follow each other: this case number appeared earlier in the file."),
    "case_differs": _("The case details differ from an earlier row of the same case."),
    "same_case_error": _("Another row of the same case has an error."),
    "duplicate": _("This person appears twice in the same case."),
    "yes_no": _("Enter 是 (yes) or 否 (no)."),
    "yes_no_empty": _("Enter 是 (yes), 否 (no) or leave the cell empty."),
    "unknown_choice": _("“%(value)s” is not one of the choices: %(choices)s."),
    "unknown_charge": _("Unknown charge “%(name)s”: did you mean “%(suggestion)s”?"),
    "unknown_charge_plain": _("Unknown charge “%(name)s”: see the charge catalogue."),
    "record_kind_required": _("Enter the kind of the record."),
    "no_permission": _("Your role does not import cases."),
    "no_agency": _("Your account belongs to no agency: ask an administrator."),
    "not_saved": _("This case could not be saved: please check its rows."),
}


@dataclass
class RowError:
    row: int
    column: str  # the Chinese header; "" for the whole row
    message: str

    def to_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}


@dataclass
class PlannedRow:
    row: int
    case_number: str
    name: str
    action: str  # "create" | "update"
    changes: list[tuple[str, str, str]] = field(default_factory=list)  # (header, old, new)


@dataclass
class ImportPlan:
    source: str
    counts: dict = field(default_factory=lambda: {"create": 0, "update": 0, "unchanged": 0, "error": 0})
    errors: list[RowError] = field(default_factory=list)
    creates: list[PlannedRow] = field(default_factory=list)
    updates: list[PlannedRow] = field(default_factory=list)
    error_rows: set[int] = field(default_factory=set)
    total_rows: int = 0

    def ok(self) -> bool:
        return not self.errors


class ImportRefused(Exception):
    """The whole-file import was refused because some rows have errors; nothing was written."""

    def __init__(self, plan: ImportPlan):
        super().__init__(f"{plan.counts['error']} row(s) with errors")
        self.plan = plan


# --- cell texts -> form data ---------------------------------------------------------------------------

_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)
_TRUE = {YES, "y", "yes", "true", "1", "√", "✓", "是的", "有"}
_FALSE = {NO, "n", "no", "false", "0", "×", "无"}


def date_text(text: str) -> str:
    """2024-01-31, 2024/1/31, 2024.1.31 and 2024年1月31日 as 2024-01-31; anything else as it is (the form then
    says it is not a date)."""
    text = text.strip().replace(" ", "")
    if re.match(r"^\d{4}-\d{2}-\d{2} 00:00:00$", text):
        text = text[:10]
    for pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if match:
            year, month, day = (int(g) for g in match.groups())
            return f"{year:04d}-{month:02d}-{day:02d}"
    return text


def _yes_no(text: str, *, nullable: bool):
    value = text.strip().lower()
    if value == "":
        return None if nullable else False
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ValueError


class _Choices:
    """Accepted spellings of the enumerated columns, read once per import."""

    def __init__(self):
        self.lookup = {key: choice_lookup(key) for key in ("disposition", "sentence_kind", "record_kind")}
        self.labels = {key: dict(choice_labels(key)) for key in self.lookup}

    def value(self, key: str, text: str) -> str | None:
        return self.lookup[key].get(text.strip().lower()) if text.strip() else ""

    def label(self, key: str, value: str) -> str:
        return self.labels[key].get(value, value) if value else ""


class _Catalogue:
    def __init__(self):
        self.charges = Charge.objects.in_bulk()
        self.by_name = {charge.name: pk for pk, charge in self.charges.items()}
        self.names_by_pk = {pk: name for name, pk in self.by_name.items()}

    def resolve(self, text: str) -> tuple[list[int], list[str]]:
        """(charge ids, messages): each name separated by 、 ； ; , must be in the catalogue; a near miss
        names the catalogue name it probably means (rules.validation.check_charges, as the JSON command)."""
        parts = [text]
        for separator in CHARGE_SEPARATORS:
            parts = [piece for part in parts for piece in part.split(separator)]
        names = [p.strip() for p in parts if p.strip()]
        messages = []
        for problem in check_charges(names, lambda n: n in self.by_name, self.by_name):
            if problem.code != "charge_unknown":
                continue
            name = problem.params["name"]
            near = [name + "罪"] if name + "罪" in self.by_name else problem.params["suggestions"]
            if near:
                messages.append(str(MESSAGES["unknown_charge"]) % {"name": name, "suggestion": near[0]})
            else:
                messages.append(str(MESSAGES["unknown_charge_plain"]) % {"name": name})
        return [self.by_name[n] for n in names if n in self.by_name], messages


class _SeenNumbers:
    """The case numbers met so far in the file, kept small whatever its size: a 64-bit hash of each (two numbers
    of one hash, one chance in 2**64 a pair, would refuse the second as a repeated case), the older ones in one
    sorted array of 8 bytes each instead of a Python object each scattered over the heap."""

    MERGE_AT = 4096

    def __init__(self):
        self.recent: set[int] = set()
        self.merged = array("q")

    def __contains__(self, number: str) -> bool:
        key = hash(number)
        if key in self.recent:
            return True
        at = bisect_left(self.merged, key)
        return at < len(self.merged) and self.merged[at] == key

    def add(self, number: str) -> None:
        self.recent.add(hash(number))
        if len(self.recent) >= self.MERGE_AT:
            self.merged = array("q", merge(self.merged, sorted(self.recent)))
            self.recent = set()


# --- one case's rows ---------------------------------------------------------------------------------------

@dataclass
class _Row:
    number: int
    values: dict
    errors: list[RowError] = field(default_factory=list)
    data: dict | None = None       # the defendant form's cleaned data
    record: dict | None = None     # the agency's copy to register: kind, title, document_number
    match: Defendant | None = None
    hidden: bool = False
    action: str = ""
    changes: list = field(default_factory=list)
    needs_record: bool = False
    facts_changed: bool = False

    def error(self, key_or_header: str, message) -> None:
        header = header_of(key_or_header) if key_or_header in BY_KEY else key_or_header
        self.errors.append(RowError(self.number, header, str(message)))

    def text(self, key: str) -> str:
        return self.values.get(key, "").strip()


def _form_errors(row: _Row, form, skip=()) -> None:
    """The form's messages, each on the column of its field (the form's fields are named as the columns)."""
    for name, errors in form.errors.items():
        if name in skip:
            continue
        for message in errors:
            row.error(name if name in BY_KEY else "", message)


def _typed(value, key):
    """A stored or cleaned value as the text the comparison and the export use (cell_text of the export's value)."""
    return cell_text(value)


class _Importer:
    def __init__(self, *, user, today: dt.date, filename: str, write: bool, valid_only: bool, progress=None):
        self.user, self.today, self.filename = user, today, filename
        self.write, self.valid_only, self.progress = write, valid_only, progress
        self.plan = ImportPlan(source=filename)
        self.choices = _Choices()
        self.catalogue = _Catalogue()
        self.seen_cases = _SeenNumbers()
        self.statuses: Counter = Counter()
        self.case_ids: list[int] = []
        self._case_ids_seen: set[int] = set()
        self.writing_stopped = False
        self.pending: list[tuple[list[_Row], dict]] = []  # new cases, validated, waiting for their batch
        self.window: list[tuple[list[_Row], bool]] = []  # cases read, waiting to be checked together
        self.stored: dict[str, Case] = {}  # the stored cases of the window's case numbers
        self.registered: dict[str, int] = {}
        self.written = 0  # defendants written in batches; the tables' statistics refreshed at 2,000, 8,000, …
        self.analyze_at = ANALYZE_FIRST

    # the file, row by row
    def run(self, table) -> None:
        if self.user.agency_id is None:
            raise FileProblem("no_agency", MESSAGES["no_agency"])
        if not self.user.has_perm("sealing.add_case"):
            raise FileProblem("permission", MESSAGES["no_permission"])
        group: list[_Row] = []
        group_key = None
        done = 0
        for number, values in table:
            done += 1
            key = normalize_case_number(values.get("case_number", ""))
            if group and (key != group_key or not key):  # a row without a case number is a case of its own
                self.queue(group)
                group = []
            if key and key in self.seen_cases and not group:
                row = _Row(number, values)
                row.error("case_number", MESSAGES["not_consecutive"])
                self.queue([row], failed=True)
            else:
                group_key = key
                group.append(_Row(number, values))
                if key:
                    self.seen_cases.add(key)
            if self.progress is not None and done % PROGRESS_EVERY == 0:
                self.progress(done, table.total_rows)
        if group:
            self.queue(group)
        self.check_window()
        self.write_pending()
        self.plan.total_rows = done
        if self.progress is not None:
            self.progress(done, done)

    def queue(self, rows: list[_Row], *, failed: bool = False) -> None:
        """A case's rows, checked with the others of its window (their stored cases read at once)."""
        self.window.append((rows, failed))
        if len(self.window) >= WINDOW_CASES:
            self.check_window()

    def check_window(self) -> None:
        window, self.window = self.window, []
        numbers = {normalize_case_number(rows[0].text("case_number")) for rows, failed in window if not failed}
        numbers.discard("")
        self.stored = {case.case_number: case for case in Case.objects.filter(case_number__in=numbers)}
        self.registered = {number: case.pk for number, case in self.stored.items()}  # CaseForm's hint
        for rows, failed in window:
            if failed:
                self.finish_errors(rows)
            else:
                self.flush(rows)

    def flush(self, rows: list[_Row]) -> None:
        self.case_changed = False
        case_form, existing = self.check_case(rows)
        if case_form is not None:
            case_data = case_form.cleaned_data
            for row in rows:
                self.check_row(row, case_data)
            self.check_duplicates(rows)
            if existing is not None:
                self.compare(rows, existing, case_data)
            else:
                for row in rows:
                    row.action = "create" if row.data is not None else ""
        if any(row.errors for row in rows):
            self.finish_errors(rows)
            return
        self.count(rows, case_form.cleaned_data, existing)
        if self.write and not self.writing_stopped:
            self.apply(rows, case_form.cleaned_data, existing)

    # validation: the forms
    def check_case(self, rows: list[_Row]):
        first = rows[0]
        for row in rows[1:]:
            for key in ("offense_start_date", "offense_date"):
                if date_text(row.text(key)) != date_text(first.text(key)):
                    row.error(key, MESSAGES["case_differs"])
            if row.text("summary") != first.text("summary"):
                row.error("summary", MESSAGES["case_differs"])
        number = normalize_case_number(first.text("case_number"))
        existing = self.stored.get(number)
        if existing is not None and existing.agency_id != self.user.agency_id:
            first.error("case_number", MESSAGES["other_agency"])
            return None, None
        data = {"case_number": first.text("case_number"),
                "offense_start_date": date_text(first.text("offense_start_date")),
                "offense_date": date_text(first.text("offense_date")), "summary": first.values.get("summary", "")}
        form = CaseForm(data, instance=Case.objects.get(pk=existing.pk) if existing else None,
                        registered=self.registered)
        if not form.is_valid():
            for name, errors in form.errors.items():
                for message in errors:
                    first.error(name if name in BY_KEY else "", message)
            return None, existing
        return form, existing

    def check_row(self, row: _Row, case_data: dict) -> None:
        data = {key: row.text(key) for key in ("name", "id_number")}
        for key in ("birth_date", "judgment_effective_date", "sentence_completed_date"):
            data[key] = date_text(row.text(key))
        for key in ("sentence_months", "probation_months"):
            data[key] = row.text(key)
        data["prior_convictions"] = row.text("prior_convictions") or "0"
        for key in ("disposition", "sentence_kind"):
            value = self.choices.value(key, row.text(key))
            if value is None:
                row.error(key, str(MESSAGES["unknown_choice"]) % {
                    "value": row.text(key), "choices": "、".join(self.choices.labels[key].values())})
                value = ""
            data[key] = value
        for key in BOOL_KEYS:
            try:
                data[key] = "on" if _yes_no(row.text(key), nullable=False) else ""
            except ValueError:
                row.error(key, MESSAGES["yes_no"])
        try:
            before_18 = _yes_no(row.text("main_conduct_before_18"), nullable=True)
            data["main_conduct_before_18"] = {None: "unknown", True: "true", False: "false"}[before_18]
        except ValueError:
            row.error("main_conduct_before_18", MESSAGES["yes_no_empty"])
        charge_ids, charge_messages = self.catalogue.resolve(row.text("charges"))
        for message in charge_messages:
            row.error("charges", message)
        data["charges"] = [str(pk) for pk in charge_ids]
        form = DefendantForm(data, offense_date=case_data.get("offense_date"),
                             offense_start_date=case_data.get("offense_start_date"), charges=self.catalogue.charges)
        valid = form.is_valid()
        _form_errors(row, form, skip=("charges",) if charge_messages else ())
        title, kind_text = row.text("record_title"), row.text("record_kind")
        if title:
            kind = self.choices.value("record_kind", kind_text)
            if not kind_text:
                row.error("record_kind", MESSAGES["record_kind_required"])
            elif kind is None:
                row.error("record_kind", str(MESSAGES["unknown_choice"]) % {
                    "value": kind_text, "choices": "、".join(self.choices.labels["record_kind"].values())})
            else:
                row.record = {"kind": kind, "title": title[:120], "document_number": row.text("record_number")[:60]}
        if valid and not row.errors:
            row.data = form.cleaned_data

    def check_duplicates(self, rows: list[_Row]) -> None:
        seen = set()
        for row in rows:
            if row.data is None:
                continue
            key = row.data["id_number"] or (row.data["name"], row.data.get("birth_date"))
            if key in seen:
                row.error("id_number" if row.data["id_number"] else "", MESSAGES["duplicate"])
            seen.add(key)

    # comparison with the stored case
    def compare(self, rows: list[_Row], case: Case, case_data: dict) -> None:
        defendants = list(case.defendants.select_related("person", "sealing_file").prefetch_related("charges"))
        by_id = {d.person.id_number: d for d in defendants if d.person.id_number}
        by_name = {(d.person.name, d.person.birth_date): d for d in defendants if not d.person.id_number}
        any_hidden = any(_hidden(d) for d in defendants)
        stored_case = {key: _typed(value, key) for key, value in _case_values(case).items()}
        fresh_case = {key: _typed(value, key) for key, value in _case_values_from(case_data).items()}
        case_changes = [(header_of(k), stored_case[k], fresh_case[k])
                        for k in CASE_KEYS if stored_case[k] != fresh_case[k]]
        copies = {}
        if self.user.agency_id is not None:
            for defendant_id, kind, title in Record.objects.filter(
                    case=case, holding_agency_id=self.user.agency_id).values_list("defendant_id", "kind", "title"):
                copies.setdefault(defendant_id, set()).add((kind, title))
        if case_changes:
            ok, reason = permissions.can_change_case(self.user, case)
            if any_hidden or not ok:
                rows[0].error("", gettext(reason) if reason else _neutral())
                return
        for row in rows:
            if row.data is None:
                continue
            match = (by_id.get(row.data["id_number"]) if row.data["id_number"]
                     else by_name.get((row.data["name"], row.data.get("birth_date"))))
            row.match, row.hidden = match, match is not None and _hidden(match)
            if match is None:
                if not (self.user.has_perm("sealing.add_defendant") and permissions.handles(self.user, case)):
                    row.error("", gettext("Only the handling agency corrects the facts of a case."))
                    continue
                row.action = "create"
                continue
            stored = {key: _typed(v, key) for key, v in _defendant_values(match, self.choices).items()}
            fresh = {key: _typed(v, key) for key, v in self.row_values(row.data).items()}
            changes = [(header_of(k), stored[k], fresh[k]) for k in FACT_KEYS if stored[k] != fresh[k]]
            if row.record is not None and (row.record["kind"], row.record["title"]) not in copies.get(match.pk, set()):
                row.needs_record = True
                changes.append((header_of("record_title"), "", row.record["title"]))
            if changes and row.hidden:
                # the gate: never a stored value of a hidden file, and the same words the permission check gives
                row.error("", _neutral())
                continue
            row.facts_changed = any(header != header_of("record_title") for header, _old, _new in changes)
            if row.facts_changed:
                ok, reason = permissions.can_change_facts(self.user, match)
                if not ok:
                    row.error("", gettext(reason))
                    continue
            row.changes = changes
            row.action = "update" if changes else "unchanged"
        if case_changes and not any(row.errors for row in rows):
            first = rows[0]
            first.changes = case_changes + first.changes
            if first.action == "unchanged":
                first.action = "update"
            self.case_changed = True

    def row_values(self, data: dict) -> dict:
        return {
            "name": data["name"], "id_number": data["id_number"], "birth_date": data.get("birth_date"),
            "charges": _charge_text(c.name for c in data["charges"]),
            "disposition": self.choices.label("disposition", data["disposition"]),
            "sentence_kind": self.choices.label("sentence_kind", data.get("sentence_kind") or ""),
            "sentence_months": data.get("sentence_months"), "probation_months": data.get("probation_months"),
            "suspended": _yes(data.get("suspended")), "plea": _yes(data.get("plea")),
            "surrender": _yes(data.get("surrender")), "good_conduct": _yes(data.get("good_conduct")),
            "judgment_effective_date": data.get("judgment_effective_date"),
            "sentence_completed_date": data.get("sentence_completed_date"),
            "prior_convictions": data.get("prior_convictions") or 0,
            "main_conduct_before_18": _null_yes(data.get("main_conduct_before_18")),
        }

    # results
    def finish_errors(self, rows: list[_Row]) -> None:
        for row in rows:
            if not row.errors:
                row.error("", MESSAGES["same_case_error"])
            self.plan.errors.extend(row.errors)
            self.plan.error_rows.add(row.number)
            self.plan.counts["error"] += 1
        if not self.valid_only:
            self.writing_stopped = True  # the whole file will be refused: writing more is wasted work

    def count(self, rows: list[_Row], case_data: dict, existing) -> None:
        number = case_data["case_number"]
        for row in rows:
            self.plan.counts[row.action] += 1
            if row.action == "create":
                target = self.plan.creates
            elif row.action == "update":
                target = self.plan.updates
            else:
                continue
            if len(target) < PREVIEW_LIMIT:
                target.append(PlannedRow(row.number, number, row.data["name"], row.action, list(row.changes)))

    # writing, through the services
    def apply(self, rows: list[_Row], case_data: dict, existing) -> None:
        if existing is None:  # a new case: written with others (services_bulk), in order
            self.pending.append((rows, case_data))
            if len(self.pending) >= BATCH_CASES:
                self.write_pending()
            return
        self.write_pending()  # before a stored case is read again or a person looked up by the services
        self.apply_one(rows, case_data, existing)

    def write_pending(self) -> None:
        pending, self.pending = self.pending, []
        if not pending or self.writing_stopped:
            return
        batch = [services_bulk.NewCase(
            case_data=case_data, reason=reason_for(self.filename, rows[0].number),
            defendants=[services_bulk.NewDefendant(data=row.data, reason=reason_for(self.filename, row.number),
                                                   record=row.record) for row in rows])
            for rows, case_data in pending]
        try:
            with transaction.atomic():  # a savepoint: the batch is undone whole if one of its cases fails
                services_bulk.create_cases(user=self.user, cases=batch, today=self.today)
        except (services.SealingError, IntegrityError):
            # one case failed (a person entered meanwhile by another import, say): each case again on its own,
            # so that the error names its rows and the others are written
            for rows, case_data in pending:
                self.apply_one(rows, case_data, None)
            return
        for new in batch:
            self.statuses.update(item.file.status for item in new.defendants)
            self._remember(new.case)
        self.written += sum(len(new.defendants) for new in batch)
        if self.written >= self.analyze_at:
            services_bulk.refresh_statistics()
            self.analyze_at *= 4

    def _remember(self, case: Case) -> None:
        if case.pk not in self._case_ids_seen and len(self.case_ids) < CASE_IDS_LIMIT:
            self._case_ids_seen.add(case.pk)
            self.case_ids.append(case.pk)

    def apply_one(self, rows: list[_Row], case_data: dict, existing) -> None:
        statuses: Counter = Counter()
        try:
            with transaction.atomic():  # a savepoint: a case that fails as a whole is skipped whole
                case = self._apply(rows, case_data, existing, statuses)
        except (services.SealingError, IntegrityError) as exc:
            for row in rows:
                row.errors = []
            message = gettext(str(exc)) if isinstance(exc, services.SealingError) else MESSAGES["not_saved"]
            rows[0].error("", message)
            self._undo_counts(rows)
            self.finish_errors(rows)
            return
        self.statuses.update(statuses)
        self._remember(case)

    def _undo_counts(self, rows):
        for row in rows:
            self.plan.counts[row.action] -= 1
        self.plan.creates = [p for p in self.plan.creates if p.row not in {r.number for r in rows}]
        self.plan.updates = [p for p in self.plan.updates if p.row not in {r.number for r in rows}]

    def _apply(self, rows: list[_Row], case_data: dict, existing, statuses: Counter) -> Case:
        first_reason = reason_for(self.filename, rows[0].number)
        if existing is None:
            case = services.create_case(user=self.user, case_data=case_data, defendants=[], today=self.today,
                                        reason=first_reason)
        else:
            case = existing
            if getattr(self, "case_changed", False):
                case = services.update_case(user=self.user, case=Case.objects.get(pk=existing.pk), case_data=case_data,
                                            today=self.today, reason=first_reason)
        for row in rows:
            reason = reason_for(self.filename, row.number)
            defendant = row.match
            if row.action == "create":
                defendant = services.add_defendant(user=self.user, case=case, data=row.data, today=self.today,
                                                   reason=reason)
                if row.record is not None:
                    row.needs_record = True
            elif row.facts_changed:
                defendant = services.update_defendant(user=self.user, defendant=defendant, data=row.data,
                                                      today=self.today, reason=reason)
            if row.needs_record:
                services.create_record(user=self.user, case=case, reason=reason,
                                       data=dict(row.record, content="", defendant=defendant))
            status = SealingFile.objects.filter(defendant=defendant).values_list("status", flat=True).first()
            if status:
                statuses[status] += 1
        return case


def _neutral() -> str:
    return gettext("The facts of a sealed file cannot be changed; a correction needs unsealing first.")


def _hidden(defendant: Defendant) -> bool:
    file = getattr(defendant, "sealing_file", None)
    return bool(file is not None and file.hidden)


def _yes(value) -> str:
    return YES if value else NO


def _null_yes(value) -> str:
    return "" if value is None else _yes(value)


def _charge_text(names) -> str:
    return "、".join(sorted(names))


def _case_values(case: Case) -> dict:
    return {"case_number": case.case_number, "offense_start_date": case.offense_start_date,
            "offense_date": case.offense_date, "summary": case.summary}


def _case_values_from(data: dict) -> dict:
    return {key: data.get(key) for key in CASE_KEYS}


def _defendant_values(defendant: Defendant, choices: _Choices) -> dict:
    """The stored facts of one defendant in the table's columns (the export writes the same values)."""
    person = defendant.person
    return {
        "name": person.name, "id_number": person.id_number, "birth_date": person.birth_date,
        "charges": _charge_text(c.name for c in defendant.charges.all()),
        "disposition": choices.label("disposition", defendant.disposition),
        "sentence_kind": choices.label("sentence_kind", defendant.sentence_kind),
        "sentence_months": defendant.sentence_months, "suspended": _yes(defendant.suspended),
        "probation_months": defendant.probation_months,
        "judgment_effective_date": defendant.judgment_effective_date,
        "sentence_completed_date": defendant.sentence_completed_date,
        "plea": _yes(defendant.plea), "surrender": _yes(defendant.surrender),
        "good_conduct": _yes(defendant.good_conduct), "prior_convictions": defendant.prior_convictions,
        "main_conduct_before_18": _null_yes(defendant.main_conduct_before_18),
    }


def table_row(case: Case, defendant: Defendant, record: Record | None, choices: _Choices | None = None) -> list:
    """One row of the template for a stored defendant (the export): the values the import compares with."""
    choices = choices or _Choices()
    values = dict(_case_values(case), **_defendant_values(defendant, choices))
    values["record_kind"] = choices.label("record_kind", record.kind) if record else ""
    values["record_title"] = record.title if record else ""
    values["record_number"] = record.document_number if record else ""
    return [values[c.key] for c in COLUMNS]


# --- the public functions -----------------------------------------------------------------------------------

def plan_import(data: bytes, filename: str, *, user, today: dt.date, progress=None) -> ImportPlan:
    """The dry run: what the import would create, change and refuse. Writes nothing."""
    table = read_table(data, filename)
    importer = _Importer(user=user, today=today, filename=filename, write=False, valid_only=False, progress=progress)
    importer.run(table)
    return importer.plan


def apply_import(data: bytes, filename: str, *, user, today: dt.date, valid_only: bool = False,
                 progress=None) -> dict:
    """Import the file in one transaction. Without ``valid_only`` any row error refuses the whole file
    (ImportRefused, nothing written); with it the valid cases are written and the error rows skipped."""
    table = read_table(data, filename)
    importer = _Importer(user=user, today=today, filename=filename, write=True, valid_only=valid_only,
                         progress=progress)
    with transaction.atomic():
        importer.run(table)
        if importer.plan.errors and not valid_only:
            transaction.set_rollback(True)
            raise ImportRefused(importer.plan)
    return summary(importer.plan, statuses=dict(importer.statuses), case_ids=importer.case_ids)


def summary(plan: ImportPlan, *, statuses=None, case_ids=None) -> dict:
    """The JSON summary of the commands and the import page."""
    result = {"created": plan.counts["create"], "updated": plan.counts["update"],
              "unchanged": plan.counts["unchanged"], "errors": [e.to_dict() for e in plan.errors]}
    if statuses is not None:
        result["statuses"] = statuses
    if case_ids is not None:
        result["case_ids"] = case_ids
    return result


def error_file(data: bytes, filename: str, plan: ImportPlan) -> tuple[bytes, str, str]:
    """The error rows of the upload with their original columns and an 错误 column, in the upload's format."""
    table = read_table(data, filename)
    messages: dict[int, list[str]] = {}
    for error in plan.errors:
        messages.setdefault(error.row, []).append(f"{error.column}：{error.message}" if error.column else error.message)
    keep = [i for i, header in enumerate(table.headers) if header != ERROR_HEADER]
    headers = [table.headers[i] for i in keep]

    def rows():
        raw = table.raw_rows()
        next(raw)
        for number, texts in raw:
            if number not in plan.error_rows:
                continue
            texts = texts + [""] * (len(table.headers) - len(texts))
            yield [texts[i] for i in keep] + ["；".join(messages.get(number, []))]

    fmt = table.kind
    stem = filename.rsplit(".", 1)[0] if "." in filename else filename
    return table_bytes(rows(), fmt, headers=headers, extra_headers=[ERROR_HEADER]), f"{stem}-错误.{fmt}", \
        content_type(fmt)
