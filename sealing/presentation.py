"""How decisions are shown: labels and colours for the trace's outcomes, the trace's sentences in the
reader's language (display only, no law here)."""
import re

from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.utils.translation import get_language, pgettext

from .rules.kernel import LIST_SEP, UNKNOWN_DATE, Text

OUTCOME_LABELS = {
    "juvenile": _("juvenile regime"),
    "adult": _("adult regime"),
    "seal": _("seal"),
    "sealed": _("sealed"),
    "eligible": _("eligible"),
    "not_eligible": _("not eligible"),
    "undetermined": _("fact missing"),
    "pending": _("pending"),
    "revoked": _("revoked"),
    "extended": _("extended"),
    "reduced": _("reduced"),
    "applies": _("applies"),
    "not_applicable": _("does not apply"),
    "no_effect": _("no effect"),
    "stays_sealed": _("stays sealed"),
    "review": _("to review"),
    "start": _("start date"),
    "period": _("period"),
    "remaining_months": _("remaining period"),
    "disposition": _("disposition"),
    "micro": _("micro crime"),
    "light": _("light crime"),
    "serious": _("serious crime"),
    "provisionally_sealed": _("provisionally sealed"),
    "observing": _("under observation"),
    "issue_certificate": _("issue the certificate"),
    "refuse": _("refuse"),
    "permit": _("permit disclosure"),
    "answer_no_record": _("answer: no record"),
    "certificate": _("certificate of no criminal record"),
    "refusal_notice": _("notice refusing the certificate"),
    "notification_letter": _("query notification letter"),
}
NEGATIVE = {"not_eligible", "revoked", "serious", "refuse"}
WARNING = {"undetermined", "pending", "review", "extended"}

STATUS_STYLES = {
    "sealed": "success", "provisionally_sealed": "info", "observing": "primary", "pending": "secondary",
    "undetermined": "warning", "not_eligible": "dark", "revoked": "danger", "unsealed": "danger",
}


def _words(msg) -> str:
    """A trace Msg's words in the active language: its English is the msgid, its code the context."""
    return pgettext(msg.key, msg.en)


def _text(data: dict) -> str:
    """A stored ``text`` rendered by the kernel's own renderer with the active language's words and dates."""
    def date(day) -> str:
        return _words(UNKNOWN_DATE) if day is None else date_format(day, "DATE_FORMAT")
    return Text.from_dict(data).render(_words, date, _words(LIST_SEP))


# The English templates count in the plural ("{months} months"); Chinese has no plural. One of a unit reads
# singular: "1 month", "1 working day".
ONE_OF_A_UNIT = re.compile(r"(?<![\d.,])1 (month|hour|day|working day|item|year)s\b")


def _english(sentence: str) -> str:
    return ONE_OF_A_UNIT.sub(r"1 \1", sentence)


def _sentence(step: dict) -> tuple[str, str | None]:
    """A stored step's sentence and its language: rendered from its code and parameters (``text``) in the
    reader's language (None: the page's); a step stored before the codes existed, or whose code is no longer
    known, reads its Chinese ``message`` as the engine wrote it ("zh-Hans")."""
    text = step.get("text")
    if isinstance(text, dict):
        try:
            sentence = _text(text)
        except (KeyError, ValueError, TypeError, IndexError):
            pass
        else:
            return (_english(sentence) if (get_language() or "").startswith("en") else sentence), None
    return step.get("message", ""), "zh-Hans"


def step_message(step: dict) -> str:
    """A stored trace step's sentence in the reader's language (`_sentence`)."""
    return _sentence(step)[0]


def message_lang(step: dict) -> str | None:
    """The language of what `step_message` gives: None when it follows the page, "zh-Hans" for a stored
    Chinese sentence."""
    return _sentence(step)[1]


def trace_rows(decision: dict, *, masked: bool = False) -> list[dict]:
    """The trace as the page shows it. ``masked`` (a hidden file read without a permit or a reason): the
    rule ids, sources and outcomes only; the messages and facts tell the sealed facts and are dropped."""
    rows = []
    for step in decision.get("trace", []):
        outcome = step.get("outcome", "")
        style = "danger" if outcome in NEGATIVE else "warning" if outcome in WARNING else "success"
        if masked:
            shown = {"rule": step.get("rule", ""), "source": step.get("source", "")}
        else:
            message, lang = _sentence(step)
            shown = {**step, "message": message, "message_lang": lang}
        rows.append({**shown, "label": OUTCOME_LABELS.get(outcome, outcome), "style": style})
    return rows


# The facts the rules name in a decision's ``missing`` (rules/engine.py, juvenile.py, adult.py), as the clerk
# knows them: the field's label on the case form, never the code.
MISSING_LABELS = {
    "birth_date": _("date of birth"),
    "offense_date": _("date of the last act"),
    "main_conduct_before_18": _("main criminal conduct before the 18th birthday"),
    "charges": _("charges"),
    "sentence": _("principal sentence"),
    "sentence.months": _("length of the sentence in months"),
    "sentence.probation_months": _("probation months"),
    "judgment_effective_date": _("judgment or decision effective"),
    "sentence_completed_date": _("sentence completed"),
}
CHARGE_FACT = re.compile(r"^charges\[(\d+)\]\.(statutory_max|statutory_max_months)$")


def missing_label(code: str) -> str:
    """A missing fact's name in the user's language: a charge's statutory maximum is named with the charge's
    place in the list; an unknown code reads "another fact" rather than the code."""
    label = MISSING_LABELS.get(code)
    if label is not None:
        return str(label)
    match = CHARGE_FACT.match(code or "")
    if match:
        return _("the statutory maximum of charge %(n)s") % {"n": int(match[1]) + 1}
    return str(_("another fact of the case"))


def missing_labels(codes) -> str:
    return pgettext("a list's separator", ", ").join(missing_label(code) for code in codes or ())
