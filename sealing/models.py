from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from common.fields import EncryptedCharField, EncryptedTextField


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

    name = EncryptedCharField(_("name"), form_max_length=60)
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
        return self.name

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
        return f"{self.case} · {self.person}"

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
        indexes = [models.Index(fields=["holding_agency", "-created_at"], name="record_agency_created")]

    def __str__(self):
        return f"{self.get_kind_display()} · {self.case}"


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
