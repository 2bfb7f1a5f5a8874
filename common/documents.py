"""The machinery every official document of the project shares, as PDF bytes: the vendored font, the
A4 page after GB/T 9704, line breaking, signature and date, and what a name the font cannot draw becomes.

The documents themselves live with their app (queries/documents.py: certificates and letters;
sealing/documents.py: sealing notices); each starts from ``_start`` and ends with ``finish``.

Every character is drawn with the vendored font (a subset of Noto Sans CJK SC, OFL; see
queries/fonts/README.md), never a system font; the PDF embeds only the glyphs it uses. Text the
font cannot draw raises `UnprintableText` rather than printing an empty box on an official
document.

Names the font cannot draw never block a decision: `printable(text)` writes the middle-dot variants
of minority names (・ ･ ‧ • ∙ ⋅) as the standard "·" (U+00B7) and every other character the font
lacks as the geta mark "〓", the typesetter's sign for a missing character; `unprintable(text)` lists
those characters so that intake can refuse them with a clear message.

Deterministic: the same inputs give the same bytes (creation date = the issue date, no clock, no
random document ID). Pure: no database, no settings.

The font is read once per process, not once per document: fpdf2 parses the whole 10 MB file for every
``add_font`` (about a second for its 31,000 glyphs) and subsets it in place when the PDF is written, so
each document gets its own light copy of one parsed font (`_document_font`), and its embedded program is
cut from the full font by `_font_program`, cached by the set of glyphs drawn: any character the font has
is printed whatever the text, and a document drawing the same glyphs again (a re-download, a letter
whose variable text is the same) subsets nothing.
"""
from __future__ import annotations

import datetime as dt
import re
import threading
from copy import copy
from functools import lru_cache
from io import BytesIO
from pathlib import Path

from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont
from fpdf.output import OutputProducer

# The one vendored font (a subset of Noto Sans CJK SC, OFL). It stays in queries/fonts, where it was vendored
# with its licence and README (and where the certificate tests pin it): a data file, not an import.
FONT_PATH = Path(__file__).resolve().parent.parent / "queries" / "fonts" / "NotoSansCJKsc-Regular-subset.ttf"
FONT_FAMILY = "NotoSansSC"

CST = dt.timezone(dt.timedelta(hours=8), "CST")

# Layout (mm, pt), after GB/T 9704 (official documents): A4, title 22 pt (二号), body 16 pt (三号).
MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 28, 26, 37, 35
SERIAL_Y = 22
TITLE_SIZE, BODY_SIZE, SERIAL_SIZE, NOTE_SIZE, FOOTER_SIZE = 22, 16, 12, 12, 10
BODY_LINE = 10  # mm between body baselines (≈ 28 pt, 22 lines a page)
SIGNATURE_GAP = 1.5 * BODY_LINE  # blank space above the agency's name
NOTE_LINE = 7
INDENT = "\u3000\u3000"  # first-line indent of two characters

# Line breaking: dates (2025年3月6日) and runs of Latin letters and digits (ID numbers, case
# numbers) stay whole;
# closing punctuation never starts a line (it hangs into the margin); opening punctuation
# never ends one (it moves down with what follows).
_TOKEN = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日|[0-9A-Za-z_\-./]+|.", re.S)
_CLOSING = set("，。、；：？！）》」』】〕〉”’…%％,.;:?!)]}")
_OPENING = set("（《「『【〔〈“‘([{")


class UnprintableText(ValueError):
    """Text with characters the vendored font has no glyph for."""


# Middle dots people type in minority names (阿依古丽・买买提); GB 18030 names write U+00B7.
MIDDLE_DOTS = {"\u30fb": "\u00b7", "\uff65": "\u00b7", "\u2027": "\u00b7", "\u2022": "\u00b7",
               "\u2219": "\u00b7", "\u22c5": "\u00b7", "\u0387": "\u00b7"}
MISSING_MARK = "\u3013"  # 〓 geta mark: a character the font cannot print


@lru_cache(maxsize=1)
def _font_codepoints() -> frozenset[int]:
    from fontTools.ttLib import TTFont

    font = TTFont(str(FONT_PATH), lazy=True)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


@lru_cache(maxsize=1)
def _parsed_font() -> TTFFont:
    """The vendored font as fpdf2 parses it (cmap, widths, glyph names), once per process; read-only from then
    on: documents take copies of it (`_document_font`) and never write it out themselves."""
    pdf = FPDF()
    pdf.add_font(FONT_FAMILY, "", str(FONT_PATH))
    font = pdf.fonts[FONT_FAMILY.lower()]
    font.ttfont.getGlyphOrder()  # the glyph names, derived from the cmap: the slow part of reading the font
    return font


def _document_font(pdf: FPDF) -> TTFFont:
    """One document's font: the parsed font's shared tables, with the document's own record of the glyphs it
    draws (fpdf2's SubsetMap) and of the characters the font lacks."""
    font = copy(_parsed_font())
    font.i = len(pdf.fonts) + 1
    font.biggest_size_pt = 0
    font.missing_glyphs = []
    font._hbfont = None
    font.subset = SubsetMap(font)
    return font


_SUBSET_LOCK = threading.Lock()
# Tables a PDF's embedded TrueType program does not use (fpdf2 drops them too when it writes the font).
_UNUSED_TABLES = ["FFTM", "GDEF", "GPOS", "GSUB", "MATH", "hdmx", "meta"]


@lru_cache(maxsize=256)
def _font_program(glyph_names: frozenset[str]) -> bytes:
    """The vendored font cut down to ``glyph_names``, as a TrueType file that keeps the glyphs' names (fpdf2
    finds the glyphs it drew by name). Cut from a fresh reading of the file, since fontTools subsets in place;
    the glyph order comes from the parsed font, so naming them costs nothing."""
    from fontTools import subset as ftsubset
    from fontTools.ttLib import TTFont

    full = TTFont(str(FONT_PATH), recalcTimestamp=False, lazy=True)
    try:
        full.setGlyphOrder(list(_parsed_font().ttfont.getGlyphOrder()))
        options = ftsubset.Options(notdef_outline=True, recommended_glyphs=True, glyph_names=True)
        options.drop_tables += _UNUSED_TABLES
        subsetter = ftsubset.Subsetter(options)
        subsetter.populate(glyphs=sorted(glyph_names))
        subsetter.subset(full)
        post = full["post"]
        if post.formatType != 2.0:  # the font derives its names from the cmap (format 3): write them out
            post.formatType, post.extraNames, post.mapping = 2.0, [], {}
        out = BytesIO()
        full.save(out)
        return out.getvalue()
    finally:
        full.close()


def _embedded_font(glyph_names: frozenset[str]):
    """A font object of the document's own, holding only its glyphs, for fpdf2 to subset (in place) and embed."""
    from fontTools.ttLib import TTFont

    with _SUBSET_LOCK:  # one cut at a time: two requests drawing the same new glyphs cut them once
        program = _font_program(glyph_names)
    return TTFont(BytesIO(program), recalcTimestamp=False)


class _OwnFontOutput(OutputProducer):
    """fpdf2's writer, given first each document font's own program of the glyphs drawn: it runs once the last
    footer and the page total are drawn, and fpdf2 then subsets that small program in place, never the parsed
    font the documents share (a glyph missing from the program makes fontTools raise, never a blank)."""

    def bufferize(self) -> bytearray:
        for font in self.fpdf.fonts.values():
            if isinstance(font, TTFFont) and Path(font.ttffile) == FONT_PATH:
                font.ttfont = _embedded_font(frozenset(font.subset.get_all_glyph_names()))
        return super().bufferize()


def normalize_name(text: str) -> str:
    """The name with its middle dot written as U+00B7, the form the font (and ID cards) use."""
    return "".join(MIDDLE_DOTS.get(char, char) for char in text)


def unprintable(text: str) -> str:
    """The characters of `text` (after normalize_name) the vendored font cannot draw, each once, in order."""
    codes = _font_codepoints()
    seen: dict[str, None] = {}
    for char in normalize_name(text):
        if char not in "\n\t" and ord(char) not in codes:
            seen.setdefault(char, None)
    return "".join(seen)


def printable(text: str) -> str:
    """`text` as the font can print it: middle dots normalised, any other missing character as 〓."""
    codes = _font_codepoints()
    return "".join(char if char in "\n\t" or ord(char) in codes else MISSING_MARK for char in normalize_name(text))


def cn_date(day: dt.date) -> str:
    """2024年5月1日 (Arabic numerals, as GB/T 9704 dates are written)."""
    return f"{day.year}年{day.month}月{day.day}日"


class _Document(FPDF):
    """An A4 official document in the vendored font, dated and stamped deterministically."""

    def __init__(self, *, title: str, agency: str, issued: dt.date):
        super().__init__(orientation="P", unit="mm", format="A4")
        self.set_margins(MARGIN_LEFT, MARGIN_TOP, MARGIN_RIGHT)
        self.set_auto_page_break(True, margin=MARGIN_BOTTOM)
        # what add_font(FONT_FAMILY, "", FONT_PATH) makes, without reading the 10 MB file again
        self.fonts[FONT_FAMILY.lower()] = _document_font(self)
        self.set_font(FONT_FAMILY, size=BODY_SIZE)
        # Metadata: nothing that changes from one run to the next.
        self.set_creation_date(dt.datetime.combine(issued, dt.time(0, 0), tzinfo=CST))
        self.set_title(title)
        self.set_author(agency)
        self.set_creator("Fengcun")
        self.set_producer("Fengcun")
        self.set_lang("zh-CN")
        self.alias_nb_pages("{nb}")
        self.doc_title = title

    # -- page furniture ---------------------------------------------------------------------

    def footer(self):
        self.set_y(-20)
        self.set_font(FONT_FAMILY, size=FOOTER_SIZE)
        self.cell(0, 6, f"第 {self.page_no()} 页　共 {{nb}} 页", align="C")

    # -- text -------------------------------------------------------------------------------

    @property
    def text_width(self) -> float:
        return self.w - self.l_margin - self.r_margin

    def wrap(self, text: str, width: float) -> list[str]:
        lines: list[str] = []
        line = ""
        for token in _TOKEN.findall(text):
            if token == "\n":
                lines.append(line)
                line = ""
                continue
            candidate = line + token
            if not line.strip("\u3000") or self.get_string_width(candidate) <= width:
                line = candidate
            elif token in _CLOSING:
                line = candidate  # hanging punctuation
            else:
                carry = ""
                while line and line[-1] in _OPENING:
                    carry, line = line[-1] + carry, line[:-1]
                lines.append(line)
                line = carry + token
        lines.append(line)
        return lines

    def paragraph(self, text: str, *, size: float = BODY_SIZE, line: float = BODY_LINE,
                  indent: bool = True):
        self.set_font(FONT_FAMILY, size=size)
        for row in self.wrap((INDENT if indent else "") + text, self.text_width):
            self.set_x(self.l_margin)
            self.cell(self.get_string_width(row), line, row)
            self.ln(line)

    def serial_line(self, serial: str):
        self.set_font(FONT_FAMILY, size=SERIAL_SIZE)
        self.set_xy(self.l_margin, SERIAL_Y)
        self.cell(self.text_width, 8, f"编号：{serial}", align="R")

    def title_block(self):
        self.set_font(FONT_FAMILY, size=TITLE_SIZE)
        self.set_xy(self.l_margin, MARGIN_TOP)
        self.cell(self.text_width, 14, self.doc_title, align="C")
        self.ln(14 + BODY_LINE / 2)

    def salutation(self, addressee: str):
        self.paragraph(f"{addressee}：", indent=False)

    def signature(self, agency: str, issued: dt.date):
        """Agency and date at the right: the date four characters from the right margin,
        the agency centred over it (GB/T 9704 署名 and 成文日期)."""
        self.set_font(FONT_FAMILY, size=BODY_SIZE)
        em = BODY_SIZE / self.k
        right = self.w - self.r_margin
        date_text = cn_date(issued)
        date_w = self.get_string_width(date_text)
        agency_w = self.get_string_width(agency)
        date_x = right - 4 * em - date_w
        agency_x = min(date_x + date_w / 2 - agency_w / 2, right - 2 * em - agency_w)
        agency_x = max(agency_x, self.l_margin)
        self.ln(SIGNATURE_GAP)
        self.set_x(agency_x)
        self.cell(agency_w, BODY_LINE, agency)
        self.ln(BODY_LINE)
        self.set_x(date_x)
        self.cell(date_w, BODY_LINE, date_text)
        self.ln(BODY_LINE)

    def closing(self, text: str, *, agency: str, issued: dt.date):
        """The last paragraph and the signature, kept on one page: the signature never
        stands alone on a page without text."""
        self.set_font(FONT_FAMILY, size=BODY_SIZE)
        rows = len(self.wrap(INDENT + text, self.text_width))
        if self.get_y() + rows * BODY_LINE + SIGNATURE_GAP + 2 * BODY_LINE > self.page_break_trigger:
            self.add_page()
        self.paragraph(text)
        self.signature(agency, issued)

    def notes(self, lines: list[str]):
        self.ln(BODY_LINE)
        for note in lines:
            self.paragraph(note, size=NOTE_SIZE, line=NOTE_LINE, indent=False)

    def finish(self) -> bytes:
        font = self.fonts[FONT_FAMILY.lower()]
        if font.missing_glyphs:
            chars = "".join(sorted({chr(code) for code in font.missing_glyphs}))
            raise UnprintableText(f"the vendored font has no glyph for: {chars}")
        return bytes(self.output(output_producer_class=_OwnFontOutput))


def _start(title: str, *, serial: str, agency: str, issued: dt.date) -> _Document:
    pdf = _Document(title=title, agency=agency, issued=issued)
    pdf.add_page()
    pdf.serial_line(serial)
    pdf.title_block()
    return pdf


_NUMERALS = "一二三四五六七八九十"


def _ordinal(index: int) -> str:
    """1 → 一, 10 → 十, 12 → 十二, 23 → 二十三 (list numbering in Chinese documents)."""
    if index <= 10:
        return _NUMERALS[index - 1]
    tens, units = divmod(index, 10)
    head = "十" if tens == 1 else _NUMERALS[tens - 1] + "十"
    return head + (_NUMERALS[units - 1] if units else "")
