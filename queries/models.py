from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from common.fields import EncryptedCharField


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
        return f"{self.date} {'班' if self.is_working else '休'} {self.note}"


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
    DECIDED = "decided", _("decided")


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
    application = models.FileField(_("application document"), upload_to="applications/%Y/", blank=True)
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
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
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
    def overdue(self) -> bool:
        from django.utils import timezone

        answered = self.decided_at.date() if self.decided_at else timezone.localdate()
        return answered > self.deadline


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
    pdf = models.BinaryField(_("PDF"))
    issued = models.DateField(_("issued"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("query document")
        verbose_name_plural = _("query documents")
