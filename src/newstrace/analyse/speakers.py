"""Who a source phrase stands for: canonical names, source types and resolved references.

A source phrase is described once (:func:`describe`): a named entity gets a canonical name
("Russian news outlet Sputnik" -> "Sputnik", "a Tuesday report by the Kyiv Post" -> "Kyiv Post",
"Seoul's Defense Ministry" -> "South Korea's Defense Ministry"), an unnamed speaker is anonymous
and keeps what the article says about them, and pronouns and definite descriptions ("he",
"the ministry", "the source") are left for :class:`Resolver`, which points them to the most
recent compatible earlier mention. Canonical names use a straight apostrophe so that "Korea's"
and "Korea’s" are one name.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from newstrace.analyse import lexicons as lx

_APOSTROPHES = str.maketrans({"’": "'", "‘": "'"})
#: How far back (characters) the last quoted person still beats a person merely named.
RECENT_SPEAKER_CHARS = 600
_BODIES = ("organisation", "government", "news-outlet")
#: Name endings indexed per remembered mention, in words ("Defense Ministry" is two): enough
#: for any name looked up (a single word, or a short definite name such as "the Defense
#: Ministry"); a longer one is checked against the names sharing its last words.
MAX_SUFFIX_WORDS = 8
_EDGE = " \t\n,;:.\"“”'’‘()—–-"


@dataclass
class Mention:
    """A source phrase and what it stands for."""

    start: int
    end: int
    text: str
    entity: str | None
    type: str = "unknown"
    description: str | None = None
    #: lower-case head noun ("ministry", "source", "sources"), for "the ministry"
    head: str = ""
    #: "named", "anonymous", "pronoun", "definite" or "both"
    form: str = "named"
    #: sources from this one back to the origin, once known
    chain: list[str] = field(default_factory=list)


def clean_name(s: str) -> str:
    s = " ".join(s.translate(_APOSTROPHES).split()).strip(_EDGE)
    words = s.split(" ")
    while len(words) > 1 and words[0].lower() in lx.LEADING_STRIP:
        words = words[1:]
    return " ".join(words)


def _root(tokens: list[Any]) -> Any:
    ids = {t.i for t in tokens}
    for t in tokens:
        if t.head.i not in ids or t.head.i == t.i:
            return t
    return tokens[-1]


def _core(tokens: list[Any], root: Any) -> list[Any]:
    """The phrase without the head's post-modifiers ("from X", "that cited Y", ", the port's
    chief,"); co-ordinated names stay ("South Korea, the United States and Ukraine"), and so does
    an "of" that is part of a name ("Ministry of Transport")."""
    cut: set[int] = set()
    for c in root.children:
        if c.dep_ == "prep" and c.lower_ == "of" and root.pos_ == "PROPN" \
                and all(t.pos_ == "PROPN" or t.i == c.i for t in c.subtree):
            continue
        if c.i > root.i and c.dep_ in ("prep", "relcl", "acl", "appos", "punct"):
            cut.update(t.i for t in c.subtree)
    core = [t for t in tokens if t.i not in cut]
    while len(core) > 1 and core[-1].is_punct:
        core.pop()
    return core or tokens


def _type_of(core: list[Any], root: Any, labels: set[str], descriptor: list[str]) -> str:
    head = root.lower_
    words = {t.lower_ for t in core}
    if lx.OUTLET_DESCRIPTORS & set(descriptor):
        return "news-outlet"
    if head in lx.OUTLET_HEADS and root.pos_ == "PROPN" and root.text[:1].isupper():
        return "news-outlet"  # "the Valden Herald": the entity tagger often calls it a person
    if "PERSON" in labels or any(c.dep_ == "appos" and c.lower_ in lx.PERSON_ROLES for c in root.children):
        return "person"  # "Fergal Mayhew, secretary of the union": the role makes a person
    if head in ("x", "twitter", "telegram", "facebook") or words & {"post", "tweet"} and "on" in words:
        return "social-media"
    if head in lx.GOVERNMENT_HEADS or labels and labels <= {"GPE", "NORP"}:
        return "government"
    if head in lx.DOCUMENT_HEADS:
        return "document"
    if "ORG" in labels or root.pos_ == "PROPN":
        return "organisation"
    return "unknown"


def _ent_labels(tokens: list[Any]) -> set[str]:
    return {t.ent_type_ for t in tokens if t.ent_type_}


def _capital(name: str) -> str:
    """"Seoul's Defense Ministry" -> "South Korea's Defense Ministry": a capital standing for
    its country's government (a small data table, lexicons.CAPITALS)."""
    low = name.lower()
    for cap, country in lx.CAPITALS.items():
        if low.startswith(cap + "'s "):
            return country + name[len(cap):]
    return name


def describe(tokens: list[Any], off: int, text: str, root: Any = None) -> Mention | None:
    """What a source phrase (its tokens, ``off`` = offset of their doc) stands for."""
    tokens = [t for t in tokens if not t.is_space]
    if not tokens:
        return None
    start, end = off + tokens[0].idx, off + tokens[-1].idx + len(tokens[-1])
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    while start < end and text[start] in _EDGE:
        start += 1
    if end <= start:
        return None
    phrase = text[start:end]
    root = root if root is not None and root in tokens else _root(tokens)
    head = root.lower_
    low = phrase.lower()
    m = Mention(start, end, phrase, None, head=head)  # filled in below
    if len(tokens) == 1 and head in lx.PERSON_PRONOUNS | lx.PLURAL_PRONOUNS | lx.ORG_PRONOUNS:
        m.form, m.type = "pronoun", "person" if head in lx.PERSON_PRONOUNS else "unknown"
        return m
    if any(low.startswith(b) for b in lx.BOTH_PHRASES):
        m.form, m.type = "both", "government" if "countr" in low or "govern" in low else "unknown"
        return m
    inner = _inner_named(root, tokens, off, text)
    if inner is not None:
        if root.lower_ in lx.ANONYMOUS_HEADS:  # "an official from Seoul's Defense Ministry"
            inner.description = phrase
            inner.start, inner.end, inner.text, inner.head = start, end, phrase, head
        return inner
    appos = _appos_name(root, tokens)
    if appos is not None:  # "Marrowick's mayor, Odile Strand,", "the news agency Harbor Wire"
        m.entity = appos
        m.type = "person" if root.lower_ in lx.PERSON_ROLES else _type_of([root], root, set(), [root.lower_])
        return m
    return _describe_phrase(m, tokens, root, off, text)


def _describe_phrase(m: Mention, tokens: list[Any], root: Any, off: int, text: str) -> Mention:
    """A source phrase that is no pronoun: a person, an anonymous source, a definite
    description to resolve, or a named organisation."""
    head, low, phrase = root.lower_, m.text.lower(), m.text
    core = _core(tokens, root)
    # a person only when the head is one: "Ostria and Valden" is no person even if "Valden" is
    persons = [t for t in core if t.ent_type_ == "PERSON"] if _is_person_head(root) else []
    named = any(t.pos_ == "PROPN" for t in core)
    descriptor, name_toks = _split_descriptor(core)
    if lx.OUTLET_DESCRIPTORS & {t.lower_ for t in descriptor}:
        persons = []  # "news outlet Sputnik": the tagger of entities may call the name a person
    if persons:
        name = _last_entity(persons)
        m.entity, m.type = clean_name(name), "person"
        return m
    first = core[0].lower_
    if not named and (head in lx.ANONYMOUS_HEADS or any(k in low for k in lx.ANONYMOUS_MARKERS)):
        if first in ("the", "this", "that", "these", "those"):
            m.form = "definite"
            return m
        desc = phrase[:1].lower() + phrase[1:] if first in ("a", "an") else phrase
        m.form, m.type, m.entity, m.description = "anonymous", "anonymous", desc, desc
        return m
    if not named and first in ("the", "this", "that") and len(core) <= 3:
        m.form = "definite"  # "the ministry", "the company": an earlier mention
        m.type = _type_of(core, root, set(), [])
        return m
    if root.lower_ in lx.DOCUMENT_HEADS and len(name_toks) > 1 and name_toks[-2].pos_ == "PROPN":
        # "the Harbor Wire report": the report stands for its publisher
        name_toks = name_toks[:-1]
        root = name_toks[-1]
    name = _capital(clean_name(text[off + name_toks[0].idx: off + name_toks[-1].idx + len(name_toks[-1])]))
    m.entity = name
    m.type = _type_of(core, root, _ent_labels(core), [t.lower_ for t in descriptor])
    if named and first == "the" and len(core) <= 4:
        m.form = "definite-named"  # "the Defense Ministry": maybe a short form of an earlier name
    return m


def _appos_name(root: Any, tokens: list[Any]) -> str | None:
    """"Marrowick's mayor, Odile Strand", "the news agency Harbor Wire": a role or kind noun
    with a proper-noun apposition; the name is the source."""
    if root.ent_type_ == "PERSON" or root.pos_ != "NOUN":
        return None
    if root.lower_ not in lx.PERSON_ROLES | lx.OUTLET_DESCRIPTORS | lx.BODY_HEADS:
        return None
    ids = {t.i for t in tokens}
    for c in root.children:
        if c.dep_ == "appos" and c.i in ids and c.pos_ == "PROPN":
            name = [t for t in c.subtree if t.i <= c.i and t.pos_ == "PROPN"]
            return " ".join(t.text for t in name) if name else None
    return None


def _is_person_head(root: Any) -> bool:
    if root.ent_type_ != "PERSON" or any(c.dep_ == "conj" for c in root.children):
        return False
    return not (root.lower_ in lx.OUTLET_HEADS and root.text[:1].isupper())


def _last_entity(persons: list[Any]) -> str:
    """Text of the last PERSON entity among ``persons`` (tokens of one phrase)."""
    last = persons[-1]
    toks = [last]
    for t in reversed(persons[:-1]):
        if t.i == toks[0].i - 1 and t.ent_iob_ != "B" or t.i == toks[0].i - 1 and toks[0].ent_iob_ == "I":
            toks.insert(0, t)
        else:
            break
    return " ".join(t.text for t in toks)


def _split_descriptor(core: list[Any]) -> tuple[list[Any], list[Any]]:
    """"Russian news outlet Sputnik" -> (descriptor "Russian news outlet", name "Sputnik"): the
    name is the run of proper nouns after the last lower-case word."""
    last_lower = -1
    for k, t in enumerate(core):
        if t.is_alpha and t.text.islower() and t.lower_ not in ("of", "and", "for", "de", "the") \
                and t.pos_ != "PROPN":
            last_lower = k
    rest = core[last_lower + 1:]
    if 0 <= last_lower and rest and all(t.pos_ == "PROPN" or t.is_punct for t in rest):
        return core[:last_lower + 1], rest
    return [], core


def _inner_named(root: Any, tokens: list[Any], off: int, text: str) -> Mention | None:
    """"a report by X", "an official from X": the named organisation inside the phrase."""
    if root.lower_ not in lx.DOCUMENT_HEADS | lx.ANONYMOUS_HEADS:
        return None
    ids = {t.i for t in tokens}
    for prep in root.children:
        if prep.dep_ != "prep" or prep.lower_ not in ("by", "from", "at", "of", "in", "for") or prep.i not in ids:
            continue
        pobj = next((c for c in prep.children if c.dep_ == "pobj"), None)
        if pobj is None:
            continue
        sub = [t for t in pobj.subtree if t.i in ids]
        if any(t.pos_ == "PROPN" for t in sub):
            return describe(sub, off, text, pobj)
    return None


class Resolver:
    """Resolves mentions in text order against the mentions seen so far.

    Every lookup goes through an index built as mentions are remembered (by head noun, by word
    of the name, by name suffix, by type), so one lookup costs about the number of earlier
    mentions that share its key, not the number of mentions so far: a page with thousands of
    quoted speakers stays linear. The answers are the ones a walk back over every earlier
    mention would give (the latest match in the order mentions were remembered).
    """

    def __init__(
        self, persons: list[tuple[int, int, str]], orgs: list[tuple[int, int, str, str]] | None = None
    ) -> None:
        #: PERSON entities of the whole text: antecedents for "he"/"she" that are no source
        self.persons = persons
        #: ORG entities of the whole text: antecedents for "the company"
        self.orgs = orgs or []
        self.history: list[Mention] = []
        self._person_starts = [s for s, _e, _n in persons]
        self._persons_sorted = all(a < b for a, b in zip(self._person_starts, self._person_starts[1:]))
        self._org_starts = [s for s, _e, _n, _l in self.orgs]
        self._orgs_sorted = all(a <= b for a, b in zip(self._org_starts, self._org_starts[1:]))
        # remembered people: their distinct starts in order, each with the first mention there
        self._speaker_starts: list[int] = []
        self._speaker_at: dict[int, Mention] = {}
        # remembered mentions by key, each list in the order remembered
        self._by_key: dict[tuple[str, str], list[Mention]] = {}
        self._last_named: dict[str | None, Mention] = {}

    def resolve(self, m: Mention) -> Mention:
        ante = None
        if m.form == "pronoun" and m.type == "person":
            ante = self._person_before(m.start)
        elif m.form == "pronoun":  # "it said", "they said": the latest organisation
            ante = self._latest(("type", "body"), m.start)
        elif m.form == "definite":
            ante = self._head_match(m)
        elif m.form == "definite-named" or (m.form == "named" and m.entity and " " not in m.entity):
            ante = self._name_match(m)
        if ante is None and m.form == "definite" and m.head in lx.ANONYMOUS_HEADS:
            # "the senior port official" with no earlier mention: still an anonymous source
            m.entity = m.description = clean_name(m.text)
            m.type = "anonymous"
        if ante is not None:
            m.entity = ante.entity
            m.type = ante.type
            m.description = ante.description
            m.chain = list(ante.chain)
        return m

    def remember(self, m: Mention) -> None:
        if not m.entity:
            return
        self.history.append(m)
        keys = [("head", m.head)]
        if m.type in _BODIES:
            keys.append(("type", "body"))
        if m.type == "organisation":
            keys.append(("type", "organisation"))
        if len(m.chain) > 1:
            keys.append(("chained", ""))
        low = m.entity.lower()
        keys += [("word", w) for w in dict.fromkeys(low.split())]
        keys += [("suffix", x) for x in _space_suffixes(low)]
        for key in keys:
            self._by_key.setdefault(key, []).append(m)
        self._last_named[m.entity] = m
        if m.type == "person" and m.start not in self._speaker_at:
            self._speaker_at[m.start] = m
            insort(self._speaker_starts, m.start)

    def _latest(self, key: tuple[str, str], before: int) -> Mention | None:
        """The mention remembered last under ``key`` that starts before ``before``."""
        for cand in reversed(self._by_key.get(key, ())):
            if cand.start < before:
                return cand
        return None

    def _person_before(self, pos: int) -> Mention | None:
        """The latest speaker who is a person; a person merely named counts only when no speaker
        was quoted in the last few sentences (a "she said" continues the last speaker)."""
        k = bisect_left(self._speaker_starts, pos)
        best = self._speaker_at[self._speaker_starts[k - 1]] if k else None
        if best is not None and pos - best.start < RECENT_SPEAKER_CHARS:
            return best
        if not self._persons_sorted:
            return self._named_person_walk(pos, best)
        # persons are in text order: of those before ``pos``, the last one after the speaker wins
        k = bisect_left(self._person_starts, pos)
        if k and (best is None or self.persons[k - 1][0] > best.start):
            s, e, name = self.persons[k - 1]
            named = Mention(s, e, name, clean_name(name), "person")
            return self._name_match(named) or named
        return best

    def _named_person_walk(self, pos: int, best: Mention | None) -> Mention | None:
        for s, e, name in self.persons:
            if s < pos and (best is None or s > best.start):
                best = Mention(s, e, name, clean_name(name), "person")
                linked = self._name_match(best)
                if linked is not None:
                    best = linked
        return best

    def _head_match(self, m: Mention) -> Mention | None:
        head = m.head
        found = self._latest(("head", head), m.start)
        if found is not None:
            return found
        plural = head.endswith("s") and head in lx.ANONYMOUS_HEADS
        if not plural:
            found = self._latest(("word", head), m.start)
            if found is not None:
                return found
        if head in lx.BODY_HEADS:
            # "the company": the latest organisation quoted, else named, before it
            found = self._latest(("type", "organisation"), m.start)
            if found is not None:
                return found
            org = self._org_before(m.start)
            if org is not None:
                s, _e, name, _label = org
                named = Mention(s, s + len(name), name, clean_name(name), "organisation")
                return self._name_match(named) or named
        if plural:
            # "the sources" after "reports that cited X": the origin of the latest chain
            cand = self._latest(("chained", ""), m.start)
            if cand is not None:
                origin = Mention(cand.start, cand.end, cand.text, cand.chain[-1], "unknown")
                origin.chain = [cand.chain[-1]]
                h = self._last_named.get(cand.chain[-1])
                if h is not None:
                    origin.type, origin.chain = h.type, list(cand.chain)
                return origin
        return None

    def _org_before(self, pos: int) -> tuple[int, int, str, str] | None:
        """The last ORG entity (in list order) that starts before ``pos``."""
        if self._orgs_sorted:  # the usual case: those before ``pos`` are a prefix of the list
            k = bisect_left(self._org_starts, pos)
            candidates: Iterable[tuple[int, int, str, str]] = (self.orgs[i] for i in range(k - 1, -1, -1))
        else:
            candidates = reversed(self.orgs)
        return next((o for o in candidates if o[0] < pos and o[3] == "ORG"), None)

    def _name_match(self, m: Mention) -> Mention | None:
        """The latest earlier mention whose name ends with this one ("Strand" -> "Odile Strand",
        "Defense Ministry" -> "South Korea's Defense Ministry")."""
        name = (m.entity or "").lower()
        if not name:
            return None
        # "X's Defense Ministry" ends in " Defense Ministry" too: one test covers both forms
        if name.count(" ") < MAX_SUFFIX_WORDS:
            # every remembered name is indexed under each of its endings that follows a space
            return self._latest(("suffix", name), m.start)
        # a longer name: look among the names that end with its last words
        for cand in reversed(self._by_key.get(("suffix", _space_suffixes(name)[-1]), ())):
            if cand.start < m.start and (cand.entity or "").lower().endswith(" " + name):
                return cand
        return None


def _space_suffixes(name: str) -> list[str]:
    """The endings of ``name`` that follow a space, shortest first, at most
    :data:`MAX_SUFFIX_WORDS` of them: "a b c" -> ["c", "b c"]."""
    out = []
    end = len(name)
    for _ in range(MAX_SUFFIX_WORDS):
        k = name.rfind(" ", 0, end)
        if k < 0:
            break
        out.append(name[k + 1:])
        end = k
    return out
