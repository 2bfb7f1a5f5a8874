"""The trace's sentences in the translation catalogues.

Each `Msg` of the rules (sealing.rules, queries.rules) is one entry of locale/*/django.po: its code the
context, its English the msgid; the zh_Hans translation is its Chinese, the en one its English. The rules
hold the words; this keeps the catalogues equal to them (``manage.py trace_messages --write`` after a change,
tests/test_trace_text.py fails while they differ).
"""
from __future__ import annotations

from pathlib import Path

from django.conf import settings

LOCALES = {"zh_Hans": "zh", "en": "en"}
TRACE_COMMENT = "trace message (sealing/trace_catalogue.py)"


def messages() -> dict:
    """Every Msg of both engines, by code (importing the packages defines them)."""
    import queries.rules  # noqa: F401
    import sealing.rules  # noqa: F401
    from sealing.rules.kernel import MESSAGES

    return dict(MESSAGES)


def _entries(wanted: dict) -> set[tuple[str, str]]:
    """The (context, msgid) of each trace sentence: what the catalogues must hold, and all of theirs they may."""
    return {(msg.key, msg.en) for msg in wanted.values()}


def _catalogue(locale: str) -> Path:
    return Path(settings.BASE_DIR) / "locale" / locale / "LC_MESSAGES" / "django.po"


def differences() -> list[str]:
    """What the catalogues lack or say otherwise than the rules, one line each (empty when they agree)."""
    import polib

    found = []
    wanted = messages()
    current = _entries(wanted)
    for locale, attribute in LOCALES.items():
        po = polib.pofile(str(_catalogue(locale)))
        entries = {(e.msgctxt, e.msgid): e for e in po if not e.obsolete}
        for key, msg in sorted(wanted.items()):
            entry = entries.get((key, msg.en))
            if entry is None:
                found.append(f"{locale}: {key} is missing")
            elif entry.msgstr != getattr(msg, attribute):
                found.append(f"{locale}: {key} reads {entry.msgstr!r}, the rules {getattr(msg, attribute)!r}")
        for (context, msgid), entry in entries.items():
            if entry.comment == TRACE_COMMENT and (context, msgid) not in current:
                found.append(f"{locale}: {context} ({msgid!r}) is no longer a message of the rules")
    return found



def write() -> int:
    """Make both catalogues say what the rules say, compile them; returns how many entries changed."""
    import polib

    changed = 0
    wanted = messages()
    current = _entries(wanted)
    for locale, attribute in LOCALES.items():
        path = _catalogue(locale)
        po = polib.pofile(str(path), wrapwidth=0)
        for entry in list(po):
            if entry.comment == TRACE_COMMENT and (entry.msgctxt, entry.msgid) not in current:
                po.remove(entry)
                changed += 1
        entries = {(e.msgctxt, e.msgid): e for e in po}
        for key, msg in sorted(wanted.items()):
            text = getattr(msg, attribute)
            entry = entries.get((key, msg.en))
            if entry is None:
                po.append(polib.POEntry(msgctxt=key, msgid=msg.en, msgstr=text, comment=TRACE_COMMENT))
                changed += 1
            elif entry.msgstr != text or entry.comment != TRACE_COMMENT:
                entry.msgstr, entry.comment = text, TRACE_COMMENT
                entry.flags = [f for f in entry.flags if f != "fuzzy"]
                changed += 1
        po.save(str(path))
        po.save_as_mofile(str(path.with_suffix(".mo")))
    return changed
