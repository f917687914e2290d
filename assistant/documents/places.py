"""Place names: which province / city / county a text is about, from the gazetteer in ``knowledge/lexicons/places.txt``.

Why a gazetteer and not a model: the places are a closed public list, a clerk's question names them the same way a
notice does, and a trainer can add the centre's own districts to a text file. A region is a normalised path
("河南省/南阳市/卧龙区"), so "applies to" is a prefix test and two spellings of one place compare equal.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from assistant.config import PROJECT_ROOT

PLACES_FILE = PROJECT_ROOT / "knowledge" / "lexicons" / "places.txt"
MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
LEVELS = ("全国", "省", "市", "区县")
# a place name followed by these is a street, road or station named after it ("临汾路街道", "南京路")
_NOT_A_PLACE_AFTER = re.compile(r"(?:路|街|大道|大街|巷|胡同|里弄)")
# agency datelines name where a reporter filed, not where a policy applies ("新华社南宁2月18日电")
_DATELINE = re.compile(r"(?:新华社|中新社|中新网|人民网|新华网|央视网?|经济日报)[\u4e00-\u9fff]{2,5}?\d{1,2}月\d{1,2}日电")
_SUFFIX = re.compile(r"(?:省|市|地区|盟)$")


@dataclass(frozen=True)
class Place:
    path: str    # "河南省/南阳市"
    name: str    # "南阳市"
    level: str   # "省" / "市" / "区县"


@dataclass(frozen=True)
class Mention:
    surface: str
    start: int
    paths: tuple[str, ...]  # more than one when the name is shared (各地的“鼓楼区”)


def parent(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def related(a: str, b: str) -> bool:
    """Whether one region contains the other (or they are the same): a province's rule applies in its cities."""
    return bool(a and b) and (a == b or a.startswith(b + "/") or b.startswith(a + "/"))


def level_of(path: str) -> str:
    """省 / 市 / 区县 of a region path; "" for no path."""
    if not path:
        return ""
    parts = path.split("/")
    if len(parts) == 1:
        return "省"
    if len(parts) == 2 and parts[0] not in MUNICIPALITIES:
        return "市"
    return "区县"


class Gazetteer:
    """Every place and the names it is written as; ``mentions`` finds them left to right, longest name first."""

    def __init__(self, lines: list[str]):
        self.places: dict[str, Place] = {}
        self.names: dict[str, list[str]] = {}
        self.stop: set[str] = set()  # words that contain a place name but are none ("延长春节", "孙中山")
        for raw in lines:
            line = raw.split("#", 1)[0].strip()
            if not line or ":" not in line:
                continue
            head, body = (s.strip() for s in line.split(":", 1))
            if head == "非地名":
                self.stop.update(body.split())
                continue
            prefix = "" if head == "全国" else self._resolve_head(head)
            for entry in body.split():
                self._add(prefix, entry)
        names = sorted({*self.names, *self.stop}, key=len, reverse=True)
        self.pattern = re.compile("|".join(map(re.escape, names))) if names else None

    def _resolve_head(self, head: str) -> str:
        if head in self.places:
            return head
        for path in self.names.get(head, []):
            return path
        return head  # a parent the file has not listed: still a usable prefix

    def _add(self, prefix: str, entry: str) -> None:
        full_only = entry.endswith("!")
        entry = entry.rstrip("!")
        m = re.fullmatch(r"([^()（）]+)[(（]([^)）]*)[)）]", entry)
        name, aliases = (m.group(1), [a for a in re.split(r"[,，、]", m.group(2)) if a]) if m else (entry, [])
        path = f"{prefix}/{name}" if prefix else name
        self.places[path] = Place(path, name, level_of(path))
        surfaces = [name, *aliases]
        county = level_of(path) == "区县"
        short = _SUFFIX.sub("", name)
        if not full_only and not county and short != name and len(short) >= 2:
            surfaces.append(short)
        for s in surfaces:
            paths = self.names.setdefault(s, [])
            if path not in paths:
                paths.append(path)

    def mentions(self, text: str) -> list[Mention]:
        if self.pattern is None or not text:
            return []
        text = _DATELINE.sub(lambda m: "#" * len(m.group(0)), unicodedata.normalize("NFKC", text))
        out = []
        for m in self.pattern.finditer(text):
            if m.group(0) not in self.names or _NOT_A_PLACE_AFTER.match(text, m.end()):
                continue
            out.append(Mention(m.group(0), m.start(), tuple(self.names[m.group(0)])))
        return out

    def resolve(self, weighted: list[tuple[Mention, float]]) -> str:
        """The one region the mentions point at: the best province, then its best city, then county, if clear.

        A level is only descended when one child leads and carries at least half of its parent's weight (two cities
        named equally, or a city named in passing in a province's notice: the province is the region).
        Shared names count for the candidate whose province the other mentions already favour.
        """
        score: dict[str, float] = {}

        def credit(path: str, w: float) -> None:
            while path:
                score[path] = score.get(path, 0.0) + w
                path = parent(path)

        for m, w in weighted:
            if len(m.paths) == 1:
                credit(m.paths[0], w)
        for m, w in weighted:
            if len(m.paths) > 1:
                best = max(m.paths, key=lambda p: score.get(p.split("/")[0], 0.0))
                if score.get(best.split("/")[0], 0.0) > 0:
                    credit(best, w)
        region = ""
        while True:
            children = [(p, s) for p, s in score.items() if parent(p) == region]
            if not children:
                return region
            children.sort(key=lambda ps: -ps[1])
            if len(children) > 1 and children[1][1] >= children[0][1]:
                return region
            if region and children[0][1] < 0.5 * score[region]:  # a city named in passing in a province's notice
                return region
            region = children[0][0]

    def regions_in(self, text: str) -> list[str]:
        """Every distinct region a short text (a question) names, each resolved on its own, in order of mention."""
        out: list[str] = []
        mentions = self.mentions(text)
        for m in mentions:
            if len(m.paths) > 1:
                others = [p for o in mentions if o is not m and len(o.paths) == 1 for p in o.paths]
                pick = [p for p in m.paths if any(related(p, o) for o in others)]
                if len(pick) != 1:
                    continue
                path = pick[0]
            else:
                path = m.paths[0]
            out = [r for r in out if not (r != path and path.startswith(r + "/"))]  # "河南省南阳市": keep the finer
            if not any(r == path or r.startswith(path + "/") for r in out):
                out.append(path)
        return out


@lru_cache(maxsize=4)
def gazetteer(path: Path = PLACES_FILE) -> Gazetteer:
    """The shipped gazetteer (cached); a missing file gives an empty one, so retrieval simply ignores places."""
    try:
        return Gazetteer(path.read_text(encoding="utf-8").splitlines())
    except OSError:
        return Gazetteer([])


def normalise_region(value: str, gz: Gazetteer | None = None) -> str:
    """A trainer's or setting's region ("甘肃省", "江西 南昌", "江西省/南昌市") as the path the store keeps.

    "全国" / "national" mean no place; an unknown name is kept as written (slash-joined), so nothing is lost.
    """
    value = unicodedata.normalize("NFKC", value or "").strip()
    if value in ("", "全国", "national", "国家"):
        return ""
    gz = gz or gazetteer()
    parts = [p for p in re.split(r"[/\s>,，、]+", value) if p]
    found = gz.regions_in("".join(parts))
    if len(found) == 1:
        return found[0]
    return "/".join(parts)
