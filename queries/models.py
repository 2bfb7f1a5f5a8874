from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.fields import EncryptedCharField, EncryptedTextField

from .fields import EncryptedBinaryField


class LegalBasis(models.Model):
    """A national regulation that permits or requires a record check, and the crime categories relevant to it."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    law = models.CharField(_("law or regulation"), max_length=80)
    article = models.CharField(_("article"), max_length=40)
    summary = models.TextField(_("what the article provides"))
    occupation = models.CharField(_("occupations concerned"), max_length=200)
    categories = models.JSONField(_("relevant crime categories"), default=list)
    source = models.CharField(_("citation"), max_length=200)
    active = models.BooleanField(_("in force"), default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("legal basis")
        verbose_name_plural = _("legal-basis catalogue")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} · {self.law}{self.article}"


class WorkingDay(models.Model):
    """The working calendar: one row per day whose status differs from the plain weekday rule
    (public holidays, and the weekend days made working days). Seeded from chinese-calendar;
    administrators add the years it does not know yet."""

    date = models.DateField(_("date"), unique=True)
    is_working = models.BooleanField(_("working day"))
    note = models.CharField(_("note"), max_length=60, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("working-calendar day")
        verbose_name_plural = _("working calendar")
        ordering = ["date"]

    def __str__(self):
        return f"{self.date} {_('working day') if self.is_working else _('day off')} {self.note}".strip()


class RequesterKind(models.TextChoices):
    SELF = "self", _("the person concerned")
    GUARDIAN = "guardian", _("legal representative")
    JUDICIAL = "judicial", _("judicial organ")
    UNIT = "unit", _("unit under a national regulation")


class Purpose(models.TextChoices):
    CERTIFICATE = "certificate", _("certificate of no criminal record")
    CRIMINAL_EVALUATION = "criminal_evaluation", _("establishing facts and applying the law")
    SPECIAL_RECIDIVISM = "special_recidivism", _("special recidivism (CL art. 66)")
    DRUG_RECIDIVISM = "drug_recidivism", _("drug recidivism (CL art. 356)")
    GENERAL_RECIDIVISM = "general_recidivism", _("general recidivism (CL art. 65)")
    EMPLOYMENT_SCREENING = "employment_screening", _("employment screening")
    OTHER = "other", _("other")


class Outcome(models.TextChoices):
    ISSUE_CERTIFICATE = "issue_certificate", _("issue the certificate")
    PERMIT = "permit", _("permit disclosure")
    REFUSE = "refuse", _("refuse")
    ANSWER_NO_RECORD = "answer_no_record", _("answer: no record")


class QueryStatus(models.TextChoices):
    AWAITING_REVIEW = "awaiting_review", _("awaiting review")
    AWAITING_APPROVAL = "awaiting_approval", _("awaiting a second reviewer's approval")
    DECIDED = "decided", _("decided")


# Not answered yet: a departure that discloses more waits for the second reviewer (Q-OVERRIDE).
UNANSWERED = (QueryStatus.AWAITING_REVIEW, QueryStatus.AWAITING_APPROVAL)


class QueryRequest(models.Model):
    serial = models.CharField(_("serial number"), max_length=30, unique=True)
    agency = models.ForeignKey("accounts.Agency", verbose_name=_("receiving agency"), on_delete=models.PROTECT,
                               related_name="query_requests")
    taken_by = models.ForeignKey("accounts.User", verbose_name=_("taken by"), on_delete=models.PROTECT, related_name="+")
    received = models.DateField(_("received"))
    requester_kind = models.CharField(_("requester"), max_length=10, choices=RequesterKind.choices)
    requester_name = EncryptedCharField(_("requester's name"), form_max_length=80)
    requester_id_number = EncryptedCharField(_("requester's ID number"), blank=True, form_max_length=18)
    requester_organisation = models.CharField(_("organisation"), max_length=120, blank=True)
    requester_agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("requesting judicial organ"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="query_requests_sent",
        help_text=_("For a judicial organ: the court, procuratorate or public security organ that asks."),
    )
    requester_user = models.ForeignKey(
        "accounts.User", verbose_name=_("requesting officer's account"), null=True, blank=True,
        on_delete=models.PROTECT, related_name="query_requests_made",
        help_text=_("For a judicial organ: the account that receives time-limited access to permitted records."),
    )
    subject_name = EncryptedCharField(_("person concerned"), form_max_length=60)
    subject_id_number = EncryptedCharField(_("ID number of the person concerned"), form_max_length=18)
    subject_index = models.CharField(max_length=64, db_index=True, editable=False)
    purpose = models.CharField(_("purpose"), max_length=30, choices=Purpose.choices)
    legal_basis = models.ForeignKey(LegalBasis, verbose_name=_("legal basis"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="requests")
    occupation = models.CharField(_("occupation concerned"), max_length=120, blank=True)
    deadline = models.DateField(_("answer due"), db_index=True)
    calendar_warning = models.CharField(_("calendar warning"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=QueryStatus.choices,
                              default=QueryStatus.AWAITING_REVIEW, db_index=True)
    recommendation = models.JSONField(_("recommendation"), default=dict)
    decision = models.CharField(_("decision"), max_length=20, choices=Outcome.choices, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    departs_from_recommendation = models.BooleanField(_("departs from the recommendation"), default=False)
    decided_by = models.ForeignKey("accounts.User", verbose_name=_("decided by"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True,
                                      help_text=_("When the decision took effect (after approval, for a departure "
                                                  "that discloses more)."))
    proposed_at = models.DateTimeField(_("decision proposed at"), null=True, blank=True)
    named_records = models.JSONField(_("records named by the decision"), default=list, blank=True)
    access_days = models.PositiveSmallIntegerField(_("days of access for the judicial organ"), null=True, blank=True)
    approved_by = models.ForeignKey("accounts.User", verbose_name=_("approved by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    rejection_reason = models.TextField(_("why the second reviewer rejected the last decision"), blank=True)
    flagged_overdue_at = models.DateTimeField(_("flagged overdue at"), null=True, blank=True)
    disclosed = models.ManyToManyField("sealing.Defendant", verbose_name=_("disclosed records"), blank=True,
                                       related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(m2m_fields=[disclosed])

    class Meta:
        verbose_name = _("query request")
        verbose_name_plural = _("query requests")
        ordering = ["deadline", "pk"]
        indexes = [models.Index(fields=["agency", "status", "deadline"], name="query_agency_status_due")]
        permissions = [("decide_queryrequest", _("Can decide query requests"))]

    def __str__(self):
        return self.serial

    @property
    def answered_on(self):
        """The day the answer took effect (Beijing date), or None while it has not."""
        if self.status != QueryStatus.DECIDED or self.decided_at is None:
            return None
        from django.utils import timezone

        return timezone.localtime(self.decided_at).date()

    def is_overdue(self, today) -> bool:
        """Q-DEADLINE: answered after the deadline, or unanswered past it as of ``today``."""
        answered = self.answered_on
        return (answered or today) > self.deadline


class DocumentKind(models.TextChoices):
    CERTIFICATE = "certificate", _("certificate of no criminal record")
    REFUSAL = "refusal_notice", _("notice refusing the certificate")
    LETTER = "notification_letter", _("query notification letter")


class QueryDocument(models.Model):
    """The document issued with a decision, stored as rendered."""

    request = models.OneToOneField(QueryRequest, verbose_name=_("query request"), on_delete=models.PROTECT,
                                   related_name="document")
    kind = models.CharField(_("kind"), max_length=24, choices=DocumentKind.choices)
    serial = models.CharField(_("serial number"), max_length=30, unique=True)
    pdf = EncryptedBinaryField(_("PDF"))
    issued = models.DateField(_("issued"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("query document")
        verbose_name_plural = _("query documents")


class AttachmentKind(models.TextChoices):
    APPLICATION = "application", _("application document")
    UNDERTAKING = "undertaking", _("confidentiality undertaking")
    OBJECTION = "objection", _("written objection")


class Attachment(models.Model):
    """An uploaded file (PDF, JPEG or PNG, checked by its content), stored encrypted in the database."""

    request = models.ForeignKey(QueryRequest, verbose_name=_("query request"), on_delete=models.PROTECT,
                                related_name="attachments")
    objection = models.ForeignKey("Objection", verbose_name=_("objection"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="attachments")
    kind = models.CharField(_("kind"), max_length=20, choices=AttachmentKind.choices)
    filename = models.CharField(_("file name"), max_length=120)
    content_type = models.CharField(_("content type"), max_length=40)
    size = models.PositiveIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    data = EncryptedBinaryField(_("content"))
    uploaded_by = models.ForeignKey("accounts.User", verbose_name=_("uploaded by"), on_delete=models.PROTECT,
                                    related_name="+")
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["data"])

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self):
        return self.filename


class Undertaking(models.Model):
    """保密承诺书: a unit's signed confidentiality undertaking (Q-SCOPE), stored with its permit. Either the
    signed paper is uploaded, or its text is recorded with the signer."""

    request = models.OneToOneField(QueryRequest, verbose_name=_("query request"), on_delete=models.PROTECT,
                                   related_name="undertaking")
    signer_name = EncryptedCharField(_("signed by"), form_max_length=60)
    signer_position = models.CharField(_("signer's position"), max_length=80, blank=True)
    signed_on = models.DateField(_("signed on"))
    text = EncryptedTextField(_("text of the undertaking"), blank=True)
    attachment = models.OneToOneField(Attachment, verbose_name=_("signed undertaking (file)"), null=True, blank=True,
                                      on_delete=models.PROTECT, related_name="+")
    recorded_by = models.ForeignKey("accounts.User", verbose_name=_("recorded by"), on_delete=models.PROTECT,
                                    related_name="+")
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("confidentiality undertaking")
        verbose_name_plural = _("confidentiality undertakings")

    def __str__(self):
        return f"{self.request} · {self.signed_on}"


class ObjectorKind(models.TextChoices):
    PERSON = "person", _("the person concerned")
    GUARDIAN = "guardian", _("legal representative")
    UNIT = "unit", _("the requesting unit")


class ObjectionStatus(models.TextChoices):
    OPEN = "open", _("under re-examination")
    ANSWERED = "answered", _("answered")


class ObjectionOutcome(models.TextChoices):
    UPHELD = "upheld", _("the result is upheld")
    CHANGED = "changed", _("the result is changed")


class Objection(models.Model):
    """Q-OBJECTION: a written objection to a decided request, re-examined (复查) by another reviewer within
    15 working days, extendable once to 30 with a recorded reason; answered by a 复查意见 document."""

    request = models.ForeignKey(QueryRequest, verbose_name=_("query request"), on_delete=models.PROTECT,
                                related_name="objections")
    serial = models.CharField(_("serial number"), max_length=30, unique=True)
    objector_kind = models.CharField(_("objector"), max_length=10, choices=ObjectorKind.choices)
    objector_name = EncryptedCharField(_("objector's name"), form_max_length=80)
    received = models.DateField(_("received"))
    grounds = EncryptedTextField(_("grounds of the objection"))
    taken_by = models.ForeignKey("accounts.User", verbose_name=_("taken by"), on_delete=models.PROTECT,
                                 related_name="+")
    deadline = models.DateField(_("answer due"), db_index=True)
    extended_deadline = models.DateField(_("extended answer due"), null=True, blank=True)
    extension_reason = models.TextField(_("reason for the extension"), blank=True)
    extended_by = models.ForeignKey("accounts.User", verbose_name=_("extended by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    extended_at = models.DateTimeField(_("extended at"), null=True, blank=True)
    calendar_warning = models.CharField(_("calendar warning"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=ObjectionStatus.choices,
                              default=ObjectionStatus.OPEN, db_index=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=ObjectionOutcome.choices, blank=True)
    answer = models.TextField(_("reasons of the re-examination"), blank=True)
    examined_by = models.ForeignKey("accounts.User", verbose_name=_("re-examined by"), null=True, blank=True,
                                    on_delete=models.PROTECT, related_name="+")
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    document_serial = models.CharField(_("document serial number"), max_length=30, blank=True)
    document_issued = models.DateField(_("document issued"), null=True, blank=True)
    document_pdf = EncryptedBinaryField(_("re-examination opinion (PDF)"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["document_pdf"])

    class Meta:
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        ordering = ["deadline", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["document_serial"], condition=~models.Q(document_serial=""),
                                    name="objection_document_serial_once"),
        ]

    def __str__(self):
        return self.serial

    @property
    def due(self):
        """The time limit in force: the extended one once extended."""
        return self.extended_deadline or self.deadline

    @property
    def answered_on(self):
        if self.answered_at is None:
            return None
        from django.utils import timezone

        return timezone.localtime(self.answered_at).date()

    def is_overdue(self, today) -> bool:
        return (self.answered_on or today) > self.due


class DownloadKind(models.TextChoices):
    ATTACHMENT = "attachment", _("attachment")
    DOCUMENT = "document", _("issued document")
    REVIEW_OPINION = "review_opinion", _("re-examination opinion")


class DownloadLog(models.Model):
    """Every download of a file of the query desk: who, when, what. Append-only."""

    user = models.ForeignKey("accounts.User", verbose_name=_("user"), on_delete=models.PROTECT, related_name="+")
    request = models.ForeignKey(QueryRequest, verbose_name=_("query request"), on_delete=models.PROTECT,
                                related_name="downloads")
    kind = models.CharField(_("kind"), max_length=20, choices=DownloadKind.choices)
    attachment = models.ForeignKey(Attachment, verbose_name=_("attachment"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="downloads")
    objection = models.ForeignKey(Objection, verbose_name=_("objection"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="downloads")
    filename = models.CharField(_("file name"), max_length=120)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("download")
        verbose_name_plural = _("download log")
        ordering = ["-at", "-pk"]
