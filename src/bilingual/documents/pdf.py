"""PDF files: the text layer with pypdf, paragraphs rebuilt from lines, running heads and page numbers marked.

A PDF holds positioned lines, not paragraphs. Lines are read with their height on the page; a gap
wider than the page's usual line spacing, or a short line ending a sentence, ends a paragraph; a
paragraph cut by a page break goes on after the next page's header. Lines repeated at the top or
bottom of most pages (a running header or footer) and page numbers are kept as furniture in their
place. End-of-line hyphens are joined by ``bilingual.documents.hyphens``.
"""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from dataclasses import dataclass
from statistics import median_low

from bilingual.documents.core import DocumentError, DocumentMeta
from bilingual.documents.hyphens import join_lines, word_counts

PDF_SUFFIXES = (".pdf",)
NO_TEXT_LAYER = "no text layer (a scanned document?): run OCR first"
_PAGE_NUMBER = re.compile(r"^(side|page|s\.)?\s*[-–]?\s*\d{1,4}\s*[-–]?\s*((af|of|/)\s*\d{1,4})?$", re.IGNORECASE)
_SENTENCE_END = re.compile(r"""[.!?:;…"”’»)]$""")
# How many lines at each end of a page may be a running header or footer.
_EDGE_LINES = 2


@dataclass
class _Line:
    page: int
    y: float
    text: str
    size: float
    edge: str = ""  # "top" or "bottom": among the first or last lines of its page


def is_pdf(data: bytes, name: str = "") -> bool:
    """Whether a file is a PDF: by its suffix, else by its ``%PDF-`` start."""
    return name.lower().endswith(PDF_SUFFIXES) or data[:1024].lstrip().startswith(b"%PDF-")


def read_pdf(data: bytes, name: str) -> tuple[list[tuple[str, str | None]], DocumentMeta]:
    """The paragraphs of a PDF's text layer in order, each ``(text, furniture reason or None)``, and its metadata.

    An encrypted PDF that does not open without a password, one with no text layer, or a file pypdf
    cannot read is a DocumentError of one line.
    """
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    # pypdf logs what it repairs in a damaged file; the one line of the error says what matters
    logger = logging.getLogger("pypdf")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not _opens_without_password(reader):
            raise DocumentError(f"{name}: the PDF is encrypted (password-protected); save a copy without the "
                                "password and add that")
        lines = _page_lines(reader)
        info = reader.metadata
    except DocumentError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise DocumentError(f"{name}: not a readable PDF file ({' '.join(str(exc).split()) or type(exc).__name__})") \
            from exc
    finally:
        logger.setLevel(level)
    if not any(line.text.strip() for line in lines):
        raise DocumentError(f"{name}: {NO_TEXT_LAYER}")
    meta = DocumentMeta(title=_info(info, "title"), author=_info(info, "author"),
                        date=_pdf_date(_info(info, "creation_date_raw")), source_format="pdf")
    return paragraphs(lines), meta


def _opens_without_password(reader) -> bool:
    try:
        return bool(reader.decrypt(""))
    except Exception:  # noqa: BLE001 - AES without the optional crypto package, or a broken key: it does not open
        return False


def _info(info, attribute: str) -> str:
    try:
        value = getattr(info, attribute, None) if info is not None else None
    except Exception:  # noqa: BLE001 - a damaged info dictionary only loses the metadata
        return ""
    return " ".join(str(value).split()) if value else ""


def _pdf_date(raw: str) -> str:
    """``D:20260314093000+01'00'`` as ``2026-03-14``; empty when it is not a PDF date."""
    found = re.match(r"^(D:)?(\d{4})(\d{2})?(\d{2})?", raw)
    if not found:
        return ""
    year, month, day = found.group(2), found.group(3), found.group(4)
    return "-".join(part for part in (year, month, day) if part)


def _page_lines(reader) -> list[_Line]:
    """Every line of every page in pypdf's reading order, with its height on the page and font size.

    The pieces pypdf hands its visitor make up its extracted text, spaces included, so they are
    joined as they come and cut at its line breaks; a line's height is that of its first piece.
    """
    lines: list[_Line] = []
    for number, page in enumerate(reader.pages, 1):
        page_lines: list[_Line] = []
        current: list[str] = []
        where: list[tuple[float, float]] = []  # (height, size) of the current line's first visible piece

        def end_line(page_lines=page_lines, current=current, where=where, number=number) -> None:
            text = " ".join("".join(current).split())
            if text:
                y, size = where[0] if where else (0.0, 0.0)
                page_lines.append(_Line(number, y, text, size))
            current.clear()
            where.clear()

        def visit(text: str, cm, tm, font_dict, font_size, current=current, where=where, end_line=end_line) -> None:
            for k, piece in enumerate(text.split("\n")):
                if k:
                    end_line()
                if piece.strip() and not where:
                    # the text matrix times the current matrix: where the piece sits on the page
                    y = tm[5] * cm[3] + tm[4] * cm[1] + cm[5]
                    where.append((y, float(font_size or 0) * abs(tm[3] or 1)))
                current.append(piece)

        page.extract_text(visitor_text=visit)
        end_line()
        for line in page_lines[:_EDGE_LINES]:
            line.edge = "top"
        for line in page_lines[-_EDGE_LINES:]:
            line.edge = line.edge or "bottom"
        lines.extend(page_lines)
    return lines


def _shape(text: str) -> str:
    """A line with its numbers as ``#``: the running footer "Side 2 af 5" is the same line on every page."""
    return re.sub(r"\d+", "#", text.casefold())


def furniture_lines(lines: list[_Line]) -> dict[int, str]:
    """The running headers, footers and page numbers among the lines, by position: their reason."""
    pages = len({line.page for line in lines})
    seen = Counter((line.edge, _shape(line.text)) for line in lines if line.edge)
    reasons: dict[int, str] = {}
    for i, line in enumerate(lines):
        if not line.edge:
            continue
        if _PAGE_NUMBER.match(line.text):
            reasons[i] = "page number"
        elif pages > 1 and seen[(line.edge, _shape(line.text))] >= max(2, (pages + 1) // 2):
            reasons[i] = "page header" if line.edge == "top" else "page footer"
    return reasons


def paragraphs(lines: list[_Line]) -> list[tuple[str, str | None]]:
    """Lines into paragraphs: furniture lines alone in their place, the rest joined where they run on."""
    reasons = furniture_lines(lines)
    body = [line for i, line in enumerate(lines) if i not in reasons]
    spacing = _usual_spacing(body)
    counts = word_counts(line.text for line in body)
    out: list[tuple[str, str | None]] = []
    current: list[str] = []
    widest = max((len(line.text) for line in body), default=0)
    previous: _Line | None = None
    held: list[tuple[str, str | None]] = []  # furniture met inside a paragraph that runs on over a page break

    def close() -> None:
        if current:
            out.append((join_lines(current, counts), None))
            current.clear()
        out.extend(held)
        held.clear()

    for i, line in enumerate(lines):
        if i in reasons:
            (held if current else out).append((line.text, reasons[i]))
            continue
        if previous is not None and current and _breaks(previous, line, spacing, widest):
            close()
        current.append(line.text)
        previous = line
    close()
    return out


def _usual_spacing(lines: list[_Line]) -> float:
    """The document's usual distance between a line and the next on its page (the lower median).

    Lines inside paragraphs outnumber paragraph gaps, so the median is the line spacing; a page with
    few lines is judged by the others.
    """
    gaps = [a.y - b.y for a, b in zip(lines, lines[1:], strict=False) if a.page == b.page and a.y > b.y]
    return median_low(gaps) if gaps else 0.0


def _breaks(previous: _Line, line: _Line, spacing: float, widest: int) -> bool:
    """Whether ``line`` starts a new paragraph after ``previous``."""
    if line.text[:1].islower() and not _SENTENCE_END.search(previous.text):
        return False  # a sentence running on, over a line or a page break
    if line.page != previous.page:
        return bool(_SENTENCE_END.search(previous.text)) or not line.text[:1].islower()
    if spacing and previous.y - line.y > 1.4 * spacing:
        return True
    if abs(line.size - previous.size) > 1:
        return True  # a heading set in another size
    # a line ending a sentence well short of the column's width is the last line of its paragraph
    return bool(_SENTENCE_END.search(previous.text)) and len(previous.text) < 0.7 * widest
