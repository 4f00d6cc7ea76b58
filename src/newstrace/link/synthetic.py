"""A synthetic news corpus with known ground truth, for benchmarking and testing linking.

Many fictional outlets cover a stream of stories. Each story has a place, a topic and a
few *origin statements* (an origin source says a figure on a date). Outlets publish
three kinds of article about a story:

* ``report``: independent reporting from the origins, in the outlet's own words;
* ``copy``: another outlet's report syndicated nearly verbatim (new headline, a word or
  two changed, the last paragraphs sometimes cut, sometimes only the first five or six
  kept) with a credit: a dateline ``CITY (Outlet) —`` or an end line "This story was
  originally published by Outlet."; a quarter of copies relay an earlier copy (keeping
  its credit), and their original is still the report;
* ``rewrite``: a report retold in new words that cites it ("according to a report by X
  that cited Y"); not a copy.

Wording comes from templates and synonym lists, and every story draws its topic words
from a shared pool and its filler from a shared everyday vocabulary, so stories overlap
in words but are told apart by their names (place, people, organisations).

Everything is deterministic for a seed and streamed: :func:`generate` yields
``(doc_id, Article, Truth)`` in publication order (ids ascending), holding only the
stories still running (a few days' worth), so 100,000 articles take under a minute and little
memory.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta

from newstrace.models import Article

START = date(2025, 1, 1)
#: Share of copies made from another copy (a relay) rather than from the report itself;
#: the relay keeps the credit to the report's outlet, so its original is still the report.
RELAY_SHARE = 0.25

_SYLLABLES = (
    "mar ro wick tes sa ly cal der ra ves land quay bel or an thor ven kel dor mis tal "
    "bra ne sil ga rin hol mo pra dun fen lu ste cor vi nar bes tro gal em ril osk "
    "par wen tam zo har lin cas ul ber gen tor ma ki sel dra ven ash"
).split()
_FIRST = (
    "Agnes Tomas Lena Oskar Mira Jonas Petra Ivo Hana Rafael Nadia Emil Sofia Karel Irena "
    "Viktor Ada Milan Ruth Pavel Elena Marek Dora Anton Clara Felix Greta Lukas Vera Otto"
).split()
_ORG_KINDS = (
    "Port Authority", "Ministry of Transport", "Fire Service", "City Council", "Health Board",
    "Police Department", "Water Company", "Energy Agency", "Chamber of Commerce", "Teachers Union",
    "Coast Guard", "Environment Agency", "Rail Operator", "Housing Office", "Hospital Trust",
)
_ROLES = ("spokesperson", "director", "chief", "deputy head", "press officer", "manager", "official")
_OUTLET_A = (
    "Harbor Northern Coastal Daily Evening Morning Valley River Capital Metro Island Western "
    "Eastern Central Southern Highland Lakeside Border Union Citizen Free"
).split()
_OUTLET_B = (
    "Wire Ledger Courier Gazette Post Tribune Herald Bulletin Observer Chronicle Times Dispatch "
    "Record Journal Standard Mirror Sentinel Examiner Monitor Review"
).split()

#: topic -> (event nouns, what the figure counts, verbs for the event)
_TOPICS = {
    "leak": (["leak", "spill", "release"], "people evacuated", ["leaked", "escaped", "spilled"]),
    "fire": (["fire", "blaze", "inferno"], "homes damaged", ["broke out", "spread", "raged"]),
    "flood": (["flood", "flooding", "deluge"], "households affected", ["swept", "inundated", "hit"]),
    "strike": (["strike", "walkout", "stoppage"], "workers on strike", ["began", "spread", "continued"]),
    "budget": (["budget", "spending plan", "budget proposal"], "million in cuts", ["passed", "stalled", "was approved"]),
    "outbreak": (["outbreak", "infection cluster", "epidemic"], "cases confirmed", ["spread", "grew", "emerged"]),
    "crash": (["crash", "collision", "derailment"], "passengers injured", ["happened", "occurred", "took place"]),
    "protest": (["protest", "demonstration", "rally"], "people marched", ["drew", "filled", "gathered"]),
    "blackout": (["blackout", "power cut", "outage"], "customers without power", ["hit", "left", "spread"]),
    "tram": (["tram extension", "rail line", "transit plan"], "million budgeted", ["was backed", "advanced", "won approval"]),
}
_SAY = ["said", "told reporters", "said in a statement", "confirmed", "announced", "stated", "reported"]
_SAY_INDIRECT = ["said that", "told reporters that", "stated that", "confirmed that", "announced that"]
_ACCORDING = ["according to", "citing", "quoting", "as reported by", "based on figures from"]
_ABOUT = ["about", "around", "roughly", "some", "nearly", "at least", "more than", "up to"]
_WHEN = ["on Monday", "late on Tuesday", "early on Wednesday", "on Thursday", "on Friday evening",
         "over the weekend", "overnight", "earlier this week", "on Sunday morning"]
#: Everyday words every story shares (a Zipf-ish head that is not in any stopword list).
_COMMON = (
    "officials residents city local government area police public community report "
    "workers authorities service emergency investigation statement safety region national "
    "families hospital minister council building morning evening crews response plan "
    "situation damage cause support agency measures information experts question"
).split()
_FILLER = [
    "{C} in {place} were {adv} {verb2} as {crews} {worked} through the {time}.",
    "The {ev} {happened} near {landmark}, {a} {C} said, and {C} {were} still {checking} the {C}.",
    "{Person2} of the {org2} {said2} the {C} would {review} the {C} and the {C} in coming days.",
    "Many {C} {remained} {uncertain} about the {C}, while {C} {asked} for more {C}.",
    "It was the {ord} such {ev} in {place} since {year}, when {n2} {C} were affected.",
    "{crews_cap} {arrived} {quickly} and {C} {set} up a {C} center near {landmark}.",
    "Local {C} have {long} {warned} about {C} and {C} in the {area}.",
    "The {org} {plans} to publish a full {C} by the end of the month, {a} {C} said.",
    "{Person2} {called} the {ev} {adj} and {urged} {C} to {follow} {C} advice.",
    "Schools and shops near {landmark} {stayed} closed as {C} {assessed} the {C}.",
]
_WORDS = {
    "adv": ["briefly", "quickly", "temporarily", "partly", "largely"],
    "verb2": ["moved", "warned", "sheltered", "relocated", "advised"],
    "crews": ["emergency crews", "rescue teams", "engineers", "volunteers", "inspectors"],
    "worked": ["worked", "labored", "pressed on", "continued", "kept going"],
    "time": ["night", "day", "afternoon", "weekend", "morning"],
    "happened": ["happened", "occurred", "started", "began", "unfolded"],
    "a": ["a", "one", "another", "a senior", "a local"],
    "were": ["were", "remained", "stayed", "appeared"],
    "checking": ["checking", "inspecting", "reviewing", "assessing", "examining"],
    "said2": ["said", "stated", "argued", "noted", "insisted"],
    "review": ["review", "examine", "study", "check", "audit"],
    "remained": ["remained", "stayed", "felt", "seemed"],
    "uncertain": ["uncertain", "worried", "anxious", "unsure", "angry"],
    "asked": ["asked", "called", "pressed", "pushed"],
    "ord": ["first", "second", "third", "worst", "largest"],
    "arrived": ["arrived", "responded", "deployed", "came"],
    "quickly": ["quickly", "within minutes", "promptly", "soon after"],
    "set": ["set", "put", "opened", "built"],
    "long": ["long", "repeatedly", "often", "for years"],
    "warned": ["warned", "complained", "raised concerns", "spoken"],
    "area": ["area", "district", "neighborhood", "quarter", "zone"],
    "plans": ["plans", "intends", "expects", "promised"],
    "called": ["called", "described", "labeled", "branded"],
    "adj": ["serious", "avoidable", "worrying", "unacceptable", "regrettable"],
    "urged": ["urged", "asked", "encouraged", "told"],
    "follow": ["follow", "heed", "respect", "obey"],
    "stayed": ["stayed", "remained", "were kept", "were"],
    "assessed": ["assessed", "surveyed", "inspected", "measured"],
}
_LEAD = [
    "{A} {ev} {verb} in {place} {when}, and {n} {counted}, {src} {say}.",
    "{src_cap} {say} {n} {counted} after {a_ev} {ev} {verb} in {place} {when}.",
    "{n_cap} {counted} after {a_ev} {ev} {verb} in {place} {when}, {acc} {src}.",
    "In {place}, {a_ev} {ev} {verb} {when}; {src} {say} {n} {counted}.",
]
_ORIGIN = [
    "{src_cap} {sayi} {n} {counted} as of {odate}.",
    "{n_cap} {counted} by {odate}, {acc} {src}.",
    "On {odate}, {src} {sayi} the count had reached {n} {counted}.",
    "\u201cWe now count {n} {counted},\u201d {person} of the {org} {say} on {odate}.",
    "{person}, a {role} for the {org}, {sayi} {n} {counted} by {odate}.",
]
_REWRITE = [
    "{n_cap} {counted} in {place}, according to a report by {outlet} that cited {src}.",
    "{outlet} reported that {src} put the number at {n} {counted} in {place}.",
    "As first reported by {outlet}, {src} {sayi} {n} {counted}.",
    "{src_cap} told {outlet} that {n} {counted} after the {ev} in {place}.",
    "Citing {src}, {outlet} said {n} {counted} following the {ev}.",
]
_TITLE = [
    "{Ev} in {place}: {n} {counted}",
    "{n_cap} {counted} as {ev} hits {place}",
    "{Place} {ev}: {org} says {n} {counted}",
    "{ev_cap} {verb} in {place}, {org} says",
    "What we know about the {place} {ev}",
    "{Place} reels after {ev}",
]


@dataclass
class Truth:
    """What a generated article is: ``kind`` (report, copy, rewrite), its ``story``, the
    id of the ``original`` it copies (copies only), the report a rewrite ``cites``, the
    claim groups it reports (one per origin statement) and the origins themselves."""

    doc_id: int
    kind: str
    story: int
    original: int | None = None
    cites: int | None = None
    claim_groups: list[int] = field(default_factory=list)
    origins: list[tuple[str, str, str]] = field(default_factory=list)


@dataclass
class _Origin:
    group: int
    source: str
    person: str
    org: str
    figure: int
    day: date


@dataclass
class _Story:
    sid: int
    place: str
    landmark: str
    topic: str
    orgs: list[str]
    people: list[str]
    origins: list[_Origin]
    start: date


def _name(rng: random.Random, parts: int) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(parts)).capitalize()


def _fmt_n(n: int) -> str:
    return f"{n:,}"


def outlets(count: int, seed: int = 0) -> list[tuple[str, str]]:
    """``count`` distinct outlet names and their web hosts."""
    rng = random.Random(f"outlets-{seed}")
    pairs = [(a, b) for a in _OUTLET_A for b in _OUTLET_B]
    rng.shuffle(pairs)
    out = []
    for i in range(count):
        a, b = pairs[i % len(pairs)]
        name = f"{a} {b}" if i < len(pairs) else f"{a} {b} {_name(rng, 2)}"
        out.append((name, name.lower().replace(" ", "") + ".example"))
    return out


class _Writer:
    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def fill(self, template: str, **slots: str) -> str:
        rng = self.rng

        class _Slots(dict):  # type: ignore[type-arg]
            def __missing__(self, key: str) -> str:
                if key == "C":
                    return rng.choice(_COMMON)
                return rng.choice(_WORDS[key])

        text = template
        # "{C}" appears many times and must vary: expand one at a time
        while "{C}" in text:
            text = text.replace("{C}", rng.choice(_COMMON), 1)
        return text.format_map(_Slots(slots))


def _story(rng: random.Random, sid: int, start: date, group_base: int) -> _Story:
    place = _name(rng, rng.choice((2, 3)))
    orgs = [f"{place} {k}" for k in rng.sample(_ORG_KINDS, 3)]
    people = [f"{rng.choice(_FIRST)} {_name(rng, 2)}" for _ in range(3)]
    topic = rng.choice(sorted(_TOPICS))
    origins = []
    for k in range(rng.randint(2, 4)):
        org = orgs[k % len(orgs)]
        person = people[k % len(people)]
        origins.append(
            _Origin(group_base + k, rng.choice((org, person)), person, org,
                    rng.choice((rng.randint(12, 99), rng.randint(100, 990), rng.randint(1000, 9000))),
                    start + timedelta(days=rng.randint(0, 2)))
        )
    landmark = f"{_name(rng, 2)} {rng.choice(('Street', 'Bridge', 'Square', 'Quay', 'Park', 'Station'))}"
    return _Story(sid, place, landmark, topic, orgs, people, origins, start)


def _slots(w: _Writer, st: _Story, o: _Origin) -> dict[str, str]:
    rng = w.rng
    evs, counted, verbs = _TOPICS[st.topic]
    ev = rng.choice(evs)
    n = f"{rng.choice(_ABOUT)} {_fmt_n(o.figure)}"
    src = o.source if o.source == o.person else f"the {o.org}"
    return {
        "ev": ev, "Ev": ev.capitalize(), "ev_cap": ev.capitalize(), "A": "A" if ev[0] not in "aeiou" else "An",
        "a_ev": "a" if ev[0] not in "aeiou" else "an", "verb": rng.choice(verbs), "place": st.place,
        "Place": st.place, "when": rng.choice(_WHEN), "n": n, "n_cap": n[0].upper() + n[1:],
        "counted": counted, "src": src, "src_cap": src[0].upper() + src[1:], "say": rng.choice(_SAY),
        "sayi": rng.choice(_SAY_INDIRECT), "acc": rng.choice(_ACCORDING), "odate": o.day.strftime("%B %-d"),
        "person": o.person, "org": o.org, "role": rng.choice(_ROLES), "landmark": st.landmark,
        "Person2": rng.choice(st.people), "org2": rng.choice(st.orgs), "year": str(rng.randint(1990, 2020)),
        "n2": _fmt_n(rng.randint(10, 900)), "crews_cap": rng.choice(_WORDS["crews"]).capitalize(),
    }


def _report(w: _Writer, st: _Story, outlet: str) -> tuple[str, list[str]]:
    rng = w.rng
    first = st.origins[0]
    s = _slots(w, st, first)
    title = w.fill(rng.choice(_TITLE), **s)
    paras = [w.fill(rng.choice(_LEAD), **s)]
    if rng.random() < 0.5:
        paras[0] = f"{st.place.upper()} ({outlet}) \u2014 " + paras[0]
    body: list[str] = []
    for o in st.origins:
        body.append(w.fill(rng.choice(_ORIGIN), **_slots(w, st, o)) + " " + w.fill(rng.choice(_FILLER), **s))
    for _ in range(rng.randint(5, 8)):
        body.append(w.fill(rng.choice(_FILLER), **s) + " " + w.fill(rng.choice(_FILLER), **s))
    rng.shuffle(body)
    return title, paras + body


def _rewrite(w: _Writer, st: _Story, cited_outlet: str) -> tuple[str, list[str]]:
    rng = w.rng
    s = _slots(w, st, st.origins[0])
    title = w.fill(rng.choice(_TITLE), **s)
    paras = []
    for o in st.origins:
        paras.append(w.fill(rng.choice(_REWRITE), **_slots(w, st, o), outlet=cited_outlet))
    for _ in range(rng.randint(3, 6)):
        paras.append(w.fill(rng.choice(_FILLER), **s) + " " + w.fill(rng.choice(_FILLER), **s))
    return title, paras


_SYNONYMS = {
    "said": "stated", "officials": "authorities", "residents": "locals", "near": "close to",
    "about": "around", "quickly": "rapidly", "people": "persons", "after": "following",
}


def _syndicate(w: _Writer, st: _Story, title: str, paras: list[str], orig_outlet: str) -> tuple[str, list[str]]:
    rng = w.rng
    paras = list(paras)
    cut = rng.random()
    if len(paras) > 6 and cut < 0.15:  # cut down to its first paragraphs
        paras = paras[: rng.randint(5, 6)]
    elif len(paras) > 6 and cut < 0.5:  # trimmed for space
        paras = paras[: len(paras) - rng.randint(1, 2)]
    for _ in range(rng.randint(0, 2)):  # light edits: a word swapped here and there
        i = rng.randrange(len(paras))
        words = paras[i].split(" ")
        for j, word in enumerate(words):
            if word in _SYNONYMS and rng.random() < 0.5:
                words[j] = _SYNONYMS[word]
        paras[i] = " ".join(words)
    head = paras[0]
    has_dateline = "\u2014" in head[:80]
    if rng.random() < 0.5 and not has_dateline:
        paras[0] = f"{st.place.upper()} ({orig_outlet}) \u2014 " + head
    elif not has_dateline or rng.random() < 0.5:
        paras.append(f"This story was originally published by {orig_outlet}.")
    new_title = title if rng.random() < 0.3 else w.fill(rng.choice(_TITLE), **_slots(w, st, st.origins[0]))
    return new_title, paras


def generate(
    n_articles: int,
    seed: int = 0,
    *,
    n_outlets: int = 300,
    stories_per_day: int = 40,
    copy_share: float = 0.35,
    rewrite_share: float = 0.2,
) -> Iterator[tuple[int, Article, Truth]]:
    """Yield ``n_articles`` articles in publication order with their truth."""
    rng = random.Random(seed)
    writer = _Writer(rng)
    names = outlets(n_outlets, seed)
    heap: list[tuple[date, int, int, str]] = []  # (day, seq, story, kind)
    stories: dict[int, _Story] = {}
    #: published reports per story: (doc_id, outlet index, title, paragraphs, day)
    reports: dict[int, list[tuple[int, int, str, list[str], date]]] = {}
    #: published copies per story: (id of the report copied, its outlet, title, paragraphs)
    copies: dict[int, list[tuple[int, int, str, list[str]]]] = {}
    seq = 0
    sid = 0
    group = 0
    emitted = 0
    day = START
    while emitted < n_articles:
        for _ in range(stories_per_day):
            st = _story(rng, sid, day, group)
            group += len(st.origins)
            stories[sid] = st
            reports[sid] = []
            copies[sid] = []
            size = rng.randint(3, 14)
            for k in range(size):
                kind = "report" if k == 0 else rng.choices(
                    ("report", "copy", "rewrite"), (1 - copy_share - rewrite_share, copy_share, rewrite_share))[0]
                when = day + timedelta(days=0 if k == 0 else min(3, int(rng.expovariate(1.2))))
                heapq.heappush(heap, (when, seq, sid, kind))
                seq += 1
            sid += 1
        while heap and heap[0][0] == day and emitted < n_articles:
            when, _, s, kind = heapq.heappop(heap)
            st = stories[s]
            outlet_i = rng.randrange(len(names))
            outlet, host = names[outlet_i]
            done = reports[s]
            truth = Truth(emitted, kind, s, claim_groups=[o.group for o in st.origins],
                          origins=[(o.source, _fmt_n(o.figure), o.day.isoformat()) for o in st.origins])
            if kind in ("copy", "rewrite") and not done:
                kind = truth.kind = "report"
            if kind == "report":
                title, paras = _report(writer, st, outlet)
                done.append((emitted, outlet_i, title, paras, when))
            elif kind == "copy":
                relayed = copies[s] and rng.random() < RELAY_SHARE
                if relayed:  # a copy of a copy, keeping the first copy's credit
                    orig_id, orig_i, otitle, oparas = rng.choice(copies[s])
                else:
                    orig_id, orig_i, otitle, oparas, _ = rng.choice(done)
                if orig_i == outlet_i:
                    outlet_i = (outlet_i + 1) % len(names)
                    outlet, host = names[outlet_i]
                title, paras = _syndicate(writer, st, otitle, oparas, names[orig_i][0])
                truth.original = orig_id
                copies[s].append((orig_id, orig_i, title, paras))
            else:
                cited_id, cited_i, *_ = rng.choice(done)
                title, paras = _rewrite(writer, st, names[cited_i][0])
                truth.cites = cited_id
            slug = "-".join(title.lower().replace(":", "").replace(",", "").split()[:6])
            article = Article(
                source=f"synthetic-{emitted}",
                kind="body",
                title=title,
                outlet=outlet,
                published=when.isoformat(),
                url=f"https://www.{host}/{when.isoformat().replace('-', '/')}/{slug}-{emitted}",
                paragraphs=paras,
            )
            yield emitted, article, truth
            emitted += 1
        # forget stories that can get no more articles
        for old in [k for k, v in stories.items() if (day - v.start).days > 3]:
            del stories[old]
            del reports[old]
            del copies[old]
        day += timedelta(days=1)


def score_pairs(pred: dict[int, int], gold: dict[int, int]) -> tuple[float, float, float]:
    """Precision, recall and F1 of copy -> original pairs (``(1, 1, 1)`` when both are empty)."""
    if not pred and not gold:
        return 1.0, 1.0, 1.0
    hit = sum(1 for c, o in pred.items() if gold.get(c) == o)
    p = hit / len(pred) if pred else 1.0
    r = hit / len(gold) if gold else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)
