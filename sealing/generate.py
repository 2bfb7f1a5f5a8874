"""A province of generated cases for the benchmarks: ``python manage.py generate_cases N``.

What it writes, per case, is what the services would have left by ``as_of`` (see ``bench/RESULTS.md`` for the
distributions): the case at a court (85 %) or a procuratorate (non-prosecution, 15 %) of one of the province's
districts; one to five defendants (joint cases), each a person with an encrypted name and ID number and its
blind index; the charges (micro, light, serious, excluded); the sealing file with the decision and trace the
rules engine gives as of ``as_of`` (every defendant is evaluated by ``rules.evaluate``, nothing is invented);
each holding agency's copy of each record (court, procuratorate, police, sometimes the justice bureau, and a
whole-case file at the police); for files hidden by ``as_of``: the deciding agency's seals, the sealing notices
to the other agencies with serial numbers, their receipts and seals (most agencies seal in time, some late,
some never: the supervision console's work). Query requests go through the query desk's own service, and the
supervision scan raises its findings over the result (``--scan``).

Rows are written with PostgreSQL's COPY (``bulk_create`` on SQLite, for the tests), ids taken in blocks from
the tables' sequences, names and contents encrypted by the fields' own ``get_db_prep_save``. History rows are
not written for generated rows: they are the services' record of changes made in Fengcun, and these cases
were not made in it (the sweep's benchmark counts the history rows the sweep writes).

Repeatable: the same seed, count and date give the same data; a second run adds more cases to the same
province (its case numbers and ID numbers carry the run's number).
"""
from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from dateutil.relativedelta import relativedelta
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Agency, Region, User
from accounts.roles import CLERK, REVIEWER, SUPERVISOR, ensure_role_groups
from common.crypto import blind_index
from common.models import SerialCounter

from .catalogue import charge_info
from .demo import record_holders, sentence_facts
from .identity import make_id_number
from .models import (
    Case, Charge, Defendant, Disposition, NoticeBasis, Person, Record, RecordKind, RecordSeal, SealingFile,
    SealingNotice,
)
from .notices import NOTICE_SERIAL_PREFIX
from .policy import current_policy_version
from .rules import CaseFacts, Sentence, evaluate
from .rules.files import (
    community_sentence, copy_deadline, execution_end, is_hidden, next_change, notice_recipient_kinds,
    whole_case_records_hidden,
)

PROVINCE = ("440000", "广东省")
CITIES = ["广州市", "韶关市", "深圳市", "珠海市", "汕头市", "佛山市", "江门市", "湛江市", "茂名市", "肇庆市", "惠州市",
          "梅州市", "汕尾市", "河源市", "阳江市", "清远市", "东莞市", "中山市", "潮州市", "揭阳市", "云浮市"]
CITY_CODES = ["4401", "4402", "4403", "4404", "4405", "4406", "4407", "4408", "4409", "4412", "4413", "4414",
              "4415", "4416", "4417", "4418", "4419", "4420", "4451", "4452", "4453"]
DISTRICTS_PER_CITY = 6  # 126 districts: Guangdong has 122 county-level divisions
MICRO = ["危险驾驶罪", "使用虚假身份证件、盗用身份证件罪", "代替考试罪"]
LIGHT = ["盗窃罪", "诈骗罪", "帮助信息网络犯罪活动罪", "掩饰、隐瞒犯罪所得、犯罪所得收益罪", "故意伤害罪",
         "开设赌场罪", "寻衅滋事罪", "妨害公务罪", "交通肇事罪", "聚众斗殴罪", "非法拘禁罪"]
SERIOUS = ["抢劫罪", "强奸罪", "故意杀人罪", "绑架罪"]
EXCLUDED = ["走私、贩卖、运输、制造毒品罪", "组织、领导、参加黑社会性质组织罪"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国志文斌宇浩然子轩梓涵一诺欣怡俊杰思远雨泽嘉怡晨曦"
JUVENILE_SHARE = 0.08  # share of defendants under 18 at the time of the offence
PASSWORD = "Fengcun-bench-2026"


@dataclass
class District:
    region: Region
    agencies: dict[str, Agency]  # kind -> agency
    clerks: dict[str, User] = field(default_factory=dict)  # kind -> clerk


@dataclass
class Province:
    region: Region
    districts: list[District]
    users: dict[str, User]  # username -> user (the benchmark's logins)


def ensure_province(districts_per_city: int | None = None, cities: int | None = None) -> Province:
    """The province, its cities and districts, four agencies per district, and at each agency a clerk, and a
    reviewer at each court and a supervisor at each procuratorate (usernames ``g<region code>_<kind>_<role>``,
    password ``PASSWORD``, hashed once). Idempotent."""
    districts_per_city = districts_per_city or DISTRICTS_PER_CITY
    cities = cities or len(CITIES)
    ensure_role_groups()
    from django.contrib.auth.models import Group

    groups = {g.name: g for g in Group.objects.filter(name__in=[CLERK, REVIEWER, SUPERVISOR])}
    province, _ = Region.objects.get_or_create(code=PROVINCE[0], defaults={"name": PROVINCE[1]})
    password = make_password(PASSWORD)
    districts = []
    users = {}

    def account(username, agency, role):
        user, created = User.objects.get_or_create(
            username=username, defaults={"agency": agency, "password": password, "password_changed_at": timezone.now()})
        if created:
            user.groups.add(groups[role])
        users[username] = user
        return user

    # the provincial procuratorate supervises every agency of the province (the console's largest scope)
    top, _ = Agency.objects.get_or_create(name=f"{PROVINCE[1]}人民检察院",
                                          defaults={"kind": Agency.Kind.PROCURATORATE, "region": province})
    account(f"g{PROVINCE[0]}_procuratorate_supervisor", top, SUPERVISOR)
    for city_name, city_code in list(zip(CITIES, CITY_CODES))[:cities]:
        city, _ = Region.objects.get_or_create(code=f"{city_code}00", defaults={"name": city_name, "parent": province})
        for n in range(1, districts_per_city + 1):
            code = f"{city_code}{n + 10:02d}"
            region, _ = Region.objects.get_or_create(code=code, defaults={"name": f"{city_name}第{n}区", "parent": city})
            agencies = {}
            for kind, pattern in ((Agency.Kind.COURT, "{}人民法院"), (Agency.Kind.PROCURATORATE, "{}人民检察院"),
                                  (Agency.Kind.POLICE, "{}公安分局"), (Agency.Kind.JUSTICE, "{}司法局")):
                agencies[kind], _ = Agency.objects.get_or_create(
                    name=pattern.format(region.name), defaults={"kind": kind, "region": region})
            district = District(region=region, agencies=agencies)
            for kind, agency in agencies.items():
                roles = [CLERK] + ([REVIEWER] if kind == Agency.Kind.COURT else []) + (
                    [SUPERVISOR] if kind == Agency.Kind.PROCURATORATE else [])
                for role in roles:
                    user = account(f"g{code}_{kind}_{role}", agency, role)
                    if role == CLERK:
                        district.clerks[kind] = user
            districts.append(district)
    return Province(region=province, districts=districts, users=users)


class Writer:
    """Rows in blocks: ids reserved from each table's sequence, written with COPY on PostgreSQL (bulk_create
    elsewhere). Field values go through each field's ``pre_save`` and ``get_db_prep_save`` (auto dates,
    encryption, JSON) as Django's own inserts do."""

    def __init__(self):
        self.postgres = connection.vendor == "postgresql"
        self.next_ids: dict[type, int] = {}
        self.columns: dict[type, tuple] = {}
        self.written: dict[str, int] = {}

    def ids(self, model, count: int) -> list[int] | range:
        if self.postgres:
            table = model._meta.db_table
            with connection.cursor() as cursor:
                cursor.execute("SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                               [table, count])
                values = [row[0] for row in cursor.fetchall()]
            return values  # consecutive unless another session (a parallel job) draws at the same time
        start = self.next_ids.get(model)
        if start is None:
            last = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
            start = last + 1
        self.next_ids[model] = start + count
        return range(start, start + count)

    def _columns(self, model):
        """(column names, per-field readers): plain values are read as they are; encrypted, JSON and automatic
        date fields go through the field's own ``pre_save`` and ``get_db_prep_save``."""
        cached = self.columns.get(model)
        if cached is None:
            from django.db import DEFAULT_DB_ALIAS, connections
            from django.db.models import DateTimeField, JSONField

            from common.fields import EncryptedTextField

            real = connections[DEFAULT_DB_ALIAS]
            readers = []
            for f in model._meta.concrete_fields:
                if isinstance(f, (EncryptedTextField, JSONField)) or (
                        isinstance(f, DateTimeField) and (f.auto_now or f.auto_now_add)):
                    readers.append(lambda obj, f=f: f.get_db_prep_save(f.pre_save(obj, True), real))
                else:
                    readers.append(lambda obj, name=f.attname: getattr(obj, name))
            columns = ", ".join(connection.ops.quote_name(f.column) for f in model._meta.concrete_fields)
            cached = self.columns[model] = (columns, readers)
        return cached

    def write(self, model, objects: list) -> None:
        if not objects:
            return
        label = model._meta.label
        self.written[label] = self.written.get(label, 0) + len(objects)
        if not self.postgres:
            model.objects.bulk_create(objects, batch_size=2000)
            return
        columns, readers = self._columns(model)
        sql = f"COPY {connection.ops.quote_name(model._meta.db_table)} ({columns}) FROM STDIN"
        with connection.cursor() as cursor:
            with cursor.cursor.copy(sql) as copy:
                for obj in objects:
                    copy.write_row([read(obj) for read in readers])


def _name(rng) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


class Generator:
    def __init__(self, province: Province, *, as_of: dt.date, seed: int, run: int):
        self.province = province
        self.as_of = as_of
        self.rng = random.Random(seed)
        self.run = run
        self.policy = current_policy_version(as_of)
        self.rules_policy = self.policy.to_policy()
        names = MICRO + LIGHT + SERIOUS + EXCLUDED
        self.charges = {c.name: c for c in Charge.objects.filter(name__in=names)}
        self.charge_infos = {name: charge_info(c) for name, c in self.charges.items()}
        self.pools = [[n for n in pool if n in self.charges] for pool in (MICRO, LIGHT, SERIOUS, EXCLUDED)]
        self.id_slots: dict[tuple[str, int], int] = {}
        self.writer = Writer()
        self.now = timezone.now()
        self.case_serial = 0
        self.case_counts: dict[tuple, int] = {}
        self.notice_serial = 0
        self.counts = {"cases": 0, "defendants": 0, "juveniles": 0, "records": 0, "hidden files": 0,
                       "copies sealed": 0, "notices": 0}

    # --- one defendant's facts ---------------------------------------------------------------------------------
    def _case_number(self, region_code: str, year: int, by_prosecutor: bool) -> str:
        """A number the case form accepts (sealing/casenumber.py), unique across runs: the district's court code
        (粤0111) or a procuratorate named by it (粤零一一一检), and a sequence of the run's two digits and a
        four-digit count per district, year and kind (a district enters some hundreds of cases a year)."""
        key = (region_code, year, by_prosecutor)
        count = self.case_counts[key] = self.case_counts.get(key, 0) + 1
        if self.run > 99 or count > 9999:
            raise ValueError("generate_cases: more runs or cases per district and year than case numbers can carry")
        sequence = self.run * 10000 + count
        if by_prosecutor:
            issuer = "粤" + "".join("零一二三四五六七八九"[int(d)] for d in region_code[2:]) + "检刑不诉"
            return f"{issuer}〔{year}〕{sequence}号"
        return f"（{year}）粤{region_code[2:]}刑初{sequence}号"

    def _id_number(self, region_code: str, birth: dt.date) -> str:
        # each run has its own block of the three sequence digits, so runs never share a number
        key = (region_code, birth.toordinal())
        used = self.id_slots.get(key, 0)
        self.id_slots[key] = used + 1
        if used >= 40:
            return ""
        return make_id_number(region_code, birth, (self.run % 25) * 40 + used)

    def _defendant(self, offense: dt.date, by_prosecutor: bool) -> dict:
        rng = self.rng
        juvenile = rng.random() < JUVENILE_SHARE
        age = rng.randint(14, 17) if juvenile else rng.randint(18, 60)
        birth = offense - relativedelta(years=age, days=rng.randint(1, 360))
        pool = rng.choices(self.pools, weights=[34, 48, 13, 5])[0]
        names = [rng.choice(pool)]
        if pool is self.pools[1] and rng.random() < 0.15:
            names.append(rng.choice(self.pools[0]))
        data = {"birth": birth, "juvenile": juvenile, "charges": names, "plea": rng.random() < 0.6,
                "surrender": rng.random() < 0.2, "good_conduct": False,
                "prior_convictions": 0 if rng.random() < 0.85 else 1, "sentence_kind": "", "sentence_months": None,
                "suspended": False, "probation_months": None, "sentence_completed_date": None}
        effective = offense + dt.timedelta(days=rng.randint(60, 300))
        data["judgment_effective_date"] = effective if effective <= self.as_of else None
        if by_prosecutor:
            data["disposition"] = Disposition.NOT_PROSECUTED
            return data
        tier = "micro" if pool is self.pools[0] else "light" if pool is self.pools[1] else "serious"
        return sentence_facts(rng, tier, data, self.as_of, exempted=0.04, no_completion=0.05)

    # --- a chunk of cases ------------------------------------------------------------------------------------
    def chunk(self, count: int) -> None:
        rng, as_of, w = self.rng, self.as_of, self.writer
        plans = []
        for _ in range(count):
            district = rng.choice(self.province.districts)
            by_prosecutor = rng.random() < 0.15
            offense = as_of - dt.timedelta(days=rng.randint(90, 15 * 365))
            size = rng.choices((1, 2, 3, 4, 5), weights=(72, 18, 7, 2, 1))[0]
            plans.append((district, by_prosecutor, offense, [self._defendant(offense, by_prosecutor)
                                                             for _ in range(size)]))
        case_ids = iter(w.ids(Case, len(plans)))
        n_defendants = sum(len(p[3]) for p in plans)
        person_ids = iter(w.ids(Person, n_defendants))
        defendant_ids = iter(w.ids(Defendant, n_defendants))
        file_ids = iter(w.ids(SealingFile, n_defendants))
        # at most 4 copies per defendant and one whole-case copy per case: ids unused are a gap in the sequence
        record_ids = iter(w.ids(Record, 4 * n_defendants + len(plans)))
        cases, persons, defendants, links, files, records = [], [], [], [], [], []
        # (file, defendant, case, district, deciding kind, facts) of hidden files, for seals and notices
        hidden = []
        through = Defendant.charges.through
        for district, by_prosecutor, offense, people in plans:
            self.case_serial += 1
            kind = Agency.Kind.PROCURATORATE if by_prosecutor else Agency.Kind.COURT
            agency = district.agencies[kind]
            clerk = district.clerks[kind]
            year = min((offense + dt.timedelta(days=rng.randint(30, 200))).year, as_of.year)
            code = district.region.code
            number = self._case_number(code, year, by_prosecutor)
            case = Case(id=next(case_ids), case_number=number, year=year, agency=agency, offense_date=offense,
                        created_by=clerk, summary="")
            cases.append(case)
            case_files = []
            for position, data in enumerate(people, start=1):
                person = Person(id=next(person_ids), name=_name(rng), birth_date=data["birth"],
                                sex=rng.choice("MMMF"))
                person.id_number = self._id_number(code, data["birth"]) if rng.random() < 0.95 else ""
                person.id_number_index = blind_index(person.id_number) if person.id_number else None
                persons.append(person)
                defendant = Defendant(
                    id=next(defendant_ids), case=case, person=person, position=position,
                    disposition=data["disposition"], sentence_kind=data["sentence_kind"],
                    sentence_months=data["sentence_months"], suspended=data["suspended"],
                    probation_months=data["probation_months"], judgment_effective_date=data["judgment_effective_date"],
                    sentence_completed_date=data["sentence_completed_date"], plea=data["plea"],
                    surrender=data["surrender"], good_conduct=data["good_conduct"],
                    prior_convictions=data["prior_convictions"])
                defendants.append(defendant)
                for name in data["charges"]:
                    links.append(through(defendant_id=defendant.id, charge_id=self.charges[name].pk))
                file = self._file(next(file_ids), defendant, case, data)
                files.append(file)
                case_files.append((file, defendant))
                self.counts["defendants"] += 1
                self.counts["juveniles"] += data["juvenile"]
            case_records = self._records(case, district, by_prosecutor, [d for _f, d in case_files])
            for record in case_records:
                record.id = next(record_ids)
            records.extend(case_records)
            statuses = [f.status for f, _d in case_files]
            for file, defendant in case_files:
                if is_hidden(file.status) and file.seal_date and file.seal_date <= as_of:
                    covered = [r for r in case_records if r.defendant_id == defendant.id
                               or (r.defendant_id is None and whole_case_records_hidden(statuses))]
                    hidden.append((file, defendant, case, district, kind, covered))
            self.counts["cases"] += 1
        seals, notices = self._seals_and_notices(hidden)
        self.counts["records"] += len(records)
        self.counts["hidden files"] += len(hidden)
        for model, rows in ((Person, persons), (Case, cases), (Defendant, defendants), (through, links),
                            (SealingFile, files), (Record, records), (SealingNotice, notices), (RecordSeal, seals)):
            if model is through and w.postgres and rows:
                ids = w.ids(through, len(rows))
                for row, pk in zip(rows, ids):
                    row.id = pk
            w.write(model, rows)

    def _file(self, pk: int, defendant: Defendant, case: Case, data: dict) -> SealingFile:
        sentence = None
        if defendant.sentence_kind:
            sentence = Sentence(kind=defendant.sentence_kind, months=defendant.sentence_months,
                                suspended=defendant.suspended, probation_months=defendant.probation_months)
        facts = CaseFacts(
            id=defendant.id, birth_date=data["birth"], offense_date=case.offense_date,
            charges=tuple(self.charge_infos[n] for n in sorted(data["charges"], key=lambda n: self.charges[n].pk)),
            disposition=defendant.disposition, sentence=sentence,
            judgment_effective_date=defendant.judgment_effective_date,
            sentence_completed_date=defendant.sentence_completed_date,
            circumstances=frozenset(defendant.circumstances), prior_convictions=defendant.prior_convictions)
        decision = evaluate(facts, self.rules_policy, self.as_of)
        upcoming = next_change(status=decision.status, seal_date=decision.seal_date,
                               observation_start=decision.observation_start, observation_end=decision.observation_end)
        status = decision.status
        return SealingFile(
            id=pk, defendant=defendant, status=status, regime=decision.regime or "", category=decision.category or "",
            eligible=decision.eligible, seal_date=decision.seal_date, observation_end=decision.observation_end,
            missing=list(decision.missing), decision=decision.to_dict(), policy=self.policy, evaluated_at=self.now,
            evaluated_as_of=self.as_of, next_change=upcoming,
            facts_due=(self.as_of + dt.timedelta(days=self.policy.missing_facts_days)
                       if status == "undetermined" else None),
            notified_on=decision.seal_date if is_hidden(status) and decision.seal_date
            and decision.seal_date <= self.as_of else None)

    def _records(self, case: Case, district: District, by_prosecutor: bool, defendants: list) -> list[Record]:
        rng = self.rng
        holders = record_holders(rng, by_prosecutor, justice=0.3)
        rows = []
        for defendant in defendants:
            for kind, record_kind, title in holders:
                rows.append(Record(case=case, defendant=defendant, holding_agency=district.agencies[kind],
                                   kind=record_kind, title=title,
                                   document_number=case.case_number if kind != Agency.Kind.POLICE else "",
                                   content=f"{title}：{case.case_number}，被告人{defendant.person.name}。",
                                   created_by=district.clerks[kind]))
        if len(defendants) > 1 and rng.random() < 0.5:
            rows.append(Record(case=case, defendant=None, holding_agency=district.agencies[Agency.Kind.POLICE],
                               kind=RecordKind.ELECTRONIC_DATA, title="电子数据", document_number="",
                               content=f"电子数据：{case.case_number}。", created_by=district.clerks[Agency.Kind.POLICE]))
        return rows

    def _seals_and_notices(self, hidden) -> tuple[list[RecordSeal], list[SealingNotice]]:
        """J-WHEN as the sweep and the agencies would have left it: the deciding agency's copies sealed on the
        seal date (97 %), a notice to each other agency; most received within days and sealed in time."""
        rng, as_of = self.rng, self.as_of
        days = self.policy.seal_after_receipt_days
        seals, notices = [], []
        planned = []
        for file, defendant, case, district, deciding_kind, covered in hidden:
            sent_on = file.seal_date
            sent_at = timezone.make_aware(dt.datetime.combine(sent_on, dt.time(2, 0)))
            deciding = district.agencies[deciding_kind]
            if rng.random() < 0.97:
                for record in covered:
                    if record.holding_agency_id == deciding.pk:
                        seals.append(RecordSeal(record=record, sealing_file=file, sealed_at=sent_at))
            community = community_sentence(sentence_kind=defendant.sentence_kind, suspended=defendant.suspended)
            kinds = notice_recipient_kinds(deciding_kind=deciding_kind, disposition=defendant.disposition,
                                           community=community)
            holders = {r.holding_agency_id for r in covered} | {district.agencies[k].pk for k in kinds}
            for kind, agency in sorted(district.agencies.items()):
                if agency.pk not in holders or agency.pk == deciding.pk:
                    continue
                basis = NoticeBasis.EXECUTION if community and kind == Agency.Kind.JUSTICE else NoticeBasis.RECEIPT
                end = None
                if basis == NoticeBasis.EXECUTION:
                    end = execution_end(sentence_kind=defendant.sentence_kind, suspended=defendant.suspended,
                                        months=defendant.sentence_months, probation_months=defendant.probation_months,
                                        judgment_effective_date=defendant.judgment_effective_date,
                                        sentence_completed_date=defendant.sentence_completed_date)
                received_on = sent_on + dt.timedelta(days=rng.choice((0, 0, 1, 1, 1, 2, 2, 3, 5)))
                if received_on > as_of or rng.random() < 0.05:
                    received_on = None
                deadline = copy_deadline(basis=basis, received_on=received_on, execution_end=end, days=days)
                notice = SealingNotice(
                    sealing_file=file, from_agency=deciding, to_agency=agency, basis=basis, sent_on=sent_on,
                    sent_at=sent_at, execution_end=end, deadline=deadline, withdrawn_reason="")
                if received_on is not None:
                    notice.received_on = received_on
                    notice.received_at = timezone.make_aware(dt.datetime.combine(received_on, dt.time(9, 30)))
                    notice.received_by = district.clerks[kind]
                    start = end if basis == NoticeBasis.EXECUTION else received_on
                    if start is not None:
                        sealed_on = start + dt.timedelta(days=rng.choice((0, 1, 2, 3, 3, 3, 5, 9)))
                        if sealed_on <= as_of and rng.random() < 0.9:
                            notice.copy_sealed_at = timezone.make_aware(dt.datetime.combine(sealed_on, dt.time(15)))
                            notice.copy_sealed_by = district.clerks[kind]
                planned.append((notice, [r for r in covered if r.holding_agency_id == agency.pk]))
        if planned:
            first = self._reserve_serials(len(planned))
            for (notice, copies), pk, number in zip(planned, self.writer.ids(SealingNotice, len(planned)),
                                                    range(first, first + len(planned))):
                notice.id = pk
                notice.serial = f"{NOTICE_SERIAL_PREFIX}-G{self.run}-{number:07d}"
                notices.append(notice)
                if notice.copy_sealed_at is not None:
                    for record in copies:
                        seals.append(RecordSeal(record=record, sealing_file=notice.sealing_file,
                                                sealed_at=notice.copy_sealed_at, sealed_by=notice.copy_sealed_by,
                                                notice=notice))
        # a whole-case copy is covered by every defendant's file: the first seal is its only one
        unique, seen = [], set()
        for seal in seals:
            if seal.record_id not in seen:
                seen.add(seal.record_id)
                unique.append(seal)
        seals = unique
        for seal, pk in zip(seals, self.writer.ids(RecordSeal, len(seals))):
            seal.id = pk
            seal.lifted_reason = ""
        self.counts["copies sealed"] += len(seals)
        self.counts["notices"] += len(notices)
        return seals, notices

    def _reserve_serials(self, count: int) -> int:
        first = self.notice_serial + 1
        self.notice_serial += count
        return first


def next_run() -> int:
    """This database's generator run number (a counter row of its own)."""
    with transaction.atomic():
        counter, _ = SerialCounter.objects.select_for_update().get_or_create(prefix="GEN", year=0)
        counter.last += 1
        counter.save(update_fields=["last"])
        return counter.last


def _generate_share(count: int, as_of: dt.date, seed: int, chunk: int, progress, size=None) -> tuple[dict, dict]:
    """One job's share: its own run number (case numbers, ID numbers and serials carry it), its own seed."""
    province = ensure_province(*size) if size else ensure_province()
    run = next_run()
    generator = Generator(province, as_of=as_of, seed=seed + run, run=run)
    done = 0
    while done < count:
        size = min(chunk, count - done)
        with transaction.atomic():
            generator.chunk(size)
        done += size
        if progress:
            progress(size)
    return generator.counts, generator.writer.written


def _job(args) -> tuple[dict, dict]:
    from django.db import connections

    connections.close_all()  # a forked job opens its own connection
    try:
        return _generate_share(*args, progress=None)
    finally:
        connections.close_all()


def _add(total: dict, part: dict) -> None:
    for key, value in part.items():
        total[key] = total.get(key, 0) + value


def generate(count: int, *, as_of: dt.date, seed: int = 20261201, chunk: int = 5000, queries: int | None = None,
             jobs: int = 1, progress=None, size: tuple[int, int] | None = None) -> dict:
    """Generate ``count`` cases as of ``as_of`` into the database; returns what was written. ``jobs`` > 1
    splits the cases between that many processes (PostgreSQL only), each with its own connection. ``size``:
    (districts per city, cities) of a smaller province (the tests')."""
    province = ensure_province(*size) if size else ensure_province()
    counts, rows = {}, {}
    if jobs > 1 and connection.vendor == "postgresql":
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor, as_completed

        from django.db import connections

        shares = [count // jobs + (1 if n < count % jobs else 0) for n in range(jobs)]
        connections.close_all()
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [pool.submit(_job, (share, as_of, seed + 7919 * n, chunk)) for n, share in enumerate(shares)
                       if share]
            for future in as_completed(futures):
                part_counts, part_rows = future.result()
                _add(counts, part_counts)
                _add(rows, part_rows)
                if progress:
                    progress(part_counts.get("cases", 0))
    else:
        counts, rows = _generate_share(count, as_of, seed, chunk, progress, size)
        counts, rows = dict(counts), dict(rows)
    counts["query requests"] = take_queries(province, as_of=as_of, count=queries if queries is not None
                                            else max(10, count // 500), seed=seed)
    counts["rows"] = rows
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return counts


def take_queries(province: Province, *, as_of: dt.date, count: int, seed: int) -> int:
    """Query requests taken at the courts' service windows through the query desk's service (the recommendation
    computed as for any request): most about a generated person, some about nobody on file."""
    from queries import services as desk
    from queries.models import Purpose, RequesterKind

    rng = random.Random(seed)
    people = list(Person.objects.filter(id_number_index__isnull=False).order_by("?").values_list("pk", flat=True)[
        :count]) if count else []
    persons = {p.pk: p for p in Person.objects.filter(pk__in=people)}
    taken = 0
    for n in range(count):
        district = rng.choice(province.districts)
        clerk = district.clerks[Agency.Kind.COURT]
        person = persons.get(people[n]) if n < len(people) and rng.random() < 0.9 else None
        if person is not None:
            name, number = person.name, person.id_number
        else:
            birth = as_of - dt.timedelta(days=rng.randint(20 * 365, 50 * 365))
            name, number = _name(rng), make_id_number(district.region.code, birth, 999)
        kind = rng.choices((RequesterKind.SELF, RequesterKind.UNIT), weights=(80, 20))[0]
        desk.take_request(user=clerk, today=as_of, data={
            "received": as_of - dt.timedelta(days=rng.randint(0, 2)), "requester_kind": kind,
            "requester_name": name if kind == RequesterKind.SELF else "人事部门", "requester_id_number": "",
            "requester_organisation": "" if kind == RequesterKind.SELF else "某有限公司", "requester_agency": None,
            "requester_user": None, "subject_name": name, "subject_id_number": number,
            "purpose": Purpose.CERTIFICATE if kind == RequesterKind.SELF else Purpose.EMPLOYMENT_SCREENING,
            "legal_basis": None, "occupation": ""})
        taken += 1
    return taken
