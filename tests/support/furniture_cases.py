"""Plain-text pages with every paragraph labelled: article text, or page furniture copied along with it.

Written here for measuring the plain-text furniture detector (``bench/furniture_eval.py`` and
``tests/test_inputs_furniture.py``); none is copied from the web. Each case is what a reader gets
by selecting a whole web page and pasting it into a text file: menus, cookie banners, bylines,
share bars, related links, comments and footers around the article. ``F`` marks furniture, ``A``
article text; some article paragraphs look like furniture on purpose (a short paragraph starting
with "Af", a one-line quote, a list in the article), since wrongly marked article text is the
costlier error: it is never translated unless a reviewer takes it back.
"""

from __future__ import annotations

from bilingual.documents import parse_text

F, A = True, False

CASES: dict[str, list[tuple[bool, str]]] = {
    "da-nyhed": [
        (F, "Gå til indhold"),
        (F, "Vi bruger cookies til at forbedre din oplevelse. Ved at fortsætte accepterer du vores cookiepolitik."),
        (F, "Accepter alle"),
        (A, "Regeringen vil bygge 10.000 nye boliger"),
        (F, "Af Mette Holm"),
        (F, "14.03.2026"),
        (A, "Regeringen fremlagde mandag en plan for at bygge 10.000 nye almene boliger i de store byer inden 2030."),
        (A, "Planen skal gøre det lettere for unge og familier med små indkomster at finde en bolig tæt på "
            "arbejde og uddannelse."),
        (F, "Læs også: Boligpriserne stiger igen i København"),
        (A, "Af hensyn til økonomien skal byggeriet ske i etaper."),
        (A, "Boligministeren forventer, at de første boliger står klar om to år."),
        (F, "Del artikel"),
        (F, "Relaterede artikler"),
        (F, "Nye regler for lejere træder i kraft"),
        (F, "Sådan søger du en almen bolig"),
        (F, "© 2026 Dagbladet Nord. Alle rettigheder forbeholdes."),
    ],
    "da-pressemeddelelse": [
        (F, "Forside"),
        (F, "Nyheder"),
        (F, "Pressemeddelelse"),
        (A, "Ny aftale styrker beredskabet i hele landet"),
        (F, "Publiceret 2. februar 2026"),
        (A, "Et bredt flertal i Folketinget er i dag blevet enige om at styrke beredskabet med 500 millioner kroner "
            "over de næste fire år."),
        (A, "Pengene går til nye køretøjer, flere frivillige og bedre uddannelse af de ansatte."),
        (A, "- Vi skal være klar, når krisen rammer, siger ministeren."),
        (A, "Aftalen omfatter:"),
        (A, "- 200 nye køretøjer"),
        (A, "- et nationalt center for frivillige"),
        (F, "Kontakt"),
        (F, "Presseafdelingen, telefon 33 92 33 00"),
        (F, "Tilmeld dig vores nyhedsbrev"),
    ],
    "da-blog": [
        (F, "Menu"),
        (A, "Derfor cykler danskerne mere end nogensinde"),
        (F, "Skrevet af Lars Ø. Nielsen"),
        (F, "Kategori: Transport"),
        (A, "Antallet af cykelture i de store byer er steget med en femtedel på fem år, viser nye tal fra "
            "Vejdirektoratet."),
        (A, "Især elcyklerne har fået flere til at cykle længere til arbejde."),
        (F, "Annonce"),
        (A, "Kommunerne har samtidig bygget flere supercykelstier mellem forstæderne og centrum."),
        (F, "Kommentarer"),
        (F, "Det er fantastisk, men hvad med os på landet?"),
        (F, "Enig, vi mangler også cykelstier herude."),
    ],
    "en-news": [
        (F, "Skip to main content"),
        (F, "We use cookies to give you the best experience on our website. Accept all cookies"),
        (A, "Denmark sends more troops to the Baltic"),
        (F, "By Anna Larsen"),
        (F, "Published 14 March 2026"),
        (F, "Share this"),
        (A, "The Danish government will send more soldiers to the Baltic states this year, the defence minister "
            "said on Monday."),
        (A, "The decision follows months of talks with the allies and has broad support in parliament."),
        (F, "Image caption: Danish soldiers during an exercise in Latvia"),
        (A, "\"We have to take responsibility for our region,\" the minister said."),
        (A, "By the end of the year, about 800 Danish soldiers will be stationed in the region."),
        (F, "Related stories"),
        (F, "Nato allies agree on new defence plans"),
        (F, "Advertisement"),
        (F, "Copyright 2026 The Northern Post"),
    ],
    "en-report": [
        (A, "Wind power supplied half of Denmark's electricity"),
        (F, "Print"),
        (A, "Wind turbines supplied more than half of the electricity used in Denmark last year, according to the "
            "national grid operator."),
        (A, "Offshore wind farms in the North Sea accounted for most of the growth."),
        (A, "Sources say the figure could rise to 70 percent by 2030."),
        (F, "Read more: How Denmark became a wind power nation"),
        (F, "Subscribe to our newsletter"),
        (F, "Leave a comment"),
        (F, "Great news for the climate!"),
        (F, "Home | About | Contact | Privacy policy"),
    ],
}


def measure(name: str, paragraphs: list[tuple[bool, str]]) -> tuple[int, int, int, int, list[str]]:
    """(furniture found, furniture in all, article wrongly marked, article in all, the misses) of one case."""
    doc = parse_text(case_text(paragraphs), name=name)
    if len(doc.paragraphs) != len(paragraphs):
        raise ValueError(f"{name}: {len(doc.paragraphs)} paragraphs read, {len(paragraphs)} labelled")
    found = wrong = 0
    misses = []
    for (is_furniture, text), paragraph in zip(paragraphs, doc.paragraphs, strict=True):
        marked = paragraph.furniture is not None
        found += is_furniture and marked
        wrong += (not is_furniture) and marked
        if is_furniture != marked:
            misses.append(f"{'missed' if is_furniture else 'WRONG '} {text[:60]!r}"
                          + (f" ({paragraph.furniture})" if marked else ""))
    furniture = sum(1 for f, _ in paragraphs if f)
    return found, furniture, wrong, len(paragraphs) - furniture, misses


def case_text(paragraphs: list[tuple[bool, str]]) -> str:
    """A case as the text file a reader would save: paragraphs separated by blank lines."""
    return "\n\n".join(text for _, text in paragraphs) + "\n"


# Written after the detector's rules were set, and not tuned on: a check that the figures above are
# not only the rules learning their own cases.
HELD_OUT: dict[str, list[tuple[bool, str]]] = {
    "da-lokalavis": [
        (F, "Spring til indhold"),
        (F, "Forside | Lokalt | Sport | Kultur"),
        (A, "Byrådet siger ja til ny skole i Vestbyen"),
        (F, "Af Karin Østergaard og Per Ravn"),
        (F, "Opdateret 3. marts 2026"),
        (A, "Et flertal i byrådet stemte tirsdag aften for at bygge en ny skole til 600 elever i Vestbyen."),
        (A, "Skolen skal stå klar i 2029 og erstatter to ældre skoler, som er for små."),
        (A, "Af de 31 medlemmer stemte 25 for forslaget."),
        (F, "Foto: Jens Bach"),
        (F, "Del på Facebook"),
        (F, "Mest læste"),
        (F, "Trafikken omlægges ved havnen"),
        (F, "Vi bruger cookies til statistik og til at huske dine valg. Læs mere i vores cookiepolitik."),
    ],
    "en-magazine": [
        (F, "Menu"),
        (A, "The quiet return of the Danish ferry"),
        (F, "By Tom Hughes"),
        (F, "Updated 9 January 2026"),
        (A, "Ferries that were once replaced by bridges are coming back to small Danish islands."),
        (A, "- Every island needs a way to the mainland that does not depend on one bridge, a mayor said."),
        (A, "The new boats run on batteries charged in the harbour overnight."),
        (F, "Share this article"),
        (F, "You may also like"),
        (F, "Ten islands worth a weekend"),
        (F, "Sign up for our weekly newsletter"),
        (F, "© 2026 Nordic Travel Media"),
    ],
}
