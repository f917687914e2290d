"""Place and validity in ranking: the passage read out must be the rule of the asked place, in force today.

Why a re-order and not a filter: documents with no region (or national ones) apply everywhere and stay in place; a
passage from another place goes below every passage that applies, so it can only be the top passage when nothing
that applies was found, and it is then marked (``Hit.place_match``) so the reply can say so instead of quoting it.
Passages of repealed or lapsed documents keep their rank and are marked (``Hit.validity``, ``Hit.quotable``). Without a place in the question, the centre's own
region (``Settings.region``) stands in for it, with no preference between local and national documents.
"""
from __future__ import annotations

from datetime import date

from assistant.documents.jurisdiction import DocumentMeta, status_on
from assistant.documents.places import gazetteer, normalise_region, related
from assistant.retrieval.model import Hit

NOT_IN_FORCE = ("expired", "repealed", "pending")


def question_places(query: str) -> list[str]:
    """The regions a question names, as paths ("河南省/南阳市"); [] when it names none."""
    return gazetteer().regions_in(query)


def home_region(setting: str) -> str:
    return normalise_region(setting) if setting else ""


def place_match(region: str, level: str, places: list[str], text: str = "") -> str:
    """same / national / unknown / named / other for a document's region against the asked places ("" if none).

    "named": the document is filed under another place but this passage names the asked one (news of Shanghai's
    doctors in Wuhan, a national notice's paragraph on one province); measured on NCPQA, such passages answer
    questions about the named place, so they are not pushed down.
    """
    if not places:
        return ""
    if level == "全国":
        return "national"
    if not region:
        return "unknown"
    if any(related(region, p) for p in places):
        return "same"
    named = gazetteer().regions_in(text) if text else []
    return "named" if any(related(n, p) for n in named for p in places) else "other"


def annotate(hit: Hit, places: list[str], today: date | None) -> Hit:
    """Fill the hit's validity on ``today`` and how its region relates to ``places``."""
    meta = DocumentMeta(hit.region, hit.level, hit.effective_from, hit.valid_until, hit.validity, hit.replaced_by)
    hit.validity = status_on(meta, today)
    hit.place_match = place_match(hit.region, hit.level, places, f"{hit.title}\n{hit.text}")
    return hit


def reorder(hits: list[Hit], *, same_first: bool, only_top: bool = False) -> list[Hit]:
    """Stable re-sort: another place's passages go below every passage that applies here.

    Validity does not move a passage: when the one passage that answers is from a repealed document, the clerk must
    hear "this rule was repealed (replaced by …)", not an unrelated current passage; ``Hit.quotable`` says so.

    ``only_top``: only the first passage must apply here; later ones keep their fused order (marked).
    ``same_first``: when the question itself names the place, that place's own documents also go before national
    and unknown ones (a city's notice is the specific rule; the national one is the frame).
    """
    if only_top and not same_first:  # the best passage that applies goes first; the rest keep their ranks
        first = next((i for i, h in enumerate(hits) if h.place_match != "other"), None)
        return hits if not first else [hits[first], *hits[:first], *hits[first + 1:]]

    def key(item: tuple[int, Hit]) -> tuple[int, int, int]:
        i, h = item
        return (h.place_match == "other", int(same_first and h.place_match in ("national", "unknown", "named")), i)

    return [h for _, h in sorted(enumerate(hits), key=key)]
