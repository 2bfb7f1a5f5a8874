"""Trace sentences are rendered from a code and its parameters: the Chinese the engines write (documents, the
JSON commands) and the English of the English UI come from one Msg each (sealing.rules.kernel), and the
translation catalogues hold both (sealing/trace_catalogue.py)."""
import datetime as dt
import random
import re
from io import StringIO

import pytest
from django.utils import translation
from django.utils.html import escape

from sealing import trace_catalogue
from sealing.presentation import message_lang, step_message, trace_rows
from sealing.rules import CaseFacts, ChargeInfo, Event, Msg, Policy, Sentence, Text, TraceStep, evaluate
from sealing.rules.facts import CIRCUMSTANCES, DISPOSITIONS, EVENT_KINDS, SENTENCE_KINDS, STATUTORY_MAX_KINDS
from sealing.rules.policy import MODES

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
AS_OF = dt.date(2026, 6, 15)


def test_the_catalogues_hold_every_sentence_of_the_rules():
    assert trace_catalogue.differences() == []


def test_every_message_has_english_without_chinese_and_the_same_parameters():
    for key, msg in trace_catalogue.messages().items():
        assert msg.zh and msg.en, key
        assert not CJK.search(msg.en), f"{key}: {msg.en}"


def test_a_message_refuses_a_parameter_it_does_not_name():
    msg = Msg("test.sample", "{a}于{day}", "{a} on {day}")
    with pytest.raises(TypeError):
        msg(a=1)
    with pytest.raises(ValueError):
        Msg("test.bad", "{a}", "{b}")
    with pytest.raises(ValueError):
        Msg("test.sample", "另{a}于{day}", "{a} on {day}")  # one code, two wordings


def test_a_step_keeps_its_chinese_and_its_code():
    step = TraceStep("J-X", "source", "applies", Msg("test.step", "{day}生效", "effective {day}")(
        day=dt.date(2024, 2, 29)))
    assert step.message == "2024年2月29日生效"
    assert step.to_dict()["text"] == {"key": "test.step", "params": {"day": {"date": "2024-02-29"}}}
    with translation.override("en"):
        assert step_message(step.to_dict()) == "effective Feb. 29, 2024"
        assert message_lang(step.to_dict()) is None


def test_a_step_stored_before_the_codes_reads_its_chinese_marked_so():
    stored = {"rule": "J-AGE", "source": "s", "outcome": "juvenile", "message": "行为时未满十八周岁"}
    with translation.override("en"):
        assert step_message(stored) == "行为时未满十八周岁"
        assert message_lang(stored) == "zh-Hans"
        row = trace_rows({"trace": [stored]})[0]
        assert row["message"] == "行为时未满十八周岁" and row["message_lang"] == "zh-Hans"
    # an unknown code (a message renamed since) falls back the same way
    stored["text"] = {"key": "no.such.code", "params": {}}
    with translation.override("en"):
        assert step_message(stored) == "行为时未满十八周岁"
        assert message_lang(stored) == "zh-Hans"


def test_a_masked_row_has_no_sentence_in_any_language():
    decision = evaluate(_facts(random.Random(1), 0), Policy(), AS_OF).to_dict()
    with translation.override("en"):
        rows = trace_rows(decision, masked=True)
    assert all("message" not in row and "text" not in row and "facts" not in row for row in rows)


def _day(rnd, lo, hi):
    return lo + dt.timedelta(days=rnd.randint(0, max(0, (hi - lo).days)))


def _maybe(rnd, p, value):
    return value if rnd.random() < p else None


def _facts(rnd, i):
    """A random case, every branch of the engine reachable; charge names in ASCII so that any Chinese in an
    English sentence is the engine's own words."""
    birth = _day(rnd, dt.date(1960, 1, 1), dt.date(2010, 1, 1))
    offense = _day(rnd, birth + dt.timedelta(days=365 * 14), min(birth + dt.timedelta(days=365 * 40), AS_OF))
    if rnd.random() < 0.2:
        offense = dt.date(birth.year + 18, birth.month, min(birth.day, 28)) + dt.timedelta(days=rnd.randint(-3, 3))
    charges = tuple(
        ChargeInfo(
            name=rnd.choice(["theft", "dangerous driving", "drug trafficking"]),
            statutory_max=_maybe(rnd, 0.9, rnd.choice(STATUTORY_MAX_KINDS)),
            statutory_max_months=rnd.choice([None, 6, 12, 36, 60, 120]),
            negligent=rnd.random() < 0.1, national_security=rnd.random() < 0.03, terrorism=rnd.random() < 0.03,
            organized_crime=rnd.random() < 0.03, drug=rnd.random() < 0.05, high_incidence=rnd.random() < 0.1,
            known=rnd.random() < 0.95,
        )
        for _ in range(rnd.choice([0, 1, 1, 1, 2, 3]))
    )
    sentence = _maybe(rnd, 0.9, Sentence(
        kind=rnd.choice(SENTENCE_KINDS), months=_maybe(rnd, 0.9, rnd.choice([1, 6, 12, 36, 59, 60, 61, 120])),
        suspended=rnd.random() < 0.3, probation_months=_maybe(rnd, 0.8, rnd.choice([6, 12, 24, 36]))))
    effective = _maybe(rnd, 0.9, _day(rnd, offense, offense + dt.timedelta(days=900)))
    completed = _maybe(rnd, 0.6, effective + dt.timedelta(days=rnd.randint(0, 2000)) if effective else None)
    events = tuple(Event(date=_day(rnd, offense, AS_OF + dt.timedelta(days=400)), kind=rnd.choice(EVENT_KINDS))
                   for _ in range(rnd.choice([0, 0, 0, 1, 2])))
    return CaseFacts(
        id=i, birth_date=_maybe(rnd, 0.97, birth), offense_date=_maybe(rnd, 0.97, offense),
        offense_start_date=_maybe(rnd, 0.2, offense - dt.timedelta(days=rnd.randint(0, 400))),
        main_conduct_before_18=rnd.choice([None, True, False]), charges=charges,
        disposition=rnd.choice(DISPOSITIONS), sentence=sentence, judgment_effective_date=effective,
        sentence_completed_date=completed, circumstances=frozenset(c for c in CIRCUMSTANCES if rnd.random() < 0.3),
        prior_convictions=rnd.choice([0, 0, 0, 1, 2]), community_service_hours=rnd.choice([0, 0, 10, 50, 100, 200]),
        events=events,
    )


def sealing_steps(count=3000):
    rnd = random.Random(20261202)
    for i in range(count):
        policy = Policy(mode=rnd.choice(MODES))
        as_of = AS_OF + dt.timedelta(days=rnd.randint(-3000, 3000))
        yield from evaluate(_facts(rnd, i), policy, as_of).trace


def check_steps(steps):
    """Each step: Chinese rendered by the web app = the engine's message; English without a Chinese word."""
    seen = set()
    for step in steps:
        data = step.to_dict()
        assert isinstance(step.text, Text), f"{step.rule}: {step.message} has no code"
        with translation.override("zh-hans"):
            assert step_message(data) == step.message
        with translation.override("en"):
            english = step_message(data)
        assert english and not CJK.search(english), f"{step.rule}: {english}"
        seen.add(data["text"]["key"])
    return seen


def test_every_sealing_step_reads_the_same_chinese_and_english_words():
    seen = check_steps(sealing_steps())
    assert len(seen) > 40  # the corpus reaches most of the engine's sentences


# --- the pages ------------------------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_files_reasons_read_in_the_pages_language(cast, login, settings, language):
    from django.urls import reverse

    from tests.cast import defendant_data, enter_case

    case, _ = enter_case(cast.clerk_a, defendants=[defendant_data()])  # an adult robbery: open, not eligible
    file = case.defendants.get().sealing_file
    assert not file.hidden
    client = login(cast.clerk_a)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    with translation.override(None):  # the request activates the page's language: not left behind for later tests
        page = client.get(reverse("sealing:file_detail", args=[file.pk])).content.decode()
    trace = file.decision["trace"]
    assert trace and all("text" in step for step in trace)
    with translation.override(language):
        shown = [step_message(step) for step in trace]
    for step, sentence in zip(trace, shown):
        assert escape(sentence) in page
        if language == "en":
            # the charge's name is data (the catalogue's Chinese name), not a word of the rules
            assert step["message"] not in page and not CJK.search(sentence.replace("抢劫罪", ""))
        else:
            assert sentence == step["message"]
    if language == "en":
        assert "18 or over at the time of the offence" in page


@pytest.mark.django_db
def test_a_trace_stored_before_the_codes_gains_them_quietly_on_its_next_evaluation(cast):
    from sealing import services
    from sealing.models import SealingFile
    from tests.cast import TODAY, defendant_data, enter_case

    case, _ = enter_case(cast.clerk_a, defendants=[defendant_data()])
    file = case.defendants.get().sealing_file
    coded = file.decision["trace"]
    old = [{k: v for k, v in step.items() if k != "text"} for step in coded]
    SealingFile.objects.filter(pk=file.pk).update(decision={**file.decision, "trace": old})
    history = file.history.count()
    services.evaluate_file(file.defendant, as_of=TODAY)
    file.refresh_from_db()
    assert file.decision["trace"] == coded  # the same sentences, with their codes
    assert file.history.count() == history  # not a change of the decision: no history row

@pytest.mark.django_db
def test_add_trace_codes_gives_old_traces_their_codes_and_leaves_a_changed_file(cast):
    from django.core.management import call_command

    from sealing.models import SealingFile
    from tests.cast import defendant_data, enter_case

    first, _ = enter_case(cast.clerk_a, defendants=[defendant_data()])
    second, _ = enter_case(cast.clerk_a, "（2024）粤0104刑初2号", defendants=[defendant_data(name="李四", serial=2)])
    files = [case.defendants.get().sealing_file for case in (first, second)]
    coded = {f.pk: f.decision["trace"] for f in files}
    for f in files:
        old = [{k: v for k, v in step.items() if k != "text"} for step in f.decision["trace"]]
        SealingFile.objects.filter(pk=f.pk).update(decision={**f.decision, "trace": old})
    # the second file's facts changed since its decision (its charge taken off), not evaluated yet
    changed = files[1]
    changed.defendant.charges.clear()
    history = {f.pk: f.history.count() for f in files}
    out = StringIO()
    call_command("add_trace_codes", "--batch-size", "1", stdout=out)
    assert "1 files given" in out.getvalue() and "1 left" in out.getvalue()
    kept, left = (SealingFile.objects.get(pk=f.pk) for f in files)
    assert kept.decision["trace"] == coded[kept.pk]  # the same sentences, with their codes
    assert all("text" not in step for step in left.decision["trace"])  # left for its next evaluation
    assert {f.pk: f.history.count() for f in files} == history  # no history row
    call_command("add_trace_codes", stdout=StringIO())  # again: nothing more to do
    assert SealingFile.objects.get(pk=kept.pk).decision["trace"] == coded[kept.pk]


# --- the query engine ---------------------------------------------------------------------------

QUERY_CHARGES = {"theft": frozenset({"property"}), "fraud": frozenset({"property", "fraud"}),
                 "assault": frozenset({"violence"}), "rape": frozenset({"sexual"}), "drugs": frozenset({"drug"}),
                 "embezzlement": frozenset({"corruption", "property"}), "unknown charge": frozenset(),
                 "odd": frozenset({"no_such_category"})}


def _query_calendar(day):
    """Weekdays, the first week of October off, a make-up Saturday or Sunday around it."""
    if day.month == 10 and day.day <= 7:
        return False
    if (day.month, day.day) in ((9, 28), (10, 11), (10, 12)) and day.weekday() >= 5:
        return True
    return day.weekday() < 5


_query_calendar.year_known = lambda year: 2022 <= year <= 2026


def _query_facts(rnd, i):
    """A random query request, every branch of the query engine reachable; labels, charges, basis codes and
    titles in ASCII so that any Chinese in an English sentence is the engine's own words."""
    from queries.rules import BasisInfo, QueryFacts, RecordInfo
    from queries.rules.facts import ANSWERING_AGENCIES, PURPOSES, RECORD_KINDS, RECORD_STATUSES, REQUESTERS

    requester = rnd.choice(REQUESTERS)
    purpose = "certificate" if requester in ("self", "guardian") and rnd.random() < 0.5 else rnd.choice(PURPOSES)
    records = tuple(
        RecordInfo(rnd.choice([f"R{i}-{j}", i * 10 + j]), rnd.choice(RECORD_STATUSES),
                   tuple(rnd.sample(sorted(QUERY_CHARGES), rnd.choice([0, 1, 1, 2, 3]))), rnd.choice(RECORD_KINDS),
                   rnd.choice(["", "", f"CASE-{i}-{j}"]))
        for j in range(rnd.choice([0, 0, 1, 1, 2, 3]))
    )
    code, basis = None, None
    roll = rnd.random()
    if roll < 0.7:
        categories = rnd.sample(["sexual", "violence", "property", "fraud", "corruption", "drug", "traffic",
                                 "no_such_category"], rnd.choice([0, 1, 2, 3]))
        basis = BasisInfo(rnd.choice(["MPL-62", "ACC-40"]), frozenset(categories),
                          rnd.choice(["", "Accounting Law art. 40"]))
        code = basis.code
    elif roll < 0.85:
        code = "NO-SUCH-BASIS"
    received = dt.date(2021, 1, 1) + dt.timedelta(days=rnd.randint(0, 365 * 7))
    if rnd.random() < 0.3:
        received = dt.date(rnd.randint(2021, 2027), 10, 1) + dt.timedelta(days=rnd.randint(-8, 3))
    return QueryFacts(id=i, requester=requester, purpose=purpose, received=received, legal_basis_code=code,
                      basis=basis, records=records, answering_agency=rnd.choice(ANSWERING_AGENCIES))


def query_steps(count=3000):
    from queries.rules import DeadlinePolicy, recommend

    rnd = random.Random(20261203)
    for i in range(count):
        policy = DeadlinePolicy(police_working_days=rnd.choice([1, 3, 5]), procuratorate_days=rnd.choice([3, 7]),
                                court_working_days=rnd.choice([2, 3]))
        yield from recommend(_query_facts(rnd, i), lambda name: QUERY_CHARGES.get(name, frozenset()),
                             _query_calendar, policy=policy).trace


def _keys(text):
    """The codes of a step's sentence and of the phrases nested in it."""
    found = {text["key"]}
    for value in text["params"].values():
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict) and "key" in item:
                found |= _keys(item)
    return found


def test_every_query_step_reads_the_same_chinese_and_english_words():
    steps = list(query_steps())
    seen = check_steps(steps)
    assert len(seen) > 20  # the corpus reaches most of the query engine's sentences
    nested = set().union(*(_keys(step.text.to_dict()) for step in steps))
    assert {"Q-DEADLINE.moved", "Q-DEADLINE.holidays", "Q-DEADLINE.makeup", "Q-DEADLINE.not_loaded",
            "Q.open.listed", "Q.open.unlisted", "Q-JUD.related", "Q-JUD.no_charges", "Q-SCOPE.open",
            "Q-SCOPE.undertaking", "Q.none", "list.join", "Q-UNIT.basis"} <= nested
    assert {"Q-CERT.none", "Q-CERT-OPEN.named", "Q-CERT-OPEN.counted", "Q-SELF-PURPOSE.refuse", "Q-JUD.sealed",
            "Q-JUD.none", "Q-JUD-GENERAL.general_recidivism", "Q-JUD-GENERAL.other_purpose", "Q-UNIT-NOBASIS.none",
            "Q-UNIT-NOBASIS.unknown", "Q-UNIT-RELEVANT.permit", "Q-UNIT-RELEVANT.no_record",
            "Q-UNIT-RELEVANT.none_relevant", "J-NONPROS-SCOPE.unit", "Q-UNIT-OPEN.listed", "Q-SCOPE.applies",
            "Q-DOCS.certificate", "Q-DOCS.refusal_notice", "Q-DOCS.listed_records", "Q-DOCS.no_record",
            "Q-DEADLINE.working_days", "Q-DEADLINE.calendar_days"} <= seen


def test_one_of_a_unit_reads_singular_in_english():
    step = TraceStep("J-X", "s", "applies", Msg("test.plural", "{a}个月，{b}小时", "{a} months, {b} hours")(a=1, b=11))
    with translation.override("en"):
        assert step_message(step.to_dict()) == "1 month, 11 hours"


def test_a_long_list_of_phrases_is_flat_however_long():
    """Four hundred records' phrases joined: no nesting as deep as the list (it once overflowed the stack)."""
    from sealing.rules import joined

    phrase = Msg("test.record", "记录{n}", "record {n}")
    step = TraceStep("Q-X", "s", "permit", joined([phrase(n=i) for i in range(2000)]))
    assert step.message.startswith("记录0；记录1；") and step.message.endswith("记录1999")
    with translation.override("en"):
        assert step_message(step.to_dict()).startswith("record 0; record 1; ")
