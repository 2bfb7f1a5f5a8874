"""Supervision (RULES.md §5): findings (线索) the scans detect or a supervisor enters from a complaint, the
policy numbers of supervision, and the record of each scan run."""
from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.fields import EncryptedBinaryField, EncryptedCharField, EncryptedTextField

from . import rules


class Rule(models.TextChoices):
    UNSEALED = rules.S_UNSEALED, _("S-UNSEALED · copy not sealed by its deadline")
    UNDELIVERED = rules.S_UNDELIVERED, _("S-UNDELIVERED · sealing notice not received in time")
    OBS_OPEN = rules.S_OBS_OPEN, _("S-OBS-OPEN · observation ended, file not final")
    QUERY_LATE = rules.S_QUERY_LATE, _("S-QUERY-LATE · query answered late or not at all")
    OVERRIDE = rules.S_OVERRIDE, _("S-OVERRIDE · departure from the recommendation")
    NO_BASIS = rules.S_NO_BASIS, _("S-NO-BASIS · disclosure to a unit without lawful basis")
    READ_SCOPE = rules.S_READ_SCOPE, _("S-READ-SCOPE · read outside a permit")
    READ_VOLUME = rules.S_READ_VOLUME, _("S-READ-VOLUME · unusual volume of reads")
    CALENDAR = rules.S_CALENDAR, _("S-CALENDAR · working calendar missing")
    OBJECTION_LATE = rules.S_OBJECTION_LATE, _("S-OBJECTION-LATE · objection answered late")
    ORAL_REPEAT = rules.S_ORAL_REPEAT, _("S-ORAL-REPEAT · three oral corrections of one kind: a written notice proposed")


class Source(models.TextChoices):
    SCAN = "scan", _("scan")
    HOTLINE = "hotline", _("12309 hotline")
    PETITION = "petition", _("petition (letters and visits)")
    APPLICATION = "application", _("a person's own application")


COMPLAINT_SOURCES = (Source.HOTLINE, Source.PETITION, Source.APPLICATION)


class State(models.TextChoices):
    OPEN = "open", _("open finding")
    CLOSED = "closed", _("closed finding")


class Triage(models.TextChoices):
    PENDING = "pending", _("not yet triaged")
    ACCEPTED = "accepted", _("accepted as a lead")
    DISMISSED = "dismissed", _("dismissed")


class FindingQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state=State.OPEN)

    def from_scans(self):
        return self.filter(source=Source.SCAN)


class Finding(models.Model):
    """One lead for supervision: a cause a scan detected (rule id, the agency concerned, the objects
    involved, the dates), or a complaint entered by hand. A scan finding is open while its cause lasts and
    closed by the scan once it is gone; ``key`` names the cause, so a re-run finds the open finding again
    instead of creating a second one. Instruments (correction notices, recommendations) will rest on
    findings."""

    serial = models.CharField(_("serial number"), max_length=30, unique=True)
    rule = models.CharField(_("rule"), max_length=20, choices=Rule.choices, blank=True,
                            help_text=_("Empty for a complaint about another matter."))
    source = models.CharField(_("source"), max_length=12, choices=Source.choices, default=Source.SCAN)
    key = models.CharField(_("cause"), max_length=120, editable=False)
    agency = models.ForeignKey("accounts.Agency", verbose_name=_("agency concerned"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="findings")
    # Copied from the agency (or the official's agency) so that scoping is one indexed filter; empty for a
    # finding that concerns every region (the working calendar).
    region = models.ForeignKey("accounts.Region", verbose_name=_("region"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="findings")

    # The objects involved (each scan fills the ones it is about).
    sealing_notice = models.ForeignKey("sealing.SealingNotice", verbose_name=_("sealing notice"), null=True,
                                       blank=True, on_delete=models.SET_NULL, related_name="findings")
    sealing_file = models.ForeignKey("sealing.SealingFile", verbose_name=_("sealing file"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="findings")
    record = models.ForeignKey("sealing.Record", verbose_name=_("record copy"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="findings")
    query_request = models.ForeignKey("queries.QueryRequest", verbose_name=_("query request"), null=True,
                                      blank=True, on_delete=models.SET_NULL, related_name="findings")
    objection = models.ForeignKey("queries.Objection", verbose_name=_("objection"), null=True, blank=True,
                                  on_delete=models.SET_NULL, related_name="findings")
    access_log = models.ForeignKey("sealing.AccessLog", verbose_name=_("read of sealed content"), null=True,
                                   blank=True, on_delete=models.SET_NULL, related_name="findings")
    official = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("official concerned"), null=True,
                                 blank=True, on_delete=models.SET_NULL, related_name="findings_about")
    facts = models.JSONField(_("facts of the finding"), default=dict, blank=True)

    detected_on = models.DateField(_("detected on"))
    cause_date = models.DateField(_("cause date"), null=True, blank=True,
                                  help_text=_("The deadline passed, the period ended, the read made …"))
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    # Set when the finding was dealt with: dismissed, or an instrument resting on it was closed (reply accepted,
    # oral correction followed up). A finding whose cause is a past event (a late answer, a read out of scope)
    # never goes away by itself: once settled, the scan closes it and does not raise it again.
    settled_on = models.DateField(_("settled on"), null=True, blank=True)

    triage = models.CharField(_("triage"), max_length=10, choices=Triage.choices, default=Triage.PENDING)
    triage_reason = models.TextField(_("triage note or reason"), blank=True)
    triaged_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("triaged by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    triaged_at = models.DateTimeField(_("triaged at"), null=True, blank=True)

    # A complaint, entered by hand (the description may name people: encrypted at rest).
    complainant = EncryptedCharField(_("complainant"), blank=True, form_max_length=80)
    description = EncryptedTextField(_("description"), blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("entered by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    history = HistoricalRecords()

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        ordering = ["-detected_on", "-pk"]
        constraints = [
            # a re-run of a scan finds the open finding of a cause instead of creating a second one
            models.UniqueConstraint(fields=["key"], condition=models.Q(state="open"), name="finding_open_key_once"),
            models.CheckConstraint(condition=models.Q(state="open", closed_on__isnull=True)
                                   | models.Q(state="closed", closed_on__isnull=False),
                                   name="finding_closed_on_iff_closed"),
        ]
        indexes = [
            models.Index(fields=["rule", "state"], name="finding_rule_state"),  # the scan's open findings of a rule
            models.Index(fields=["region", "state", "-detected_on"], name="finding_region_state"),
            models.Index(fields=["agency", "state"], name="finding_agency_state"),
            models.Index(fields=["key"], name="finding_key"),
        ]

    def __str__(self):
        return f"{self.serial} · {self.rule or self.get_source_display()}"

    @property
    def is_open(self) -> bool:
        return self.state == State.OPEN

    @property
    def is_complaint(self) -> bool:
        return self.source != Source.SCAN


class OversightPolicy(models.Model):
    """One version of the (policy) numbers of supervision. Versions are never edited: a change is a new
    version (as SealingPolicy)."""

    version = models.PositiveIntegerField(_("version"), unique=True, editable=False)
    read_volume_threshold = models.PositiveIntegerField(
        _("reads of sealed content by one user above which the volume is unusual"), default=50)
    read_volume_period_days = models.PositiveSmallIntegerField(_("period the reads are counted over (days)"),
                                                               default=7)
    oral_follow_up_days = models.PositiveSmallIntegerField(_("follow-up of an oral correction (days)"), default=15)
    notice_reply_days = models.PositiveSmallIntegerField(_("reply to a correction notice due within (days)"),
                                                         default=15)
    recommendation_reply_months = models.PositiveSmallIntegerField(
        _("reply to a procuratorial recommendation due within (months)"), default=2)
    review_answer_days = models.PositiveSmallIntegerField(_("review answered within (days)"), default=7)
    escalation_days = models.PositiveSmallIntegerField(_("reported up this many days after the reminder"),
                                                       default=15)
    reminder_days_before = models.PositiveSmallIntegerField(
        _("reminder this many days before a reply is due (0: none)"), default=3)
    note = models.CharField(_("reason for this version"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("in force since"), auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("created by"))
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("supervision policy version")
        verbose_name_plural = _("supervision policy")
        ordering = ["-version"]
        constraints = [models.CheckConstraint(condition=models.Q(read_volume_period_days__gte=1),
                                              name="oversight_policy_period_positive")]

    def __str__(self):
        return f"v{self.version}"

    @property
    def label(self) -> str:
        return f"v{self.version}"


class ScanRun(models.Model):
    """One run of the supervision scans and what it did."""

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("schedule")
        COMMAND = "command", _("command line")

    as_of = models.DateField(_("as of"))
    trigger = models.CharField(_("started by"), max_length=10, choices=Trigger.choices)
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    created = models.PositiveIntegerField(_("findings created"), default=0)
    open = models.PositiveIntegerField(_("findings open"), default=0)
    closed = models.PositiveIntegerField(_("findings closed"), default=0)
    by_rule = models.JSONField(_("by rule"), default=dict, blank=True)

    class Meta:
        verbose_name = _("supervision scan")
        verbose_name_plural = _("supervision scans")
        ordering = ["-started_at", "-pk"]

    def __str__(self):
        return f"{self.as_of} · {self.started_at:%Y-%m-%d %H:%M}"


# --- instruments (RULES.md §5 "Instruments") ----------------------------------------------------------

class InstrumentKind(models.TextChoices):
    ORAL = "oral_correction", _("oral correction")
    NOTICE = "correction_notice", _("correction notice")
    RECOMMENDATION = "recommendation", _("procuratorial recommendation")


class InstrumentState(models.TextChoices):
    DRAFT = "draft", _("draft")
    AWAITING_APPROVAL = "awaiting_approval", _("awaiting approval")
    APPROVED = "approved", _("approved, not yet issued")
    ISSUED = "issued", _("issued, awaiting the reply")
    REPLIED = "replied", _("replied, awaiting acceptance")
    REJECTED = "rejected", _("reply rejected, awaiting a new reply")
    REVIEW = "review", _("review requested")
    CLOSED = "closed", _("closed")
    WITHDRAWN = "withdrawn", _("withdrawn")


# the states in which the agency owes a reply (the deadline runs)
AWAITING_REPLY = (InstrumentState.ISSUED, InstrumentState.REJECTED)


class ReviewOutcome(models.TextChoices):
    UPHELD = "upheld", _("upheld")
    WITHDRAWN = "withdrawn", _("withdrawn")


class Instrument(models.Model):
    """One instrument of supervision addressed to one agency: an oral correction, a correction notice or a
    procuratorial recommendation, resting on findings (or freely drafted), with its deadline, reminder,
    escalation and review."""

    serial = models.CharField(_("serial number"), max_length=30, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=InstrumentKind.choices)
    state = models.CharField(_("state"), max_length=20, choices=InstrumentState.choices,
                             default=InstrumentState.DRAFT)
    agency = models.ForeignKey("accounts.Agency", verbose_name=_("agency addressed"), on_delete=models.PROTECT,
                               related_name="instruments")
    region = models.ForeignKey("accounts.Region", verbose_name=_("region"), on_delete=models.PROTECT,
                               related_name="instruments")
    procuratorate = models.ForeignKey("accounts.Agency", verbose_name=_("issuing procuratorate"),
                                      on_delete=models.PROTECT, related_name="instruments_issued")
    findings = models.ManyToManyField(Finding, verbose_name=_("findings it rests on"), blank=True,
                                      related_name="instruments")
    facts = EncryptedTextField(_("facts"))
    legal_basis = models.TextField(_("legal basis"))
    correction_required = models.TextField(_("correction required"))
    copy_to = models.CharField(_("copy to (抄送)"), max_length=200, blank=True)

    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("drafted by"), on_delete=models.PROTECT,
                                   related_name="+")
    drafted_at = models.DateTimeField(_("drafted at"))
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("issued by"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    deadline = models.DateField(_("reply due"), null=True, blank=True)
    follow_up_on = models.DateField(_("follow-up on"), null=True, blank=True)
    forewarned_on = models.DateField(_("reminder before the deadline sent on"), null=True, blank=True)
    reminded_on = models.DateField(_("reminder sent on"), null=True, blank=True)
    escalated_on = models.DateField(_("reported up on"), null=True, blank=True)
    escalated_to = models.ForeignKey("accounts.Agency", verbose_name=_("reported to"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="instruments_escalated")
    rejection_reason = models.TextField(_("why the last reply was rejected"), blank=True)

    review_reason = models.TextField(_("grounds of the review request"), blank=True)
    review_requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("review requested by"),
                                            null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    review_requested_on = models.DateField(_("review requested on"), null=True, blank=True)
    review_due = models.DateField(_("review answer due"), null=True, blank=True)
    review_outcome = models.CharField(_("review outcome"), max_length=10, choices=ReviewOutcome.choices, blank=True)
    review_answer = models.TextField(_("review answer"), blank=True)
    review_overdue_on = models.DateField(_("review found unanswered past its due date on"), null=True, blank=True)
    review_answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("review answered by"),
                                           null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    review_answered_on = models.DateField(_("review answered on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    history = HistoricalRecords(m2m_fields=[findings])

    class Meta:
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        ordering = ["-drafted_at", "-pk"]
        permissions = [("approve_instrument", _("Can approve a correction notice before it is issued"))]
        indexes = [
            models.Index(fields=["agency", "state"], name="instrument_agency_state"),
            models.Index(fields=["region", "state"], name="instrument_region_state"),
            models.Index(fields=["state", "deadline"], name="instrument_state_deadline"),
        ]

    def __str__(self):
        return f"{self.serial} · {self.get_kind_display()}"

    @property
    def awaits_reply(self) -> bool:
        return self.kind != InstrumentKind.ORAL and self.state in AWAITING_REPLY

    def is_overdue(self, today) -> bool:
        return self.awaits_reply and self.deadline is not None and today > self.deadline


class ReplyOutcome(models.TextChoices):
    ADOPTED = "adopted", _("adopted")
    PARTLY = "partly", _("partly adopted")
    NOT_ADOPTED = "not_adopted", _("not adopted")


class ReplyDecision(models.TextChoices):
    PENDING = "pending", _("awaiting the procuratorate")
    ACCEPTED = "accepted", _("accepted")
    REJECTED = "rejected", _("rejected")


class InstrumentReply(models.Model):
    """The agency's written reply to an instrument and the procuratorate's decision on it."""

    instrument = models.ForeignKey(Instrument, verbose_name=_("instrument"), on_delete=models.PROTECT,
                                   related_name="replies")
    outcome = models.CharField(_("outcome"), max_length=12, choices=ReplyOutcome.choices)
    actions = EncryptedTextField(_("what was done"), blank=True)
    reasons = EncryptedTextField(_("reasons (for what was not adopted)"), blank=True)
    replied_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("replied by"), on_delete=models.PROTECT,
                                   related_name="+")
    replied_on = models.DateField(_("replied on"))
    on_time = models.BooleanField(_("replied on time"))
    decision = models.CharField(_("decision"), max_length=10, choices=ReplyDecision.choices,
                                default=ReplyDecision.PENDING)
    decision_reason = models.TextField(_("reasons of the decision"), blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_on = models.DateField(_("decided on"), null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("reply to an instrument")
        verbose_name_plural = _("replies to instruments")
        ordering = ["replied_on", "pk"]

    def __str__(self):
        return f"{self.instrument.serial} · {self.get_outcome_display()}"


class ReplyAttachment(models.Model):
    """A document attached to a reply (encrypted at rest)."""

    reply = models.ForeignKey(InstrumentReply, verbose_name=_("reply"), on_delete=models.CASCADE,
                              related_name="attachments")
    name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    data = EncryptedBinaryField(_("content"))

    class Meta:
        verbose_name = _("reply attachment")
        verbose_name_plural = _("reply attachments")
        ordering = ["pk"]

    def __str__(self):
        return self.name
