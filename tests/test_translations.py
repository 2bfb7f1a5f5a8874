"""Both catalogues are complete, compiled, and cover every string the code marks for translation."""
import shutil
import subprocess
from pathlib import Path

import polib
import pytest

from tests.services import require

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ["zh_Hans", "en"]


DOMAINS = ["django", "djangojs"]


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("locale", LOCALES)
def test_catalogue_is_complete(locale, domain):
    po = polib.pofile(str(ROOT / "locale" / locale / "LC_MESSAGES" / f"{domain}.po"))
    assert len(po) > (100 if domain == "django" else 0)
    assert po.untranslated_entries() == [] and po.fuzzy_entries() == []


@pytest.mark.parametrize("domain", DOMAINS)
@pytest.mark.parametrize("locale", LOCALES)
def test_compiled_catalogue_matches_source(locale, domain):
    folder = ROOT / "locale" / locale / "LC_MESSAGES"
    po = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in polib.pofile(str(folder / f"{domain}.po"))}
    mo = {(e.msgctxt, e.msgid): e.msgstr or e.msgstr_plural for e in polib.mofile(str(folder / f"{domain}.mo"))}
    assert {k: v for k, v in po.items() if v} == {k: v for k, v in mo.items() if k[1]}


def test_the_admins_javascript_speaks_chinese():
    """Every string the admin's scripts translate (Django's own, not marked in our code) has a Chinese
    translation, in Django's catalogue or ours (locale/zh_Hans/LC_MESSAGES/djangojs.po): a Django upgrade that
    brings a new one fails here rather than on a page."""
    import re

    import django.contrib.admin

    admin = Path(django.contrib.admin.__file__).parent
    used = set()
    for script in [*admin.glob("static/admin/js/*.js"), *admin.glob("static/admin/js/admin/*.js")]:
        text = script.read_text(encoding="utf-8")
        used |= {m.group(1) for m in re.finditer(r"(?<![pn])gettext\(\s*'((?:[^'\\]|\\.)*)'", text)}
    translated = set()
    for po in (admin / "locale/zh_Hans/LC_MESSAGES/djangojs.po", ROOT / "locale/zh_Hans/LC_MESSAGES/djangojs.po"):
        translated |= {e.msgid for e in polib.pofile(str(po)) if e.translated() and "fuzzy" not in e.flags}
    assert "Choose all %s" in used  # the scan reads the scripts
    assert sorted(used - translated) == []


def test_no_string_is_missing_from_the_catalogue(tmp_path):
    """xgettext over the code finds no msgid that the zh_Hans catalogue lacks."""
    require(shutil.which("xgettext") is not None, "needs GNU gettext (apt-get install gettext)")
    known = {e.msgid for e in polib.pofile(str(ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"))}
    sources = [
        str(p) for p in ROOT.glob("*/**/*.py")
        if not any(part in {".venv", "tests", "migrations", "bench"} for part in p.relative_to(ROOT).parts)
    ]
    out = tmp_path / "py.pot"
    subprocess.run(
        ["xgettext", "--language=Python", "--from-code=UTF-8", "--keyword=_", "--keyword=gettext_lazy",
         "--keyword=gettext", "--keyword=gettext_noop", "--keyword=ngettext:1,2", "--keyword=pgettext:1c,2",
         # the aliases the code uses too (oversight/views_instruments.py: gettext_noop as N)
         "--keyword=N", "--keyword=_gettext", "--keyword=pgettext_lazy:1c,2", "--keyword=ngettext_lazy:1,2",
         # common.worklist.counted(singular, plural, count): the work list's notes, through ngettext
         "--keyword=counted:1,2",
         # sealing.rules.kernel.Msg(code, chinese, english): the trace sentences, the code as context
         "--keyword=Msg:1c,3",
         "-o", str(out), *sources],
        check=True,
    )
    found = {e.msgid for e in polib.pofile(str(out))} - {""}
    assert found - known == set()
