"""Demo data: two districts, each with a court, procuratorate, police bureau and justice bureau,
a user per role per agency, the provincial procuratorate's policy administrator (who alone publishes a
sealing policy version), and a few hundred cases (juveniles and adults; micro, light and
serious charges; joint cases). Entered through the services, as clerks would.

Dated around the day it is loaded: two adults' observation periods end on that day and the next, so
the scheduler (beat runs ``sealing.sweep_files`` every night) seals them for good when their date comes;
the loader ends with the sweep as of that day, so the holding agencies have sealing notices waiting."""
from __future__ import annotations

import datetime as dt
import random

from dateutil.relativedelta import relativedelta
from django.db import transaction
from django.utils import timezone
from faker import Faker

from accounts.factories import DEMO_PASSWORD, AgencyFactory, RegionFactory, UserFactory
from accounts.models import Agency, User
from accounts.roles import AUDITOR, CLERK, POLICY_ADMIN, REVIEWER, SUPERVISOR, SYSTEM_ADMIN, ensure_role_groups

from . import observation, services, sweep
from .identity import make_id_number
from .models import HIDDEN_STATES, Case, Charge, Disposition, RecordKind, SealingFile, SentenceKind, SweepRun
from .policy import current_policy_version
from .rules.adult import period_end

PROVINCE = ("440000", "广东省")
CITY = ("440100", "广州市")
# The provincial procuratorate's security administrator: the one demo account that publishes a policy version
# (sealing.permissions.can_publish_policy: provincial level only).
PROVINCIAL_AGENCY = "广东省人民检察院"
PROVINCIAL_POLICY_ADMIN = "guangdong_procuratorate_policy_admin"
DISTRICTS = [("440104", "越秀区", "yuexiu", "穗越", "粤0104"), ("440106", "天河区", "tianhe", "穗天", "粤0106")]
AGENCY_KINDS = [
    (Agency.Kind.COURT, "court", "{d}人民法院"),
    (Agency.Kind.PROCURATORATE, "procuratorate", "{d}人民检察院"),
    (Agency.Kind.POLICE, "police", "广州市公安局{d}分局"),
    (Agency.Kind.JUSTICE, "justice", "{d}司法局"),
]
ROLES = [CLERK, REVIEWER, SUPERVISOR, POLICY_ADMIN, AUDITOR]
MICRO = ["危险驾驶罪", "使用虚假身份证件、盗用身份证件罪", "代替考试罪"]
LIGHT = ["盗窃罪", "诈骗罪", "帮助信息网络犯罪活动罪", "掩饰、隐瞒犯罪所得、犯罪所得收益罪", "故意伤害罪",
         "开设赌场罪", "寻衅滋事罪", "妨害公务罪", "交通肇事罪", "聚众斗殴罪", "非法拘禁罪"]
SERIOUS = ["抢劫罪", "强奸罪", "故意杀人罪", "绑架罪"]
EXCLUDED = ["走私、贩卖、运输、制造毒品罪", "组织、领导、参加黑社会性质组织罪"]


def _usernames(slug: str, kind_slug: str, role: str) -> str:
    return f"{slug}_{kind_slug}_{role}"


def demo_users_summary() -> list[str]:
    lines = [f"  admin / {DEMO_PASSWORD}  (system administrator: accounts and roles, no case content)"]
    for _code, district, slug, _p, _c in DISTRICTS:
        for _kind, kind_slug, pattern in AGENCY_KINDS:
            names = ", ".join(_usernames(slug, kind_slug, role) for role in ROLES)
            lines.append(f"  {pattern.format(d=district)}: {names}")
    lines.append(f"  {PROVINCIAL_AGENCY}: {PROVINCIAL_POLICY_ADMIN} (publishes sealing policy versions)")
    lines.append(f"  password for every demo user: {DEMO_PASSWORD}")
    lines.append("  clerks log in with the password alone; reviewers, supervisors, policy administrators, auditors and")
    lines.append("  admin add a TOTP authenticator app on their first login (the page shows a QR code and the key)")
    return lines


def already_loaded() -> bool:
    return User.objects.filter(username="admin").exists() and Case.objects.exists()


@transaction.atomic
def load(cases_per_district: int = 150, seed: int = 20261123, today: dt.date | None = None) -> int:
    """Load the demo data as of ``today`` (the Beijing date by default: the date the scheduler uses);
    returns the number of cases created (0 when it was already there)."""
    if already_loaded():
        return 0
    today = today or timezone.localdate()
    ensure_role_groups()
    rng = random.Random(seed)
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    province = RegionFactory(code=PROVINCE[0], name=PROVINCE[1])
    city = RegionFactory(code=CITY[0], name=CITY[1], parent=province)
    provincial = AgencyFactory(name=PROVINCIAL_AGENCY, kind=Agency.Kind.PROCURATORATE, region=province)
    UserFactory(username=PROVINCIAL_POLICY_ADMIN, agency=provincial, roles=[POLICY_ADMIN], is_staff=True)
    if not User.objects.filter(username="admin").exists():
        # the system administrator: accounts and roles, no case content (三员分立); not a superuser
        UserFactory(username="admin", agency=None, roles=[SYSTEM_ADMIN], is_staff=True, last_name="系统管理员")
    clerks = {}
    for code, district, slug, _p, _c in DISTRICTS:
        region = RegionFactory(code=code, name=district, parent=city)
        for kind, kind_slug, pattern in AGENCY_KINDS:
            agency = AgencyFactory(name=pattern.format(d=district), kind=kind, region=region)
            for role in ROLES:
                # the administrative roles work in the admin: the policy administrator's catalogues and policies,
                # the auditor's audit trail (docs/security.md 8.1.5.2)
                user = UserFactory(username=_usernames(slug, kind_slug, role), agency=agency, roles=[role],
                                   is_staff=role in (POLICY_ADMIN, AUDITOR))
                if role == CLERK:
                    clerks[(code, kind)] = user
    charges = {c.name: c for c in Charge.objects.filter(name__in=MICRO + LIGHT + SERIOUS + EXCLUDED)}
    created = 0
    sequence = 0
    for code, _district, _slug, prosecutor_prefix, court_code in DISTRICTS:
        for n in range(cases_per_district):
            sequence += 1
            by_prosecutor = n % 7 == 3
            handler = clerks[(code, Agency.Kind.PROCURATORATE if by_prosecutor else Agency.Kind.COURT)]
            offense = today - dt.timedelta(days=rng.randint(200, 5500))
            year = min((offense + dt.timedelta(days=rng.randint(60, 200))).year, today.year)
            number = (f"{prosecutor_prefix}检刑不诉〔{year}〕{n + 1}号" if by_prosecutor
                      else f"（{year}）{court_code}刑初{n + 1}号")
            defendants = [
                _defendant(rng, fake, charges, offense, today, code, sequence * 10 + i, by_prosecutor)
                for i in range(rng.choice([1, 1, 1, 2, 2, 3]))
            ]
            case = services.create_case(
                user=handler,
                case_data={"case_number": number, "year": year, "offense_date": offense, "summary": ""},
                defendants=defendants, today=today,
            )
            _records(rng, case, clerks, code, by_prosecutor)
            created += 1
    _seal_some(rng, clerks, today)
    _service_entries(rng, clerks, today)
    # after the service entries: nothing shortens these two periods
    created += _observation_ending(rng, fake, charges, clerks, today, first_number=cases_per_district + 1)
    # what the nightly sweep would have done by now: the deciding agencies' copies registered after the
    # decision are sealed and every holding agency has its sealing notice
    sweep.run_inline(as_of=today, trigger=SweepRun.Trigger.COMMAND)
    return created


def observation_start_for_end(end: dt.date, months: int) -> dt.date | None:
    """A start date whose observation period of ``months`` months ends exactly on ``end`` (the end is
    counted from the start, RULES.md §1), or None when none does (29 February, 12 months on)."""
    start = end - relativedelta(months=months)
    for offset in range(0, 5):
        for candidate in (start - dt.timedelta(days=offset), start + dt.timedelta(days=offset)):
            if period_end(candidate, months) == end:
                return candidate
    return None


def observation_facts(end: dt.date, policy) -> dict:
    """The sentence facts of an adult's drunk driving (危险驾驶罪, a micro crime) whose observation ends on
    ``end``: a fine (observed for the micro tier from the judgment), or, on a day no start of the tier
    reaches, detention served with good conduct (the tier less the reduction, from the completion)."""
    months = policy.observation_micro_months
    effective = observation_start_for_end(end, months)
    if effective is not None:
        return {"sentence_kind": SentenceKind.FINE_ONLY, "sentence_months": None, "good_conduct": False,
                "judgment_effective_date": effective, "sentence_completed_date": None}
    completed = observation_start_for_end(end, months - policy.good_conduct_reduction_micro_months)
    if completed is None:
        raise ValueError(f"no demo observation ends on {end}")
    return {"sentence_kind": SentenceKind.DETENTION, "sentence_months": 3, "good_conduct": True,
            "judgment_effective_date": completed - relativedelta(months=3), "sentence_completed_date": completed}


def _observation_ending(rng, fake, charges, clerks, today, first_number: int) -> int:
    """Two adults sentenced for drunk driving, provisionally sealed, whose observation period ends today and
    tomorrow: the scheduler's sweep seals the first for good tomorrow, the second the day after (a seal is
    final from the day after the end, RULES.md A-MODE)."""
    code, _district, _slug, _prefix, court_code = DISTRICTS[0]
    clerk = clerks[(code, Agency.Kind.COURT)]
    policy = current_policy_version(today)
    for n, end in enumerate((today, today + dt.timedelta(days=1))):
        sentence = observation_facts(end, policy)
        offense = sentence["judgment_effective_date"] - dt.timedelta(days=90)
        birth = offense - relativedelta(years=rng.randint(25, 50), days=rng.randint(1, 360))
        data = {
            "name": fake.name(), "id_number": make_id_number(code, birth, 900 + n), "birth_date": birth,
            "charges": [charges["危险驾驶罪"]], "disposition": Disposition.SENTENCED, "suspended": False,
            "probation_months": None, "plea": True, "surrender": False, "prior_convictions": 0,
            "main_conduct_before_18": None, **sentence,
        }
        case = services.create_case(
            user=clerk,
            case_data={"case_number": f"（{offense.year}）{court_code}刑初{first_number + n}号", "year": offense.year,
                       "offense_date": offense, "summary": ""},
            defendants=[data], today=today,
        )
        _records(rng, case, clerks, code, by_prosecutor=False)
    return 2


SERVICES = ["社区公益服务：街道清洁", "社区公益服务：敬老院助老", "交通文明劝导志愿服务", "社区图书室整理"]


def _service_entries(rng, clerks, today) -> None:
    """Some adults under observation have served community service: the court's clerk has entered the hours,
    which count once a second clerk of the court verifies them (A-CS)."""
    files = SealingFile.objects.filter(
        regime="adult", status__in=("provisionally_sealed", "observing"), seal_date__lte=today - dt.timedelta(days=40),
        defendant__case__agency__kind=Agency.Kind.COURT,
    ).select_related("defendant__case__agency__region", "policy").order_by("pk")
    for n, file in enumerate(files):
        if n % 2:
            continue  # every other one: the rest have served none
        start = file.decision.get("observation_start")
        first = dt.date.fromisoformat(start) + dt.timedelta(days=1) if start else today - dt.timedelta(days=30)
        served_to = today - dt.timedelta(days=rng.randint(1, 10))
        served_from = max(first, served_to - dt.timedelta(days=rng.randint(14, 60)))
        clerk = clerks[(file.defendant.case.agency.region.code, Agency.Kind.COURT)]
        observation.enter_service_hours(
            file.defendant, user=clerk, hours=rng.choice([10, 20, 30, 40]), served_from=served_from,
            served_to=served_to, description=rng.choice(SERVICES), document_number=f"社服证〔{today.year}〕{n + 1}号",
            as_of=today)


def _seal_some(rng, clerks, today) -> None:
    """Courts and procuratorates have sealed most of their copies; police and justice bureaus lag behind,
    so every clerk's work queue has something in it."""
    files = SealingFile.objects.filter(status__in=HIDDEN_STATES).select_related("defendant__case__agency__region")
    for file in files:
        region = file.defendant.case.agency.region.code
        for kind in (Agency.Kind.COURT, Agency.Kind.PROCURATORATE):
            if rng.random() < 0.7:
                try:
                    services.seal_file(file, user=clerks[(region, kind)], today=today)
                except services.SealingError:
                    pass  # this agency holds no open copy of the file


def _defendant(rng, fake, charges, offense, today, region_code, serial, by_prosecutor) -> dict:
    juvenile = rng.random() < 0.35
    age_years = rng.randint(14, 17) if juvenile else rng.randint(18, 60)
    birth = offense - relativedelta(years=age_years, days=rng.randint(1, 360))
    pool = rng.choices([MICRO, LIGHT, SERIOUS, EXCLUDED], weights=[30, 50, 12, 8])[0]
    names = [rng.choice(pool)]
    if pool is LIGHT and rng.random() < 0.15:
        names.append(rng.choice(MICRO))
    data = {
        "name": fake.name(),
        "id_number": make_id_number(region_code, birth, serial % 1000) if rng.random() < 0.9 else "",
        "birth_date": birth,
        "charges": [charges[n] for n in names if n in charges],
        "plea": rng.random() < 0.6,
        "surrender": rng.random() < 0.2,
        "good_conduct": False,
        "prior_convictions": 0 if rng.random() < 0.85 else 1,
        "sentence_kind": "", "sentence_months": None, "suspended": False, "probation_months": None,
        "judgment_effective_date": None, "sentence_completed_date": None,
        "main_conduct_before_18": None,
    }
    effective = offense + dt.timedelta(days=rng.randint(60, 200))
    data["judgment_effective_date"] = effective if effective <= today else None
    if by_prosecutor:
        data["disposition"] = Disposition.NOT_PROSECUTED
        return data
    return sentence_facts(rng, "micro" if pool is MICRO else "light" if pool is LIGHT else "serious", data, today)


def sentence_facts(rng, tier: str, data: dict, today: dt.date, *, exempted: float = 0.05,
                   no_completion: float = 0.1) -> dict:
    """A court's outcome for a defendant whose charges are of ``tier`` ("micro", "light", else serious), written
    into the defendant's ``data`` (``judgment_effective_date`` already set): exempted from punishment (a share
    ``exempted``), or a sentence, suspended for some, served for others with the completion date recorded for
    all but a share ``no_completion`` (the clerk's "missing facts" queue). Shared with sealing/generate.py."""
    if tier == "micro":
        kind, months = rng.choice([(SentenceKind.DETENTION, rng.randint(1, 6)), (SentenceKind.FINE_ONLY, None)])
    elif tier == "light":
        kind, months = SentenceKind.FIXED_TERM, rng.choice([6, 8, 10, 12, 18, 24, 30, 36, 48])
    else:
        kind, months = SentenceKind.FIXED_TERM, rng.choice([36, 60, 84, 120, 180])
    if rng.random() < exempted:
        data["disposition"] = Disposition.EXEMPTED
        return data
    data.update(disposition=Disposition.SENTENCED, sentence_kind=kind, sentence_months=months)
    if kind in (SentenceKind.FIXED_TERM, SentenceKind.DETENTION) and months <= 36 and rng.random() < 0.3:
        data["suspended"] = True
        data["probation_months"] = max(months, 12 if kind == SentenceKind.FIXED_TERM else 2)
    elif kind in (SentenceKind.FIXED_TERM, SentenceKind.DETENTION) and data["judgment_effective_date"]:
        done = data["judgment_effective_date"] + relativedelta(months=months)
        data["sentence_completed_date"] = done if done <= today and rng.random() > no_completion else None
        data["good_conduct"] = rng.random() < 0.2
    return data


def record_holders(rng, by_prosecutor: bool, *, justice: float = 0.4) -> list[tuple[str, str, str]]:
    """(agency kind, record kind, title) of each copy a case's defendant leaves: a non-prosecution at the
    procuratorate and the police; a judgment at the court, the procuratorate and the police, and for a share
    ``justice`` a social investigation at the justice bureau. Shared with sealing/generate.py."""
    if by_prosecutor:
        return [(Agency.Kind.PROCURATORATE, RecordKind.NON_PROSECUTION, "不起诉决定书"),
                (Agency.Kind.POLICE, RecordKind.COERCIVE_MEASURE, "取保候审决定书")]
    holders = [(Agency.Kind.COURT, RecordKind.JUDGMENT, "刑事判决书"),
               (Agency.Kind.PROCURATORATE, RecordKind.INDICTMENT, "起诉书"),
               (Agency.Kind.POLICE, RecordKind.CASE_FILE, "侦查卷宗")]
    if rng.random() < justice:
        holders.append((Agency.Kind.JUSTICE, RecordKind.SOCIAL_INVESTIGATION, "社会调查评估报告"))
    return holders


def _records(rng, case, clerks, region_code, by_prosecutor) -> None:
    holders = record_holders(rng, by_prosecutor)
    for defendant in case.defendants.all():
        charges = "、".join(c.name for c in defendant.charges.all())
        for kind, record_kind, title in holders:
            services.create_record(
                user=clerks[(region_code, kind)],
                case=case,
                data={
                    "kind": record_kind, "title": title, "document_number": case.case_number if kind != Agency.Kind.POLICE else "",
                    "defendant": defendant,
                    "content": f"{title}：被告人{defendant.person.name}，涉嫌{charges}一案，{case.case_number}。",
                },
            )
