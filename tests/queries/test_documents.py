"""The PDF documents of RULES.md §4 (Q-CERT, Q-CERT-OPEN, Q-DOCS, Q-SCOPE), read back with pypdf.

Pure: no database. The crucial property is Q-CERT: a person whose records are all sealed gets
the same certificate as a person who never had one, so the two are compared here object by
object, operator by operator and text run by text run, with only the four personal values
(name, ID number, serial, date) set aside.
"""
import datetime as dt
import inspect
import io
import re
from pathlib import Path

import pypdf
import pytest
from fontTools.ttLib import TTFont
from fpdf import FPDF
from pypdf.generic import (
    ArrayObject,
    BooleanObject,
    ByteStringObject,
    DictionaryObject,
    FloatObject,
    IndirectObject,
    NameObject,
    NullObject,
    NumberObject,
    StreamObject,
    TextStringObject,
)

from common import documents as common_documents
from queries import documents
from queries.documents import (
    FONT_PATH,
    UnprintableText,
    cn_date,
    render_certificate,
    render_notification_letter,
    render_refusal,
)

AGENCY = "北京市公安局朝阳分局"

# Two people. Alice never had a record; Bob's records are all sealed, so the service asks for
# his certificate with exactly the same kind of inputs. Their values have the same shape
# (two-character names, 18-digit numbers, serials and dates of the same pattern), so that any
# difference in layout could only come from something other than the values themselves.
ALICE = dict(name="张伟", id_number="110105199003071234", serial="京公朝证〔2025〕000123号",
             issued=dt.date(2025, 3, 6), agency=AGENCY)
BOB = dict(name="李娜", id_number="320102200107154321", serial="京公朝证〔2025〕000456号",
           issued=dt.date(2025, 4, 8), agency=AGENCY)

RECORDS = [
    {"case_number": "（2019）京0105刑初1234号", "charges": ["故意伤害罪"],
     "disposition": "判处有期徒刑六个月，缓刑一年", "effective_date": dt.date(2019, 8, 1)},
    {"case_number": "（2021）京0105刑初88号", "charges": ["猥亵儿童罪", "寻衅滋事罪"],
     "disposition": "判处有期徒刑一年六个月", "effective_date": "2021年5月20日"},
]


def letter(**overrides):
    values = dict(requester="北京市朝阳区阳光幼儿园", subject_name=ALICE["name"],
                  subject_id_number=ALICE["id_number"], purpose="employment_screening",
                  legal_basis="《中华人民共和国未成年人保护法》第六十二条", records=[],
                  serial="京公朝函〔2025〕000007号", issued=ALICE["issued"], agency=AGENCY)
    values.update(overrides)
    return render_notification_letter(**values)


def reader(pdf: bytes) -> pypdf.PdfReader:
    return pypdf.PdfReader(io.BytesIO(pdf))


def text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in reader(pdf).pages)


def placeholders(value: str, person: dict) -> str:
    return (value.replace(person["name"], "{name}")
            .replace(person["id_number"], "{id}")
            .replace(person["serial"], "{serial}")
            .replace(cn_date(person["issued"]), "{date}"))


def text_runs(pdf: bytes, person: dict) -> list[list[tuple]]:
    """Per page: every piece of text with its position, matrix and font size."""
    pages = []
    for page in reader(pdf).pages:
        runs = []

        def visit(chunk, cm, tm, font, size, runs=runs):
            if chunk.strip():
                runs.append((placeholders(chunk, person), tuple(round(v, 2) for v in cm),
                             tuple(round(v, 2) for v in tm), round(size, 2)))

        page.extract_text(visitor_text=visit)
        pages.append(runs)
    return pages


def operators(pdf: bytes) -> list[list[tuple]]:
    """Per page: the content stream's operators with their operands; the glyph codes of
    text-showing operators are left out (their text is compared by `text_runs`)."""
    pdf_reader = reader(pdf)
    pages = []
    for page in pdf_reader.pages:
        ops = []
        for operands, op in pypdf.generic.ContentStream(page.get_contents(), pdf_reader).operations:
            if op in (b"Tj", b"TJ", b"'", b'"'):
                ops.append((op, "<text>"))
            else:
                ops.append((op, tuple(str(v) for v in operands)))
        pages.append(ops)
    return pages


def skeleton(value):
    """An object's shape: dictionary keys, names, references and types, not its strings and
    numbers (font subsets, widths, lengths, dates and the file ID follow from the values)."""
    if isinstance(value, IndirectObject):
        return ("ref", value.idnum)
    if isinstance(value, StreamObject):
        return ("stream", tuple((key, skeleton(value.raw_get(key))) for key in value.keys()
                                if key not in ("/Length", "/Length1")))
    if isinstance(value, DictionaryObject):
        return ("dict", tuple((key, skeleton(value.raw_get(key))) for key in value.keys()))
    if isinstance(value, ArrayObject):
        if all(isinstance(item, (NumberObject, FloatObject)) for item in value):
            return ("numbers",)
        return ("array", tuple(skeleton(item) for item in value))
    if isinstance(value, NameObject):
        return ("name", str(value))
    if isinstance(value, (TextStringObject, ByteStringObject)):
        return ("string",)
    if isinstance(value, (NumberObject, FloatObject)):
        return ("number",)
    if isinstance(value, (BooleanObject, NullObject)):
        return ("literal", repr(value))
    return (type(value).__name__,)


def structure(pdf: bytes):
    pdf_reader = reader(pdf)
    objects = []
    for number in range(1, pdf_reader.trailer["/Size"]):
        obj = pdf_reader.get_object(number)
        objects.append((number, type(obj).__name__, skeleton(obj)))
    trailer = {key: skeleton(pdf_reader.trailer.raw_get(key)) for key in pdf_reader.trailer}
    return objects, trailer


# --- (1) every document reads back: title, name, ID number -----------------------------------

@pytest.mark.parametrize("render, title", [
    (lambda: render_certificate(**ALICE), "无犯罪记录证明"),
    (lambda: render_refusal(**ALICE), "不予出具无犯罪记录证明通知书"),
    (lambda: letter(), "查询告知函"),
    (lambda: letter(records=RECORDS), "查询告知函"),
])
def test_document_reads_back_title_name_and_id_number(render, title):
    pdf = render()
    content = text(pdf)
    assert content.splitlines()[1] == title  # after the serial line
    assert ALICE["name"] in content
    assert ALICE["id_number"] in content  # never broken across lines
    assert AGENCY in content and cn_date(ALICE["issued"]) in content
    page = reader(pdf).pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)  # A4
    assert len(pdf) < 200_000


def test_certificate_wording():
    content = text(render_certificate(**ALICE))
    assert "编号：京公朝证〔2025〕000123号" in content
    assert ("经查询，截至2025年3月6日，未发现张伟（居民身份证号码：110105199003071234）有犯罪记录。"
            in content.replace("\n", ""))
    assert "封存" not in content and "用途" not in content  # purpose-neutral, says nothing of sealing


def test_refusal_names_no_record():
    content = text(render_refusal(**ALICE)).replace("\n", "")
    assert "经查询，张伟有犯罪记录，依照有关规定，不予出具无犯罪记录证明。" in content
    for word in ("封存", "案号", "罪名", "判处"):
        assert word not in content


# --- (2) Q-CERT: sealed records give the same certificate as no record ----------------------

def test_certificate_takes_nothing_that_could_reveal_sealing():
    parameters = inspect.signature(render_certificate).parameters
    assert list(parameters) == ["name", "id_number", "serial", "issued", "agency"]
    assert all(p.kind is inspect.Parameter.KEYWORD_ONLY for p in parameters.values())


def test_certificate_is_byte_identical_for_the_same_inputs():
    first = render_certificate(**BOB)
    assert render_certificate(**BOB) == first
    assert render_certificate(**dict(BOB)) == first
    metadata = reader(first).metadata
    assert metadata["/CreationDate"] == "D:20250408000000+08'00'"  # the issue date, not the clock


def test_certificate_for_sealed_records_is_the_certificate_for_no_record():
    alice, bob = render_certificate(**ALICE), render_certificate(**BOB)
    assert alice != bob

    # Same text, once the four personal values are replaced by placeholders.
    assert placeholders(text(alice), ALICE) == placeholders(text(bob), BOB)
    assert "{name}" in placeholders(text(alice), ALICE)

    # Same pages, same page size.
    pages_a, pages_b = reader(alice).pages, reader(bob).pages
    assert len(pages_a) == len(pages_b) == 1
    assert [list(map(float, p.mediabox)) for p in pages_a] == [list(map(float, p.mediabox)) for p in pages_b]

    # Same layout: every text run at the same place, in the same size.
    runs_a, runs_b = text_runs(alice, ALICE), text_runs(bob, BOB)
    assert runs_a == runs_b
    assert len(runs_a[0]) > 5

    # Same drawing operators with the same operands, text aside.
    assert operators(alice) == operators(bob)

    # Same objects, in the same order, with the same keys and references.
    assert structure(alice) == structure(bob)


def test_no_record_letter_is_the_same_for_sealed_and_never_recorded():
    # Q-UNIT-RELEVANT with no relevant record, or Q-JUD-GENERAL: the service passes no record.
    never = letter(subject_name=ALICE["name"], subject_id_number=ALICE["id_number"])
    sealed = letter(subject_name=ALICE["name"], subject_id_number=ALICE["id_number"], records=[])
    assert never == sealed


# --- (3) the 查询告知函 -------------------------------------------------------------------------

def test_letter_without_records_says_no_criminal_record_and_lists_nothing():
    content = text(letter()).replace("\n", "")
    assert "经查询，截至2025年3月6日，未发现张伟（居民身份证号码：110105199003071234）有犯罪记录。" in content
    for word in ("案号", "罪名", "处理结果", "封存", "不得泄露"):
        assert word not in content
    assert content.startswith("编号：京公朝函〔2025〕000007号查询告知函北京市朝阳区阳光幼儿园：")


def test_letter_lists_exactly_the_given_records_with_scope_and_confidentiality():
    content = text(letter(records=RECORDS)).replace("\n", "")
    assert re.findall(r"案号：(.+?)；", content) == ["（2019）京0105刑初1234号", "（2021）京0105刑初88号"]
    assert "一、案号：（2019）京0105刑初1234号；罪名：故意伤害罪；处理结果：判处有期徒刑六个月，缓刑一年；生效日期：2019年8月1日。" in content
    assert "二、案号：（2021）京0105刑初88号；罪名：猥亵儿童罪、寻衅滋事罪；" in content
    assert "未发现" not in content
    # purpose, legal basis, scope of use, duty of confidentiality
    assert "查询用途：从业资格审查。" in content
    assert "查询依据：《中华人民共和国未成年人保护法》第六十二条。" in content
    assert "上述信息仅限于从业资格审查用途使用。" in content
    assert "《中华人民共和国刑事诉讼法》第二百八十六条" in content
    assert "《关于未成年人犯罪记录封存的实施办法》" in content
    assert "不得泄露，不得用于其他用途。" in content


def test_letter_prints_an_uncatalogued_purpose_as_given_and_omits_a_missing_basis():
    content = text(letter(purpose="审查起诉", legal_basis=None, records=RECORDS[:1])).replace("\n", "")
    assert "查询用途：审查起诉。" in content and "上述信息仅限于审查起诉用途使用。" in content
    assert "查询依据" not in content
    assert re.findall(r"案号：(.+?)；", content) == ["（2019）京0105刑初1234号"]


def test_record_effective_date_may_come_as_effective_or_be_unknown():
    records = [dict(case_number="（2020）京0105刑初7号", charges=["盗窃罪"], disposition="拘役三个月",
                    effective=dt.date(2020, 6, 1)),
               dict(case_number="（2020）京0105刑初8号", charges="诈骗罪", disposition="罚金五千元",
                    effective=None)]
    content = text(letter(records=records)).replace("\n", "")
    assert "一、案号：（2020）京0105刑初7号；罪名：盗窃罪；处理结果：拘役三个月；生效日期：2020年6月1日。" in content
    assert "二、案号：（2020）京0105刑初8号；罪名：诈骗罪；处理结果：罚金五千元。" in content


def test_long_letter_runs_over_pages_with_the_signature_beside_text():
    records = [dict(RECORDS[0], case_number=f"（2019）京0105刑初{100 + n}号") for n in range(12)]
    pdf = letter(records=records)
    pages = [page.extract_text() for page in reader(pdf).pages]
    assert len(pages) > 1
    content = "".join(pages).replace("\n", "")
    assert len(re.findall(r"案号：", content)) == 12
    assert "十一、案号：（2019）京0105刑初110号" in content and "十二、案号" in content
    assert f"第 1 页　共 {len(pages)} 页" in pages[0]
    last = pages[-1]
    assert "特此函告。" in last and AGENCY in last  # the signature never stands alone
    assert letter(records=records) == pdf


# --- (4) the vendored font, embedded as a subset ------------------------------------------

def test_documents_use_the_vendored_font_only(monkeypatch):
    fonts_dir = Path(documents.__file__).resolve().parent / "fonts"
    assert FONT_PATH.parent == fonts_dir and FONT_PATH.is_file()
    assert (fonts_dir / "OFL.txt").is_file() and (fonts_dir / "README.md").is_file()

    added = []
    original = FPDF.add_font

    def spy(self, family=None, style="", fname=None, *args, **kwargs):
        added.append(fname)
        return original(self, family, style, fname, *args, **kwargs)

    monkeypatch.setattr(FPDF, "add_font", spy)
    common_documents._parsed_font.cache_clear()  # the font is read once per process: read it again here
    pdf = render_certificate(**ALICE)
    assert [Path(f).resolve() for f in added] == [FONT_PATH]
    assert render_certificate(**BOB) and len(added) == 1  # and every later document uses that reading

    # One font in the PDF: an embedded TrueType subset, no standard (system) font.
    page = reader(pdf).pages[0]
    fonts = page["/Resources"]["/Font"]
    assert len(fonts) == 1
    font = next(iter(fonts.values())).get_object()
    assert font["/Subtype"] == "/Type0" and font["/BaseFont"].startswith("/MPDFAA+NotoSansCJKSC")
    descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
    program = descriptor["/FontFile2"].get_object().get_data()
    embedded = TTFont(io.BytesIO(program))
    assert embedded["maxp"].numGlyphs < 120  # the glyphs this page draws, not the font's 31,000
    assert len(program) < 60_000


def test_vendored_font_covers_the_characters_of_names_and_documents():
    font = TTFont(FONT_PATH, lazy=True)
    cmap = font.getBestCmap()
    # CJK Unified Ideographs up to U+9FEF (U+9FF0-9FFF came after the font's Unicode version)
    assert all(code in cmap for code in range(0x4E00, 0x9FF0))
    assert all(code in cmap for code in range(0x3000, 0x3040))  # CJK punctuation
    assert all(code in cmap for code in range(0xFF01, 0xFF5F))  # full-width forms
    assert all(code in cmap for code in range(0x20, 0x7F))  # ASCII
    assert all(code in cmap for code in range(0xA0, 0x100) if code != 0xAD)  # Latin-1
    for char in "䶮𬌗·—…“”‘’《》【】〔〕①Ⅻ℃№":  # Ext-A and Ext-B names, punctuation, symbols
        assert ord(char) in cmap, char
    assert FONT_PATH.stat().st_size < 15_000_000


def test_text_the_font_cannot_draw_is_refused():
    with pytest.raises(UnprintableText, match="\ue000"):
        render_certificate(**dict(ALICE, name="张\ue000"))


def test_rare_name_characters_print():
    content = text(render_certificate(**dict(ALICE, name="王䶮𬌗")))
    assert "王䶮𬌗" in content


def _embedded(pdf: bytes) -> TTFont:
    font = next(iter(reader(pdf).pages[0]["/Resources"]["/Font"].values())).get_object()
    descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
    return TTFont(io.BytesIO(descriptor["/FontFile2"].get_object().get_data()))


def test_a_second_certificate_reuses_the_font_and_its_cut(monkeypatch):
    """Deciding a request renders a certificate: the font is parsed once per process and the embedded program
    cut once per set of glyphs drawn; a name never drawn before is cut afresh, so every character prints."""
    common_documents._parsed_font()  # read once in this process, whichever test came first
    reads = []
    original = FPDF.add_font
    monkeypatch.setattr(FPDF, "add_font", lambda self, *a, **k: reads.append(a) or original(self, *a, **k))
    program = common_documents._font_program
    program.cache_clear()
    first = render_certificate(**ALICE)
    before = program.cache_info()
    again = render_certificate(**ALICE)
    after = program.cache_info()
    assert again == first
    assert (after.hits - before.hits, after.misses - before.misses) == (1, 0)  # the cut reused, nothing redone
    assert reads == []  # the 10 MB font file is not parsed again for a document

    rare = render_certificate(**dict(BOB, name="欧阳䶮𬌗"))  # a name the cache never saw: cut again
    assert program.cache_info().misses == after.misses + 1
    cmap = _embedded(rare).getBestCmap()
    for char in "欧阳䶮𬌗":
        assert ord(char) in cmap, char
    assert ord("伟") not in cmap  # Alice's glyphs are not in Bob's certificate: each document embeds its own
    assert "欧阳䶮𬌗" in text(rare)


# --- (5) a refusal for the purpose says nothing of any record -------------------------------

def test_refusal_for_the_purpose_says_nothing_of_a_record():
    content = text(render_refusal(**ALICE, statement="purpose")).replace("\n", "")
    assert "不属于出具无犯罪记录证明的范围" in content and "可以申请开具无犯罪记录证明" in content
    for word in ("有犯罪记录", "封存", "案号", "罪名"):
        assert word not in content
    with pytest.raises(ValueError):
        render_refusal(**ALICE, statement="sealed_record")


def test_refusal_for_an_open_record_is_the_default_wording():
    assert render_refusal(**ALICE) == render_refusal(**ALICE, statement="open_record")


# --- (6) names the font cannot print ----------------------------------------------------------

@pytest.mark.parametrize("name, missing, printed", [
    ("阿依古丽・买买提", "", "阿依古丽·买买提"),  # katakana middle dot → U+00B7
    ("阿依古丽•买买提", "", "阿依古丽·买买提"),
    ("王䶮𬌗", "", "王䶮𬌗"),
    ("张三😀", "😀", "张三〓"),
    ("ئابدۇللا", "ئابدۇل", "〓" * 8),
])
def test_printable_normalises_middle_dots_and_marks_missing_characters(name, missing, printed):
    assert documents.unprintable(name) == missing
    assert documents.printable(name) == printed
    render_certificate(**dict(ALICE, name=documents.printable(name)))  # always prints


# --- (7) the re-examination opinion (复查意见书) -------------------------------------------------

def test_review_opinion_states_the_outcome_and_reasons():
    pdf = documents.render_review_opinion(
        addressee="张伟", subject_name="张伟", request_serial="CX-2025-000001", received=dt.date(2025, 3, 10),
        grounds_summary="申请人认为查询结果有误。", outcome="upheld", reasons="原答复认定事实清楚。",
        serial="FC-2025-000001", issued=dt.date(2025, 3, 20), agency=AGENCY)
    content = text(pdf).replace("\n", "")
    assert content.startswith("编号：FC-2025-000001复查意见书张伟：")
    assert "CX-2025-000001" in content and "2025年3月10日" in content and "予以维持" in content
    assert "理由：原答复认定事实清楚。" in content and AGENCY in content
    with pytest.raises(ValueError):
        documents.render_review_opinion(
            addressee="张伟", subject_name="张伟", request_serial="CX", received=dt.date(2025, 3, 10),
            grounds_summary="", outcome="maybe", reasons="", serial="FC", issued=dt.date(2025, 3, 20), agency=AGENCY)
