"""Input fixtures written here, none copied from the web: a web page, a Danish release as a PDF, a Word file.

The PDF is drawn with pypdf alone (already a dependency): a page is a content stream of text lines
in Helvetica with the WinAnsi encoding, which holds æ, ø and å. The Word file is made with python-docx,
its footnote part added by hand since python-docx writes none.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

ARTICLE_HTML = """<!DOCTYPE html>
<html lang="da"><head><meta charset="utf-8">
<title>Regeringen styrker forsvaret i Østersøen | Nyhedsbrevet</title>
<meta name="author" content="Søren Ågård">
<meta property="og:site_name" content="Nyhedsbrevet">
<meta property="article:published_time" content="2026-03-14T09:30:00+01:00">
</head><body>
<div id="cookie-banner" class="cookie-consent"><p>Vi bruger cookies for at forbedre din oplevelse på vores
hjemmeside. Læs vores cookiepolitik.</p><button>Accepter alle</button><button>Afvis</button></div>
<header><nav class="main-nav"><ul><li><a href="/">Forside</a></li><li><a href="/indland">Indland</a></li>
<li><a href="/udland">Udland</a></li><li><a href="/kultur">Kultur</a></li></ul></nav></header>
<main><article>
<h1>Regeringen styrker forsvaret i Østersøen</h1>
<p class="byline">Af Søren Ågård, 14. marts 2026</p>
<div class="share-bar"><a href="#">Del på Facebook</a> <a href="#">Del på X</a> <a href="#">Send som e-mail</a></div>
<p>Regeringen vil sende flere soldater til de baltiske lande i år. Det oplyste forsvarsministeren på et
pressemøde mandag formiddag på Christiansborg.</p>
<p>Beslutningen kommer efter måneders forhandlinger med de allierede i NATO, og den får bred opbakning i
Folketinget, hvor kun to partier stemte imod.</p>
<h2>Flere penge til øvelser</h2>
<p>Ifølge aftalen skal der bruges 1,2 milliarder kroner ekstra på øvelser og udstyr i de kommende fem år.
Pengene går blandt andet til nye fartøjer og til uddannelse af værnepligtige.</p>
<p>»Vi står i en alvorlig sikkerhedspolitisk situation, og vi må tage ansvar for vores nærområde,« sagde
ministeren, der understregede, at Danmark vil bidrage både til lands, til vands og i luften.</p>
</article>
<aside class="related"><h3>Relaterede artikler</h3><ul>
<li><a href="/a1">Ny aftale om forsvarets økonomi er på plads efter lange forhandlinger</a></li>
<li><a href="/a2">Sådan ser Danmarks bidrag til NATO ud i 2026</a></li></ul></aside>
<section id="comments" class="comments"><h3>Kommentarer (2)</h3>
<div class="comment"><p class="comment-author">Jens Ølgaard</p><p>Det var på tide, at der skete noget. Jeg håber,
at pengene bliver brugt fornuftigt denne gang.</p></div>
<div class="comment"><p class="comment-author">Åse Møller</p><p>Hvorfor hører vi ikke mere om, hvad det koster
for kommunerne?</p></div>
</section></main>
<footer class="site-footer"><p>© 2026 Nyhedsbrevet · Redaktør: Karen Æbelø · Alle rettigheder forbeholdes.</p>
<p><a href="/kontakt">Kontakt</a> · <a href="/om">Om os</a></p></footer>
</body></html>
"""
ARTICLE_PARAGRAPHS = [
    "Regeringen styrker forsvaret i Østersøen",
    "Regeringen vil sende flere soldater til de baltiske lande i år. Det oplyste forsvarsministeren på et "
    "pressemøde mandag formiddag på Christiansborg.",
    "Beslutningen kommer efter måneders forhandlinger med de allierede i NATO, og den får bred opbakning i "
    "Folketinget, hvor kun to partier stemte imod.",
    "Flere penge til øvelser",
    "Ifølge aftalen skal der bruges 1,2 milliarder kroner ekstra på øvelser og udstyr i de kommende fem år. "
    "Pengene går blandt andet til nye fartøjer og til uddannelse af værnepligtige.",
    "»Vi står i en alvorlig sikkerhedspolitisk situation, og vi må tage ansvar for vores nærområde,« sagde "
    "ministeren, der understregede, at Danmark vil bidrage både til lands, til vands og i luften.",
]
# What the page holds beside the article, each with the reason it is furniture.
PAGE_FURNITURE = {
    "Accepter alle": "cookie banner", "Forside": "navigation", "Af Søren Ågård, 14. marts 2026": "byline",
    "Del på Facebook Del på X Send som e-mail": "share bar", "Relaterede artikler": "related links",
    "Sådan ser Danmarks bidrag til NATO ud i 2026": "related links", "Jens Ølgaard": "comments",
    "Hvorfor hører vi ikke mere om, hvad det koster for kommunerne?": "comments",
    "Kontakt · Om os": "footer",
}
NO_ARTICLE_HTML = """<!DOCTYPE html><html><head><title>Forside</title></head><body>
<nav><ul><li><a href="/">Forside</a></li><li><a href="/nyheder">Nyheder</a></li></ul></nav>
<div id="app"></div><script>render()</script></body></html>"""

# A Danish release over two pages: a running header and a page number on each, hyphenated line ends.
RELEASE_HEADER = "Forsvarsministeriet · Pressemeddelelse"
RELEASE_PAGES: list[list[str]] = [
    [
        "Aftale om nye sikkerheds-",  # joined: sikkerhedsstyrker
        "styrker i Østersøen",
        "",
        "Regeringen og et bredt flertal i Folketinget har i dag indgået en aftale om at",
        "styrke forsvaret af Østersøen. Aftalen omfatter nye fartøjer, flere værneplig-",
        "tige og et tættere samarbejde med de nordiske lande.",
        "",
        "Forsvarsministeren udtaler, at aftalen er et vigtigt skridt for Danmarks",
        "sikkerhed. Samarbejdet i EU-",  # kept: EU-samarbejdet
        "samarbejdet og i NATO skal styrkes, og sikkerheds- og forsvarspolitikken",  # kept: a suspended hyphen
        "skal samles i ét ministerium.",
    ],
    [
        "Aftalen træder i kraft den 1. juli 2026. De nye sikkerhedsstyrker skal være",
        "klar til at løse opgaver i hele Østersøregionen inden udgangen af året.",
        "",
        "Yderligere oplysninger fås hos ministeriets presseafdeling på telefon",
        "33 92 33 20.",
    ],
]
RELEASE_PARAGRAPHS = [
    "Aftale om nye sikkerhedsstyrker i Østersøen",
    "Regeringen og et bredt flertal i Folketinget har i dag indgået en aftale om at styrke forsvaret af "
    "Østersøen. Aftalen omfatter nye fartøjer, flere værnepligtige og et tættere samarbejde med de nordiske lande.",
    "Forsvarsministeren udtaler, at aftalen er et vigtigt skridt for Danmarks sikkerhed. Samarbejdet i "
    "EU-samarbejdet og i NATO skal styrkes, og sikkerheds- og forsvarspolitikken skal samles i ét ministerium.",
    "Aftalen træder i kraft den 1. juli 2026. De nye sikkerhedsstyrker skal være klar til at løse opgaver i hele "
    "Østersøregionen inden udgangen af året.",
    "Yderligere oplysninger fås hos ministeriets presseafdeling på telefon 33 92 33 20.",
]


def _pdf_text(text: str) -> bytes:
    raw = text.encode("cp1252")
    return b"(" + raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)") + b")"


def _page_stream(lines: list[str], header: str, footer: str, size: float = 11, leading: float = 14) -> bytes:
    ops = [b"BT", b"/F1 9 Tf", b"72 800 Td", _pdf_text(header) + b" Tj", b"ET", b"BT",
           f"/F1 {size} Tf {leading} TL 72 760 Td".encode()]
    for line in lines:
        # a blank line is a paragraph's gap: one more line down
        ops.append(b"T*" if not line else _pdf_text(line) + b" Tj T*")
    ops += [b"ET", b"BT", b"/F1 9 Tf", b"290 40 Td", _pdf_text(footer) + b" Tj", b"ET"]
    return b"\n".join(ops)


def write_pdf(path: Path, pages: list[list[str]] | None = None, header: str = RELEASE_HEADER,
              password: str | None = None, text_layer: bool = True) -> Path:
    """A PDF of text pages (the release by default), each with a running header and its page number.

    ``text_layer=False`` draws only a grey box on the page, as a scan without OCR has no text;
    ``password`` encrypts the file (RC4-128: pypdf writes it without the optional cryptography package).
    """
    from pypdf import PdfWriter
    from pypdf.generic import ContentStream, DictionaryObject, NameObject

    pages = RELEASE_PAGES if pages is None else pages
    writer = PdfWriter()
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica"),
                             NameObject("/Encoding"): NameObject("/WinAnsiEncoding")})
    font_ref = writer._add_object(font)
    for number, lines in enumerate(pages, 1):
        page = writer.add_blank_page(595, 842)
        page[NameObject("/Resources")] = DictionaryObject({NameObject("/Font"): DictionaryObject(
            {NameObject("/F1"): font_ref})})
        data = _page_stream(lines, header, f"Side {number} af {len(pages)}") if text_layer else \
            b"0.8 g 72 72 451 698 re f"
        stream = ContentStream(None, writer)
        stream.set_data(data)
        page[NameObject("/Contents")] = writer._add_object(stream)
    if password is not None:
        writer.encrypt(user_password=password, algorithm="RC4-128")
    with path.open("wb") as out:
        writer.write(out)
    return path


DOCX_HEADING = "Nyt samarbejde om grøn omstilling"
DOCX_PARAGRAPHS = [
    "Kommunerne og regionerne går sammen om en fælles plan for den grønne omstilling af transporten.",
    "Planen skal være færdig inden sommerferien, oplyser formanden for udvalget.",
]
DOCX_TABLE = [["Område", "Beløb i mio. kr."], ["Cykelstier", "120"], ["Elbusser", "340"]]
DOCX_FOOTNOTE = "Tallene stammer fra finansloven for 2026 og er afrundede."


def write_docx(path: Path) -> Path:
    """A Word file with a heading, two paragraphs, a table and a footnote on the second paragraph."""
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.opc.packuri import PackURI
    from docx.opc.part import Part
    from docx.oxml.ns import qn
    from lxml import etree

    document = docx.Document()
    document.add_heading(DOCX_HEADING, level=1)
    document.add_paragraph(DOCX_PARAGRAPHS[0])
    second = document.add_paragraph(DOCX_PARAGRAPHS[1])
    reference = second.add_run()._r
    ref = etree.SubElement(reference, qn("w:footnoteReference"))
    ref.set(qn("w:id"), "1")
    table = document.add_table(rows=len(DOCX_TABLE), cols=2)
    for r, row in enumerate(DOCX_TABLE):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
    w = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
    footnotes = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:footnotes xmlns:w="{w}">'
                 '<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>'
                 '<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r>'
                 '</w:p></w:footnote>'
                 f'<w:footnote w:id="1"><w:p><w:r><w:t xml:space="preserve">{DOCX_FOOTNOTE}</w:t></w:r></w:p>'
                 "</w:footnote></w:footnotes>")
    part = Part(PackURI("/word/footnotes.xml"),
                "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml",
                footnotes.encode("utf-8"), document.part.package)
    document.part.relate_to(part, RELATIONSHIP_TYPE.FOOTNOTES)
    document.core_properties.author = "Mette Ærø"
    document.core_properties.title = "Grøn omstilling"
    document.core_properties.created = datetime(2026, 2, 3, 10, 0, tzinfo=UTC)
    document.save(str(path))
    return path
