from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _, pgettext_lazy
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from common.fields import EncryptedBinaryField, EncryptedCharField, EncryptedTextField


class StatutoryMax(models.TextChoices):
    FINE = "fine", _("fine only")
    SURVEILLANCE = "surveillance", _("public surveillance")
    DETENTION = "detention", _("criminal detention")
    FIXED_TERM = "fixed_term", _("fixed-term imprisonment")
    LIFE = "life", _("life imprisonment")
    DEATH = "death", _("death penalty")


class Charge(models.Model):
    """A charge (罪名) of the Criminal Law with what the rules need to know of it."""

    name = models.CharField(_("charge"), max_length=80, unique=True)
    article = models.CharField(_("article"), max_length=20, help_text=_("e.g. 133-1 for 第一百三十三条之一"))
    article_zh = models.CharField(_("article (Chinese)"), max_length=40)
    chapter = models.PositiveSmallIntegerField(_("chapter"))
    chapter_title = models.CharField(_("chapter title"), max_length=60)
    section = models.PositiveSmallIntegerField(_("section"), null=True, blank=True)
    section_title = models.CharField(_("section title"), max_length=60, blank=True)
    statutory_max = models.CharField(
        _("statutory maximum of the basic offence"), max_length=20, choices=StatutoryMax.choices, blank=True
    )
    statutory_max_months = models.PositiveSmallIntegerField(_("maximum months (fixed-term)"), null=True, blank=True)
    negligent = models.BooleanField(_("negligent crime"), default=False)
    national_security = models.BooleanField(_("endangering national security"), default=False)
    terrorism = models.BooleanField(_("terrorism"), default=False)
    organized_crime = models.BooleanField(_("organised crime"), default=False)
    drug = models.BooleanField(_("drug crime"), default=False)
    high_incidence = models.BooleanField(_("high-incidence light crime"), default=False)
    categories = models.JSONField(_("relevance categories"), default=list, blank=True)
    source = models.CharField(_("legal source"), max_length=80)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("charge")
        verbose_name_plural = _("charge catalogue")
        ordering = ["chapter", "section", "article", "name"]

    def __str__(self):
        return self.name

    @property
    def excluded_from_adult_sealing(self) -> bool:
        return self.national_security or self.terrorism or self.organized_crime or self.drug


class Sex(models.TextChoices):
    MALE = "M", _("male")
    FEMALE = "F", _("female")


class Person(models.Model):
    """A person concerned. Name and ID number are encrypted; the ID number is found through its blind index."""

    name = EncryptedCharField(pgettext_lazy("person", "name"), form_max_length=60)
    id_number = EncryptedCharField(_("resident ID number"), blank=True, form_max_length=18)
    id_number_index = models.CharField(max_length=64, unique=True, null=True, blank=True, editable=False)
    birth_date = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=1, choices=Sex.choices, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords(excluded_fields=["id_number_index"])

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("persons")

    def __str__(self):
        # str() reaches admin pages, log lines and error reports: never the name in clear
        return self.masked_name

    @property
    def masked_name(self) -> str:
        """Shown instead of the name where the person's record is sealed."""
        return self.name[:1] + "*" * max(len(self.name) - 1, 1) if self.name else ""

    @property
    def masked_id_number(self) -> str:
        if not self.id_number:
            return ""
        return self.id_number[:6] + "********" + self.id_number[-4:]


class Case(models.Model):
    case_number = models.CharField(_("case number"), max_length=60, unique=True)
    year = models.PositiveSmallIntegerField(_("year"), db_index=True)
    agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("handling agency"), on_delete=models.PROTECT, related_name="cases"
    )
    offense_start_date = models.DateField(_("date of the first act"), null=True, blank=True)
    offense_date = models.DateField(_("date of the last act"))
    summary = models.TextField(_("notes"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by")
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["agency", "-created_at"], name="case_agency_created")]

    def __str__(self):
        return self.case_number


class Disposition(models.TextChoices):
    SENTENCED = "sentenced", _("sentenced")
    EXEMPTED = "exempted", _("exempted from criminal punishment")
    NOT_PROSECUTED = "not_prosecuted", _("not prosecuted")
    NOT_PUNISHED = "not_punished", _("no criminal punishment")
    WITHDRAWN = "withdrawn", _("case withdrawn")
    COERCIVE_MEASURE = "coercive_measure", _("coercive measure only")


class SentenceKind(models.TextChoices):
    FIXED_TERM = "fixed_term", _("fixed-term imprisonment")
    DETENTION = "detention", _("criminal detention")
    SURVEILLANCE = "surveillance", _("public surveillance")
    FINE_ONLY = "fine_only", _("fine only")
    LIFE = "life", _("life imprisonment")
    DEATH = "death", _("death penalty")


class Defendant(models.Model):
    """One person in one case, with the outcome for that person."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="defendants")
    person = models.ForeignKey(Person, verbose_name=_("person"), on_delete=models.PROTECT, related_name="defendants")
    position = models.PositiveSmallIntegerField(_("order"), default=1)
    charges = models.ManyToManyField(Charge, verbose_name=_("charges"), related_name="defendants")
    disposition = models.CharField(_("disposition"), max_length=20, choices=Disposition.choices)
    sentence_kind = models.CharField(_("principal sentence"), max_length=20, choices=SentenceKind.choices, blank=True)
    sentence_months = models.PositiveSmallIntegerField(_("months"), null=True, blank=True)
    suspended = models.BooleanField(_("suspended"), default=False)
    probation_months = models.PositiveSmallIntegerField(_("probation months"), null=True, blank=True)
    judgment_effective_date = models.DateField(_("judgment or decision effective"), null=True, blank=True)
    sentence_completed_date = models.DateField(_("sentence completed"), null=True, blank=True)
    plea = models.BooleanField(_("plea of guilt and acceptance of punishment"), default=False)
    surrender = models.BooleanField(_("voluntary surrender"), default=False)
    good_conduct = models.BooleanField(_("good conduct while serving"), default=False)
    prior_convictions = models.PositiveSmallIntegerField(_("prior convictions"), default=0)
    main_conduct_before_18 = models.BooleanField(_("main criminal conduct before the 18th birthday"), null=True, blank=True)
    community_service_hours = models.PositiveIntegerField(_("verified community service hours"), default=0)
    history = HistoricalRecords(m2m_fields=[charges])

    class Meta:
        verbose_name = _("defendant")
        verbose_name_plural = _("defendants")
        ordering = ["case", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["case", "person"], name="defendant_once_per_case")]

    def __str__(self):
        return f"{self.case} · {self.person.masked_name}"

    @property
    def circumstances(self) -> list[str]:
        return [name for name in ("plea", "surrender", "good_conduct") if getattr(self, name)]


class RecordKind(models.TextChoices):
    JUDGMENT = "judgment", _("judgment")
    INDICTMENT = "indictment", _("indictment")
    NON_PROSECUTION = "non_prosecution", _("non-prosecution decision")
    COERCIVE_MEASURE = "coercive_measure", _("coercive-measure record")
    CASE_FILE = "case_file", _("case file")
    SOCIAL_INVESTIGATION = "social_investigation", _("social investigation report")
    ASSISTANCE_EDUCATION = "assistance_education", _("assistance and education record")
    PSYCHOLOGICAL = "psychological", _("psychological counselling record")
    JUDICIAL_AID = "judicial_aid", _("judicial aid record")
    ELECTRONIC_DATA = "electronic_data", _("electronic data")
    OTHER = "other", _("other")


class Record(models.Model):
    """One holding agency's copy of one record of a case. Each agency seals its own copy."""

    case = models.ForeignKey(Case, verbose_name=_("case"), on_delete=models.CASCADE, related_name="records")
    defendant = models.ForeignKey(
        Defendant, verbose_name=_("defendant"), null=True, blank=True, on_delete=models.CASCADE, related_name="records",
        help_text=_("Leave empty when the record concerns every defendant of the case."),
    )
    holding_agency = models.ForeignKey(
        "accounts.Agency", verbose_name=_("holding agency"), on_delete=models.PROTECT, related_name="records"
    )
    kind = models.CharField(_("kind"), max_length=30, choices=RecordKind.choices)
    title = models.CharField(_("title"), max_length=120)
    document_number = models.CharField(_("document number"), max_length=60, blank=True)
    content = EncryptedTextField(_("content"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("entered by")
    )
    created_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("record")
        verbose_name_plural = _("records")
        ordering = ["-created_at", "-id"]
        permissions = [("read_sealed_record", _("Can read a sealed record under a permit"))]
        indexes = [models.Index(fields=["holding_agency", "-created_at"], name="record_agency_created")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.case}"

    @property
    def content_hidden(self) -> bool:
        """Sealed (or provisionally sealed) content is shown to nobody without a permit."""
        from .rules.files import is_hidden, whole_case_records_hidden

        try:
            if self.seal.active:
                return True
        except Record.seal.RelatedObjectDoesNotExist:
            pass
        if self.defendant_id is not None:
            file = getattr(self.defendant, "sealing_file", None)
            return bool(file and is_hidden(file.status))
        return whole_case_records_hidden(self.case.defendants.values_list("sealing_file__status", flat=True))


# Exceptions to the agency scope (another agency's user on a joint case, a permit after a query):
# direct foreign-key object permissions, so guardian joins on an indexed column.
class CaseUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class CaseGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Case, on_delete=models.CASCADE)


class RecordUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Record, on_delete=models.CASCADE)


class RecordGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Record, on_delete=models.CASCADE)


class MicroDefinition(models.TextChoices):
    STATUTORY_MAX_DETENTION = "statutory_max_detention", _("statutory maximum is detention or lighter")
    STATUTORY_MAX_1_YEAR = "statutory_max_1_year", _("statutory maximum is one year or lighter")


class SealingMode(models.TextChoices):
    SEAL_THEN_OBSERVE = "seal_then_observe", _("seal provisionally, then observe")
    OBSERVE_THEN_SEAL = "observe_then_seal", _("observe, then seal")
    SEAL_IMMEDIATELY = "seal_immediately", _("seal at once, no observation period")


class SealingPolicy(models.Model):
    """One version of every (policy) number of RULES.md. Versions are never edited: a change is a new
    version, and each decision keeps the version it used."""

    version = models.PositiveIntegerField(_("version"), unique=True, editable=False)
    juvenile_seal_within_days = models.PositiveSmallIntegerField(_("days for each agency to seal a juvenile record"), default=3)
    juvenile_max_months = models.PositiveSmallIntegerField(_("longest juvenile fixed-term sentence sealed (months)"), default=60)
    micro_definition = models.CharField(
        _("definition of a micro crime"), max_length=30, choices=MicroDefinition.choices,
        default=MicroDefinition.STATUTORY_MAX_DETENTION,
    )
    light_max_months = models.PositiveSmallIntegerField(_("longest light-crime sentence (months)"), default=36)
    mode = models.CharField(_("timing"), max_length=20, choices=SealingMode.choices, default=SealingMode.SEAL_THEN_OBSERVE)
    observation_micro_months = models.PositiveSmallIntegerField(_("observation, micro crime (months)"), default=12)
    observation_light_short_months = models.PositiveSmallIntegerField(
        _("observation, light crime with a sentence up to the short limit (months)"), default=24
    )
    observation_light_long_months = models.PositiveSmallIntegerField(_("observation, other light crime (months)"), default=36)
    light_short_sentence_max_months = models.PositiveSmallIntegerField(_("short sentence limit (months)"), default=12)
    good_conduct_reduction_micro_months = models.PositiveSmallIntegerField(_("good conduct reduction, micro (months)"), default=3)
    good_conduct_reduction_light_months = models.PositiveSmallIntegerField(_("good conduct reduction, light (months)"), default=6)
    community_service_hours_per_month = models.PositiveSmallIntegerField(
        _("community service hours per month of reduction"), default=10
    )
    community_service_max_fraction_denominator = models.PositiveSmallIntegerField(
        _("community service reduces at most 1/N of the period: N"), default=4
    )
    extension_months = models.PositiveSmallIntegerField(_("extension per negligent crime or detention (months)"), default=6)
    query_response_working_days = models.PositiveSmallIntegerField(_("working days to answer a query"), default=3)
    notice_reply_days = models.PositiveSmallIntegerField(_("days to reply to a correction notice"), default=15)
    missing_facts_days = models.PositiveSmallIntegerField(_("days for a clerk to supply missing facts"), default=10)
    seal_after_receipt_days = models.PositiveSmallIntegerField(
        _("days for a holding agency to seal its copy after receiving the sealing notice"), default=3)
    notice_delivery_days = models.PositiveSmallIntegerField(
        _("days within which a sealing notice must be received"), default=3)
    note = models.CharField(_("reason for this version"), max_length=200)
    # The first day decisions are taken under this version (policy.current_policy_version). Empty only on the
    # versions code creates (the RULES.md defaults, tests): in force whatever the date. The admin requires it.
    effective_from = models.DateField(_("in force from"), null=True)
    created_at = models.DateTimeField(_("saved at"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+",
        verbose_name=_("created by"),
    )
    history = HistoricalRecords()

    RULE_FIELDS = (
        "juvenile_seal_within_days", "juvenile_max_months", "micro_definition", "light_max_months", "mode",
        "observation_micro_months", "observation_light_short_months", "observation_light_long_months",
        "light_short_sentence_max_months", "good_conduct_reduction_micro_months", "good_conduct_reduction_light_months",
        "community_service_hours_per_month", "community_service_max_fraction_denominator", "extension_months",
    )

    class Meta:
        verbose_name = _("sealing policy version")
        verbose_name_plural = _("sealing policy")
        ordering = ["-version"]

    def __str__(self):
        return f"v{self.version}"

    @property
    def label(self) -> str:
        return f"v{self.version}"

    def to_policy(self):
        from .rules import Policy

        return Policy(version=self.label, **{name: getattr(self, name) for name in self.RULE_FIELDS})


# The rules' regime and category of a file (sealing/rules: "juvenile"/"adult", "micro"/"light"/"serious"),
# named as the decision trace names them (sealing/presentation.py).
class Regime(models.TextChoices):
    JUVENILE = "juvenile", _("juvenile regime")
    ADULT = "adult", _("adult regime")


# The regime in a table's narrow column, where the heading already says "regime".
REGIME_SHORT = {Regime.JUVENILE: _("juvenile"), Regime.ADULT: _("adult")}


class Category(models.TextChoices):
    MICRO = "micro", _("micro crime")
    LIGHT = "light", _("light crime")
    SERIOUS = "serious", _("serious crime")


class FileStatus(models.TextChoices):
    PENDING = "pending", _("pending")
    UNDETERMINED = "undetermined", _("undetermined: facts missing")
    NOT_ELIGIBLE = "not_eligible", _("not eligible")
    OBSERVING = "observing", _("under observation")
    PROVISIONALLY_SEALED = "provisionally_sealed", _("provisionally sealed")
    SEALED = "sealed", _("sealed")
    REVOKED = "revoked", _("revoked")
    UNSEALED = "unsealed", _("unsealed")


# The only moves a sealing file can make. Re-evaluation moves an open file anywhere the rules say;
# a provisional seal ends as final or revoked; a final seal is lifted only by unsealing on a legal ground.
_REEVALUABLE = {
    FileStatus.PENDING, FileStatus.UNDETERMINED, FileStatus.NOT_ELIGIBLE, FileStatus.OBSERVING,
    FileStatus.PROVISIONALLY_SEALED, FileStatus.SEALED, FileStatus.REVOKED,
}
ALLOWED_TRANSITIONS: dict[str, set[str]] = {
    FileStatus.PENDING: _REEVALUABLE,
    FileStatus.UNDETERMINED: _REEVALUABLE,
    FileStatus.NOT_ELIGIBLE: _REEVALUABLE,
    FileStatus.OBSERVING: {FileStatus.OBSERVING, FileStatus.PROVISIONALLY_SEALED, FileStatus.SEALED, FileStatus.REVOKED},
    FileStatus.PROVISIONALLY_SEALED: {FileStatus.PROVISIONALLY_SEALED, FileStatus.SEALED, FileStatus.REVOKED},
    # a new intentional crime dated within observation but recorded after it ended still revokes (A-REVOKE)
    FileStatus.SEALED: {FileStatus.SEALED, FileStatus.UNSEALED, FileStatus.REVOKED},
    FileStatus.REVOKED: {FileStatus.REVOKED},
    FileStatus.UNSEALED: {FileStatus.UNSEALED},
}
# States in which the records are hidden as sealed records are.
HIDDEN_STATES = {FileStatus.PROVISIONALLY_SEALED, FileStatus.SEALED}


class IllegalTransition(Exception):
    def __init__(self, current, target):
        super().__init__(f"a sealing file cannot go from {current} to {target}")
        self.current, self.target = current, target


class SealingFile(models.Model):
    """The sealing decision for one defendant of one case, and where it stands."""

    defendant = models.OneToOneField(
        Defendant, verbose_name=_("defendant"), on_delete=models.CASCADE, related_name="sealing_file"
    )
    status = models.CharField(_("status"), max_length=24, choices=FileStatus.choices, default=FileStatus.PENDING,
                              db_index=True)
    regime = models.CharField(_("regime"), max_length=10, choices=Regime.choices, blank=True)
    category = models.CharField(_("category"), max_length=10, choices=Category.choices, blank=True)
    eligible = models.BooleanField(_("eligible"), null=True)
    seal_date = models.DateField(_("seal date"), null=True, blank=True, db_index=True)
    observation_end = models.DateField(_("observation ends"), null=True, blank=True, db_index=True)
    missing = models.JSONField(_("missing facts"), default=list, blank=True)
    decision = models.JSONField(_("decision"), default=dict, blank=True)
    policy = models.ForeignKey(SealingPolicy, verbose_name=_("policy version"), on_delete=models.PROTECT,
                               null=True, related_name="+")
    evaluated_at = models.DateTimeField(_("evaluated at"), null=True, blank=True)
    evaluated_as_of = models.DateField(_("evaluated as of"), null=True, blank=True)
    facts_due = models.DateField(_("missing facts due"), null=True, blank=True)
    # The day the calendar alone moves this file on (a start date reached, an observation ended): the
    # sweep selects by this indexed date instead of re-evaluating every file.
    next_change = models.DateField(_("next change by the calendar"), null=True, blank=True, db_index=True)
    # J-WHEN done: the deciding agency's copies sealed and the sealing notices sent (sealing/notices.py)
    notified_on = models.DateField(_("sealing notices sent on"), null=True, blank=True)
    unseal_ground = models.CharField(_("unsealing ground"), max_length=24, blank=True)
    unseal_document = models.CharField(_("unsealing document"), max_length=80, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("sealing file")
        verbose_name_plural = _("sealing files")
        permissions = [("seal_record", _("Can seal the own agency's record copies")),
                       ("unseal_file", _("Can unseal a sealed file on a legal ground"))]

    def __str__(self):
        return f"{self.defendant} · {self.get_status_display()}"

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._loaded_status = instance.__dict__.get("status")
        return instance

    def save(self, *args, **kwargs):
        # Guard every write path (services, admin, shell): the status moves only along ALLOWED_TRANSITIONS.
        previous = getattr(self, "_loaded_status", None)
        if self.pk and previous is not None and self.status not in ALLOWED_TRANSITIONS[previous]:
            raise IllegalTransition(previous, self.status)
        super().save(*args, **kwargs)
        self._loaded_status = self.status

    @property
    def regime_short(self) -> str:
        """The regime's short label ("juvenile", "adult"), empty while undetermined."""
        return str(REGIME_SHORT.get(self.regime, ""))

    @property
    def hidden(self) -> bool:
        return self.status in HIDDEN_STATES

    def is_overdue(self, today) -> bool:
        """J-WHEN: a juvenile record still to seal after the policy's days (应封未封); or missing facts
        not supplied by their due date (the law is in rules/files.py)."""
        from .rules.files import facts_overdue, seal_overdue

        late_seal = self.policy is not None and seal_overdue(
            regime=self.regime, status=self.status, seal_date=self.seal_date, today=today,
            within_days=self.policy.juvenile_seal_within_days)
        return late_seal or facts_overdue(self.facts_due, today)

    def can_move_to(self, status) -> bool:
        current = getattr(self, "_loaded_status", None) or self.status
        return status in ALLOWED_TRANSITIONS[current]


class RecordSeal(models.Model):
    """One holding agency's seal on its copy of a record."""

    record = models.OneToOneField(Record, verbose_name=_("record"), on_delete=models.CASCADE, related_name="seal")
    sealing_file = models.ForeignKey(SealingFile, verbose_name=_("sealing file"), on_delete=models.CASCADE,
                                     related_name="seals")
    sealed_at = models.DateTimeField(_("sealed at"))
    # empty when the scheduled sweep sealed the deciding agency's copy on the seal date (J-WHEN)
    sealed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+", verbose_name=_("sealed by"))
    notice = models.ForeignKey("SealingNotice", verbose_name=_("sealing notice"), null=True, blank=True,
                               on_delete=models.SET_NULL, related_name="seals")
    lifted_at = models.DateTimeField(_("lifted at"), null=True, blank=True)
    lifted_reason = models.CharField(_("why lifted"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("record seal")
        verbose_name_plural = _("record seals")

    @property
    def active(self) -> bool:
        return self.lifted_at is None


class EventKind(models.TextChoices):
    INTENTIONAL_CRIME = "intentional_crime", _("new intentional crime (judgment effective)")
    NEGLIGENT_CRIME = "negligent_crime", _("new negligent crime (judgment effective)")
    ADMINISTRATIVE_DETENTION = "administrative_detention", _("administrative detention")


class ObservationEvent(models.Model):
    """Something that happened to the person after the start date and may revoke or extend observation."""

    defendant = models.ForeignKey(Defendant, verbose_name=_("defendant"), on_delete=models.CASCADE,
                                  related_name="events")
    kind = models.CharField(_("kind"), max_length=30, choices=EventKind.choices)
    date = models.DateField(_("date"))
    document_number = models.CharField(_("document number"), max_length=80)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    # An event entered in error is withdrawn with a reason (never deleted): the rules no longer count it.
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("why withdrawn"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("observation event")
        verbose_name_plural = _("observation events")
        ordering = ["date", "id"]


class CommunityServiceEntry(models.Model):
    """Community-service hours (A-CS) as entered by one user; they count only once a second user of the
    handling agency has verified them."""

    defendant = models.ForeignKey(Defendant, verbose_name=_("defendant"), on_delete=models.CASCADE,
                                  related_name="service_entries")
    hours = models.PositiveSmallIntegerField(_("hours"))
    served_from = models.DateField(_("served from"))
    served_to = models.DateField(_("served to"))
    description = models.CharField(_("service and place"), max_length=200)
    document_number = models.CharField(_("proof (document number)"), max_length=80, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("entered by"))
    entered_at = models.DateTimeField(_("entered at"), auto_now_add=True)
    verified_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("verified by"))
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    rejected_reason = models.CharField(_("why rejected"), max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("community service entry")
        verbose_name_plural = _("community service entries")
        ordering = ["served_from", "id"]


class NoticeBasis(models.TextChoices):
    RECEIPT = "receipt", _("within the days after receipt")
    EXECUTION = "execution", _("within the days after the sentence is fully executed")


class NoticeQuerySet(models.QuerySet):
    def open(self):
        """Notices whose agency has not yet sealed its copy."""
        return self.filter(copy_sealed_at__isnull=True, withdrawn_at__isnull=True)

    def overdue(self, today):
        """J-WHEN-RECEIPT: the deadline passed and the agency's copy is still open (应封未封)."""
        return self.open().filter(deadline__lt=today)

    def unacknowledged(self):
        return self.filter(received_at__isnull=True, withdrawn_at__isnull=True)


class SealingNotice(models.Model):
    """A sealing notice (犯罪记录封存通知书) from the deciding agency to one other agency that holds or must
    hold a copy of the file's records; it tracks delivery (签收) and the agency's own seal of its copy."""

    serial = models.CharField(_("serial number"), max_length=40, unique=True)
    sealing_file = models.ForeignKey(SealingFile, verbose_name=_("sealing file"), on_delete=models.CASCADE,
                                     related_name="notices")
    from_agency = models.ForeignKey("accounts.Agency", verbose_name=_("sent by"), on_delete=models.PROTECT,
                                    related_name="notices_sent")
    to_agency = models.ForeignKey("accounts.Agency", verbose_name=_("sent to"), on_delete=models.PROTECT,
                                  related_name="notices_received")
    basis = models.CharField(_("deadline counted"), max_length=10, choices=NoticeBasis.choices,
                             default=NoticeBasis.RECEIPT)
    sent_on = models.DateField(_("sent on"), db_index=True)
    sent_at = models.DateTimeField(_("sent at"))
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_on = models.DateField(_("received on"), null=True, blank=True)
    received_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("received by"))
    execution_end = models.DateField(_("sentence fully executed"), null=True, blank=True)
    deadline = models.DateField(_("seal the copy by"), null=True, blank=True, db_index=True)
    copy_sealed_at = models.DateTimeField(_("copy sealed at"), null=True, blank=True)
    copy_sealed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                       related_name="+", verbose_name=_("copy sealed by"))
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawn_reason = models.CharField(_("why withdrawn"), max_length=200, blank=True)
    history = HistoricalRecords()

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("sealing notice")
        verbose_name_plural = _("sealing notices")
        ordering = ["deadline", "sent_on", "id"]
        constraints = [
            # one notice in force per file and agency: a re-run of the sweep never sends a second one
            models.UniqueConstraint(fields=["sealing_file", "to_agency"], condition=models.Q(withdrawn_at__isnull=True),
                                    name="notice_once_per_file_and_agency"),
        ]
        indexes = [models.Index(fields=["to_agency", "copy_sealed_at", "deadline"], name="notice_inbox")]

    def __str__(self):
        return self.serial

    def is_overdue(self, today) -> bool:
        from .rules.files import copy_overdue

        return copy_overdue(deadline=self.deadline, sealed=self.copy_sealed_at is not None, today=today)


class SweepRun(models.Model):
    """One run of the sealing sweep (scheduled, from the shell or started by an administrator): what it
    selected, how far it got and what it changed. Counters are raised with F() by each chunk."""

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("schedule")
        COMMAND = "command", _("command line")
        ADMIN = "admin", _("administrator")

    class State(models.TextChoices):
        RUNNING = "running", _("running")
        FINISHED = "finished", _("finished")
        FAILED = "failed", _("failed")

    as_of = models.DateField(_("as of"))
    trigger = models.CharField(_("started by"), max_length=10, choices=Trigger.choices)
    retro = models.BooleanField(_("J-RETRO re-examination included"), default=False)
    started_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+", verbose_name=_("administrator"))
    started_at = models.DateTimeField(_("started at"))
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.RUNNING)
    total = models.PositiveIntegerField(_("files selected"), default=0)
    processed = models.PositiveIntegerField(_("files processed"), default=0)
    changed = models.PositiveIntegerField(_("files changed"), default=0)
    sealed = models.PositiveIntegerField(_("sealed"), default=0)
    provisionally_sealed = models.PositiveIntegerField(_("provisionally sealed"), default=0)
    observing = models.PositiveIntegerField(_("under observation"), default=0)
    other = models.PositiveIntegerField(_("other outcomes"), default=0)
    notices = models.PositiveIntegerField(_("notices sent"), default=0)
    copies_sealed = models.PositiveIntegerField(_("copies sealed"), default=0)
    failed = models.PositiveIntegerField(_("failures"), default=0)
    chunks = models.PositiveIntegerField(_("chunks"), default=0)
    chunks_done = models.PositiveIntegerField(_("chunks done"), default=0)

    class Meta:
        verbose_name = _("sealing sweep")
        verbose_name_plural = _("sealing sweeps")
        ordering = ["-started_at", "-id"]

    def __str__(self):
        return f"{self.as_of} · {self.get_state_display()}"

    @property
    def percent(self) -> int:
        if self.total == 0:
            return 100 if self.state != self.State.RUNNING else 0
        return min(100, self.processed * 100 // self.total)


class SweepChunk(models.Model):
    """A slice of a run's selection: the task gets the chunk's id, so a task redelivered after a crash
    works on the same ids; ``done_at`` makes its completion count once."""

    run = models.ForeignKey(SweepRun, on_delete=models.CASCADE, related_name="sweep_chunks")
    number = models.PositiveIntegerField()
    kind = models.CharField(max_length=10)  # "defendants" (no file yet) or "files"
    ids = models.JSONField(default=list)
    done_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("sweep chunk")
        verbose_name_plural = _("sweep chunks")
        constraints = [models.UniqueConstraint(fields=["run", "number"], name="sweep_chunk_number_once")]


class SweepFailure(models.Model):
    """A file the sweep could not process, with the reason; the rest of the run goes on."""

    run = models.ForeignKey(SweepRun, verbose_name=_("sweep"), on_delete=models.CASCADE, related_name="failures")
    sealing_file = models.ForeignKey(SealingFile, verbose_name=_("sealing file"), null=True, blank=True,
                                     on_delete=models.SET_NULL, related_name="+")
    message = models.CharField(_("reason"), max_length=300)
    at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("sweep failure")
        verbose_name_plural = _("sweep failures")
        ordering = ["id"]

    def __str__(self):
        # the admin's inline names a failure so: its kind and its sweep's date, never "SweepFailure object (1)"
        return f"{self._meta.verbose_name} · {self.run.as_of:%Y-%m-%d}"


class PermitQuerySet(models.QuerySet):
    def active(self, now):
        """Permits in force at ``now``: not ended, not expired."""
        return self.filter(ended_at__isnull=True, expires_at__gt=now)


class SealedRecordPermit(models.Model):
    """Time-limited permission for a named user to read a named sealed record, granted by a permit
    decision on a query request (the reference names it). The guardian object permission
    ``read_sealed_record`` is assigned with it and removed when it expires or is revoked."""

    record = models.ForeignKey(Record, verbose_name=_("record"), on_delete=models.CASCADE, related_name="permits")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="sealed_record_permits")
    reference = models.CharField(_("permit reference"), max_length=40)
    purpose = models.CharField(_("purpose"), max_length=200)
    granted_at = models.DateTimeField(_("granted at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), db_index=True)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)
    history = HistoricalRecords()

    objects = PermitQuerySet.as_manager()

    class Meta:
        verbose_name = _("sealed-record permit")
        verbose_name_plural = _("sealed-record permits")
        indexes = [models.Index(fields=["user", "record"], name="permit_user_record")]


class AccessAction(models.TextChoices):
    READ = "read", _("read a sealed record")
    DISCLOSED = "disclosed", _("disclosed in a query answer")
    DOCUMENT = "document", _("downloaded a disclosure letter")
    REVIEWED = "reviewed", _("viewed sealed records to decide a query")
    BREAK_GLASS = "break_glass", _("opened a sealed file with a reason")


class AccessLog(models.Model):
    """Every read of sealed content: who, when, which record, under which permit. Append-only."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT,
                             related_name="+")
    record = models.ForeignKey(Record, verbose_name=_("record"), null=True, blank=True, on_delete=models.PROTECT,
                               related_name="reads")
    defendant = models.ForeignKey(Defendant, verbose_name=_("defendant"), null=True, blank=True,
                                  on_delete=models.PROTECT, related_name="+")
    permit = models.ForeignKey(SealedRecordPermit, verbose_name=_("permit"), null=True, blank=True,
                               on_delete=models.PROTECT, related_name="reads")
    reference = models.CharField(_("reference"), max_length=40, blank=True)
    action = models.CharField(_("action"), max_length=20, choices=AccessAction.choices, default=AccessAction.READ)
    reason = models.CharField(_("reason given"), max_length=300, blank=True)
    at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("sealed-content access")
        verbose_name_plural = _("sealed-content access log")
        ordering = ["-at", "-id"]


class ImportJob(models.Model):
    """One spreadsheet of cases uploaded by a clerk: the file (encrypted: it holds names and ID numbers), its dry
    run, the import and its summary. The plan keeps row, column and message of each error, never a cell's value.
    The state moves only along ``ImportJob.TRANSITIONS``, through sealing/imports_jobs.py."""

    class Mode(models.TextChoices):
        WHOLE = "whole", _("the whole file")
        VALID_ONLY = "valid_only", _("only the valid rows")

    class State(models.TextChoices):
        UPLOADED = "uploaded", _("uploaded")
        PLANNING = "planning", _("checking")
        PLANNED = "planned", _("checked")
        IMPORTING = "importing", _("importing")
        DONE = "done", _("imported")
        FAILED = "failed", _("failed")
        REFUSED = "refused", _("refused")

    TRANSITIONS = {
        State.UPLOADED: {State.PLANNING, State.PLANNED, State.REFUSED, State.FAILED},
        State.PLANNING: {State.PLANNED, State.REFUSED, State.FAILED},
        State.PLANNED: {State.IMPORTING, State.REFUSED, State.FAILED},
        State.IMPORTING: {State.DONE, State.REFUSED, State.FAILED},
        State.DONE: set(),
        State.FAILED: set(),
        State.REFUSED: set(),
    }

    agency = models.ForeignKey("accounts.Agency", verbose_name=_("agency"), on_delete=models.PROTECT,
                               related_name="import_jobs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("uploaded by"), on_delete=models.PROTECT,
                                   related_name="+")
    file_name = models.CharField(_("file name"), max_length=200)
    data = EncryptedBinaryField(_("file"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    size = models.PositiveIntegerField(_("size (bytes)"))
    background = models.BooleanField(_("run by the task queue"), default=False)
    mode = models.CharField(_("import"), max_length=12, choices=Mode.choices, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.UPLOADED)
    as_of = models.DateField(_("evaluated as of"))
    total_rows = models.PositiveIntegerField(_("rows"), null=True, blank=True)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    errors = models.JSONField(_("errors (row, column, message)"), default=list, blank=True)
    # the first rows to create and to change, as JSON: names and values, so encrypted like the file
    preview = EncryptedTextField(_("rows to create and to change (first ones)"), blank=True)
    progress_done = models.PositiveIntegerField(_("rows done"), default=0)
    progress_total = models.PositiveIntegerField(_("rows in all"), null=True, blank=True)
    summary = models.JSONField(_("summary"), default=dict, blank=True)
    message = models.CharField(_("message"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    planned_at = models.DateTimeField(_("checked at"), null=True, blank=True)
    started_at = models.DateTimeField(_("import started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["data", "preview", "progress_done", "progress_total"])

    class Meta:
        verbose_name = _("case import")
        verbose_name_plural = _("case imports")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["agency", "-created_at"], name="importjob_agency_created")]

    def __str__(self):
        return f"{self.file_name} · {self.get_state_display()}"

    def can_move_to(self, state) -> bool:
        return state in self.TRANSITIONS[self.state]

    @property
    def percent(self) -> int:
        if self.state in {self.State.DONE, self.State.PLANNED}:
            return 100
        if not self.progress_total:
            return 0
        return min(100, self.progress_done * 100 // self.progress_total)
