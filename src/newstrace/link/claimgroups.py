"""Claim groups: the same claim reported by different articles, paraphrased or not.

:class:`ClaimGrouper` is incremental. Each added claim is reduced to its content words
(lower-cased, stop words out, a rough stem) and 4-character shingles; candidates come from
an inverted index of *rare* content words (those seen in at most :data:`MAX_POSTING`
claims so far), never from a scan of every claim. A candidate joins the claim to its group
when the IDF-weighted overlap of their words, or the Jaccard of their shingles, clears a
floor, and nothing in the two contents disagrees: every number in one must be in the other
when both carry numbers ("up to 3,000" and "about 10,000" troops are two claims about one
quantity), and proper names must not conflict (both name something, and share nothing).

A denial (``stance == "denied"``) never becomes a group's assertion: when its content
overlaps an asserted group it is recorded among that group's ``denials``; otherwise it
starts a group of its own holding only denials, which later assertions can still join.
Structure does what words cannot:

* an *anaphoric* denial ("denied the report", "rejected that account on Thursday", "had
  denied them": no content word beyond claim nouns and time words) joins the group of the
  claim it refers to: an earlier claim of the same article, in the denial's paragraph or
  the one before (the nearest), or up to two paragraphs before when that claim's cue is the
  verb of the denial's noun ("the allegation" <- "has alleged");
* an asserted claim that matches a group with a quantifier negation the group lacks ("No
  inspection at Quay 9 was postponed") is a denial of it;
* a "citing X" mention with no clause ("citing a senior port official") is no claim: it
  gets a group of its own and is never a candidate.

Numbers of 11 and more (not years) count as content words: a shared figure is rare
evidence ("about 120 residents were evacuated" / "about 120 people had been evacuated").
A claim joins the matching group with the most support (sum of similarities to its
members); one that matches two groups strongly (:data:`MERGE_OVERLAP`) merges them only
when the two groups agree on average (:data:`MERGE_MEAN_LINKAGE`), so a short claim ("the
failed coupling") contained in two long ones cannot chain them.

Weak points, measured on the sample corpus: paraphrases with different verbs ("postponed" /
"put off" / "slipped") and facets of one claim ("postponed twice" / "due in March, then
July, then November") stay in separate groups (recall 0.53); compound contents ("About 120
people were evacuated ... after a coupling failed") join whichever half they match first.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from newstrace.models import PARAGRAPH_SEPARATOR, Article, Claim

#: Weighted word overlap (shared IDF mass over the smaller side's mass) at which two claims
#: are one. Calibrated on the sample corpus: paraphrases of the postponed-inspection claim
#: ("postponed twice this year" / "put off twice this year") score 0.45-0.9 once enough
#: claims are seen for IDF to weigh "inspection", "twice", "quay"; unrelated claims of the
#: same story mostly stay under 0.35. Sample B-cubed over the 47 gold members the extractor
#: covers, and synthetic B-cubed over 200 articles (bench/linking_claims.py), by
#: WORD_OVERLAP / MEAN_LINKAGE: 0.4/0.3 -> sample P 0.97 R 0.53 F1 0.69, synthetic F1 0.975
#: (chosen); 0.4/0.25 -> 0.95/0.54/0.69, 0.974; 0.4/0.35 -> 0.97/0.48/0.65, 0.976;
#: 0.5/0.3 -> 0.97/0.51/0.67, 0.971. Without the merge check (any two groups a claim
#: matches at 0.7 merged) the sample grouped the failed coupling, the lab tests and the
#: evacuation count into one group of 12 claims with 6 "independent" origins.
WORD_OVERLAP = 0.4
#: A claim that matches two groups this well merges them (the missing link between two
#: halves of one group, e.g. a paraphrase between the wire wording and a rewrite).
MERGE_OVERLAP = 0.7
#: Members of each group compared when a claim would merge two groups (most recent) ...
MERGE_LINKAGE_SAMPLE = 10
#: ... and the mean similarity between them the merge needs.
MERGE_MEAN_LINKAGE = 0.35
#: Cosine of sentence embeddings (all-MiniLM-L6-v2, int8) at which two claims count as
#: similar even with no words in common, when the grouper has an encoder. On pairs of the
#: sample gold's members (bench/encoder_pairs.py, paraphrase pairs) word overlap alone at its
#: 0.4 cut gives P 0.95 R 0.39, "or cosine >= 0.65" P 0.94 R 0.45. In the grouper
#: (bench/linking_claims.py --encoder minilm) 0.65 pulls loose paraphrases into the circular
#: claim's group (its origins 1 -> 5); 0.75 keeps provenance as without the encoder and
#: moves B-cubed F1 from 0.690 to 0.695 on the sample and 0.975 to 0.984 on 200 synthetic
#: articles; 0.85 changes nothing on the sample. A small gain: the encoder stays optional.
EMBED_JOIN = 0.75
#: Character 4-gram Jaccard at which two claims are one whatever the words say
#: (near-verbatim copies: syndicated text scores > 0.8).
SHINGLE_JACCARD = 0.6
#: Content words two claims must share before the overlap counts at all: one shared word
#: between two short contents ("the report" / "the report") is not a match.
MIN_SHARED = 2
#: A word seen in more claims than this is not used to find candidates (too common).
MAX_POSTING = 50
#: Mean similarity to a group's members that a claim needs before its best match counts.
MEAN_LINKAGE = 0.3
#: Members of a candidate group compared with a new claim (the most recent).
MAX_LINKAGE = 30
#: Candidates looked at per claim (the most recent first), bounding one ``add``.
MAX_CANDIDATES = 200
#: An anaphoric denial ("denied the report") refers to a claim printed before it in the same
#: paragraph or this many paragraphs before it (the nearest such claim). On the sample, 7 of
#: the 8 anaphoric denials' referents sit in the denial's paragraph or the one before; the
#: other ("also denied the allegation") is two paragraphs up and found by its cue.
REFERENT_PARAGRAPHS = 1
#: ... or up to this many paragraphs before it when the referent's cue is the verb of the
#: noun the denial uses ("the allegation" <- "has alleged", "the report" <- "reported").
REFERENT_PARAGRAPHS_BY_CUE = 2
#: Without the article (no paragraphs), the referent must end within this many characters
#: before the denial's cue (about two short news paragraphs).
REFERENT_CHARS = 600

#: Numbers at least this large count as content words of a claim (smaller ones are too
#: common: "two dockworkers", "9" of a quay's name).
NUMBER_TERM_MIN = 11

#: Nouns that stand for a reported claim, and the stem of the cue that makes one ("the report"
#: is what someone "reported"). A denial whose content is only such a noun is anaphoric.
_CLAIM_NOUNS = {
    "report": "report", "account": "", "claim": "claim", "allegation": "alleg", "accusation": "accus",
    "charge": "charg", "suggestion": "suggest", "assertion": "assert", "story": "report",
    "statement": "stat", "finding": "find", "remark": "remark", "comment": "comment", "idea": "",
}
#: Time words that date a denial ("rejected that account on Thursday") without saying what it denies.
_TIME_WORDS = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday today yesterday tonight week
    weekend month year earlier later last morning afternoon evening night""".split()
)
_MONTHS = frozenset(
    "january february march april may june july august september october november december".split()
)
#: Negation of a content's subject: an asserted claim that negates a group's claim ("No
#: inspection at the quay was postponed" against "an inspection was postponed twice") is a
#: denial of it. Only quantifier negations ("no", "never", "nobody" ...): a plain "not" is
#: mostly elsewhere in the clause ("the next one was not due until 2025", "an official who
#: was not named"); with "not" and "n't" the sample got 3 false denials and no true one more.
_NEGATION = re.compile(r"\b(?:no|never|nobody|none|nothing|neither)\b", re.I)
#: Cues that cite a source rather than report a statement; with no clause in the content
#: ("citing a senior port official", "cited the senior port official") the claim is a mention.
_CITING_CUE = re.compile(r"^(?:cit|quot)(?:e|ed|es|ing)\b")
_CLAUSE = re.compile(r"\bthat\b|,\s*\w+\s+(?:is|was|were|are|had|has|have|would|will)\b", re.I)
_STOP = frozenset(
    """a an the and or but if of to in on at by for with from as into onto that this these those
    it its is are was were be been being has have had having do does did not no nor so than then
    there their they them he she his her him we our us you your i me my which who whom whose what
    when where why how all any both each few more most other some such only own same too very can
    will would could should may might must shall just also about over under after before between
    up down out off again further once here said says say saying told tell according per cent""".split()
)
_WORD = re.compile(r"[A-Za-z][A-Za-z'’\-]*|\d[\d,.]*")
_NUM = re.compile(r"\d[\d,]*(?:\.\d+)?")
_NAME = re.compile(r"(?<![.!?]\s)(?<!^)\b([A-Z][a-z]+(?:\s+[A-Z][a-z]+)*)")


def stem(word: str) -> str:
    w = word.lower().replace("’", "'")
    if w.endswith("'s"):
        w = w[:-2]
    for suf in ("ing", "ed", "es", "s"):
        if len(w) > len(suf) + 3 and w.endswith(suf):
            return w[: -len(suf)]
    return w


def content_text(claim: Claim) -> str:
    return " ".join(s.text for s in claim.content)


def words(text: str) -> set[str]:
    return {stem(w) for w in _WORD.findall(text) if not w[0].isdigit() and w.lower() not in _STOP and len(w) > 2}


def numbers(text: str) -> set[float]:
    out = set()
    for m in _NUM.findall(text):
        try:
            out.add(float(m.replace(",", "")))
        except ValueError:
            continue
    return out


def names(text: str) -> set[str]:
    """Capitalised words (not starting a sentence), days and months out: "on Monday" and
    "in Marrowick" do not conflict."""
    out = set()
    for m in _NAME.findall(text):
        kept = [w for w in m.lower().split() if w not in _TIME_WORDS and w not in _MONTHS]
        if kept:
            out.add(" ".join(kept))
    return out


def is_anaphoric_words(ws: set[str]) -> bool:
    return not {w for w in ws if w not in _CLAIM_NOUNS and w not in _TIME_WORDS}


def is_anaphoric(text: str) -> bool:
    """Content that only points at a claim made elsewhere: "the report", "that account on
    Thursday", "them" (no content word beyond claim nouns and time words)."""
    return is_anaphoric_words(words(text))


def paragraph_starts(article: Article) -> list[int]:
    """Offsets in ``article.text`` where its paragraphs start."""
    out, pos = [], 0
    for p in article.paragraphs:
        out.append(pos)
        pos += len(p) + len(PARAGRAPH_SEPARATOR)
    return out


def _paragraph_of(starts: list[int] | None, offset: int) -> int:
    """Index of the paragraph holding ``offset`` (``starts``: :func:`paragraph_starts`); -1
    without an article."""
    if not starts or offset < 0:
        return -1
    return max(0, bisect.bisect_right(starts, offset) - 1)


def shingles(text: str, k: int = 4) -> set[str]:
    t = " ".join(_WORD.findall(text.lower()))
    return {t[i : i + k] for i in range(max(1, len(t) - k + 1))} if t else set()


@dataclass
class _Item:
    key: tuple[int, int]
    group: int
    denied: bool
    words: set[str]
    shingles: set[str]
    numbers: set[float]
    names: set[str]
    #: for the referent search: where the claim sits in its article
    start: int = -1
    end: int = -1
    cue_start: int = -1
    cue: str = ""
    paragraph: int = -1
    has_source: bool = False
    negated: bool = False
    #: unit-length sentence embedding of the content, when the grouper has an encoder
    vec: Any = None


@dataclass
class ClaimCluster:
    id: int
    #: (article_id, claim_index) of the asserting members, in add order
    members: list[tuple[int, int]] = field(default_factory=list)
    #: (article_id, claim_index) of denials of this group's claim
    denials: list[tuple[int, int]] = field(default_factory=list)


class ClaimGrouper:
    """Incremental grouping of claims: :meth:`add` returns the claim's group id.

    ``encoder`` (optional; :func:`newstrace.link.encoder.load_encoder` gives one with the
    ``embed`` extra) maps texts to unit-length vectors. With it, claims whose embeddings
    agree (cosine :data:`EMBED_JOIN` or more) are candidates and count as similar even when
    they share no words ("postponed" / "put off"), provided numbers, names and negation
    agree. Pass precomputed vectors to :meth:`add` (``embedding=``) to encode in batches.
    """

    def __init__(self, encoder: Callable[[list[str]], Any] | None = None) -> None:
        self._encoder = encoder
        #: embeddings of indexed items, one row each, and the item index of every row
        self._vecs: Any = None
        self._vec_items: list[int] = []
        self.groups: dict[int, ClaimCluster] = {}
        self._items: list[_Item] = []
        self._by_key: dict[tuple[int, int], int] = {}
        self._df: dict[str, int] = defaultdict(int)
        self._postings: dict[str, list[int]] = defaultdict(list)
        #: next group id: never ``len(self.groups)``, which repeats a live id after a merge
        self._next_group = 0
        #: article id -> indexes of its items, in add order (for anaphoric denials)
        self._by_article: dict[int, list[int]] = defaultdict(list)
        #: article id -> where its paragraphs start (found once per article, not per claim)
        self._starts: dict[int, list[int]] = {}

    def _idf(self, w: str) -> float:
        return math.log((len(self._items) + 2) / (self._df.get(w, 0) + 1)) + 0.1

    def similarity(self, a: _Item, b: _Item) -> float:
        """0..1; 0 when numbers or names conflict."""
        if a.numbers and b.numbers and not (a.numbers <= b.numbers or b.numbers <= a.numbers):
            return 0.0
        if a.names and b.names and not (a.names & b.names):
            # both name something and share nothing: a conflict only when neither side's
            # names appear as words of the other (a name can be a plain word elsewhere)
            if not ({stem(n) for n in a.names} & b.words) and not ({stem(n) for n in b.names} & a.words):
                return 0.0
        sj = len(a.shingles & b.shingles) / len(a.shingles | b.shingles) if a.shingles and b.shingles else 0.0
        if sj >= SHINGLE_JACCARD:
            return 1.0
        lexical = 0.0
        shared = a.words & b.words
        if len(shared) >= MIN_SHARED:
            # fsum: exact, so the result does not depend on the order a set is walked in
            # (which changes with PYTHONHASHSEED and tipped claims across the thresholds)
            wa = math.fsum(self._idf(w) for w in a.words)
            wb = math.fsum(self._idf(w) for w in b.words)
            lexical = math.fsum(self._idf(w) for w in shared) / min(wa, wb) if wa and wb else 0.0
        if a.vec is not None and b.vec is not None and a.negated == b.negated:
            cos = float(a.vec @ b.vec)
            if cos >= EMBED_JOIN:
                return max(lexical, cos)
        return lexical

    def add(
        self, article_id: int, claim_index: int, claim: Claim, article: Article | None = None, embedding: Any = None
    ) -> int:
        key = (article_id, claim_index)
        if key in self._by_key:
            return self._items[self._by_key[key]].group
        text = content_text(claim)
        if embedding is None and self._encoder is not None and text.strip():
            embedding = self._encoder([text])[0]
        nums = numbers(text)
        # a number is a content word too ("about 120 residents were evacuated" / "about 120
        # people had been evacuated" share "120" and "evacuated"): numbers already have to
        # agree, and a shared figure is rare evidence. Years and small numbers are not.
        terms = words(text) | {f"#{n:g}" for n in nums if n >= NUMBER_TERM_MIN and not 1900 <= n <= 2100}
        item = _Item(key, -1, claim.stance == "denied", terms, shingles(text), nums, names(text))
        if claim.content:
            item.start, item.end = min(c.start for c in claim.content), max(c.end for c in claim.content)
        item.cue_start, item.cue = claim.cue.start, claim.cue.text.lower()
        if article is not None and article_id not in self._starts:
            self._starts[article_id] = paragraph_starts(article)
        item.paragraph = _paragraph_of(self._starts.get(article_id), item.cue_start)
        item.has_source = claim.source is not None
        item.negated = bool(_NEGATION.search(text))
        item.vec = embedding
        if _CITING_CUE.match(item.cue) and not _CLAUSE.search(text):
            # "citing a senior port official": the content names a source and says nothing;
            # a group of its own, never a candidate for others
            return self._place(item, None, index=False)
        if item.denied and is_anaphoric(text):
            ref = self._referent(article_id, item, text)
            # no referent: a group of its own (two bare "the report" denials are not one claim)
            return self._place(item, None if ref is None else self._items[ref].group)
        seen: dict[int, int] = {}
        for w in item.words:
            post = self._postings.get(w, ())
            if len(post) <= MAX_POSTING:
                for i in post:
                    seen[i] = seen.get(i, 0) + 1
        cands = sorted(seen, key=lambda i: (-seen[i], -i))[:MAX_CANDIDATES]
        cands += self._embedding_candidates(item, set(cands))
        best, best_support = None, 0.0
        also: set[int] = set()
        for gid in dict.fromkeys(self._items[i].group for i in cands):
            sim, support = self._group_similarity(item, gid)
            if sim >= WORD_OVERLAP:
                # among the groups it matches, the claim joins the best supported one (the
                # sum of its similarities to the members): an exact match with a stray
                # one-claim group must not beat a paraphrase of ten reports
                if support > best_support:
                    best, best_support = gid, support
                if sim >= MERGE_OVERLAP:
                    also.add(gid)
        if best is not None and item.negated and not item.denied and self._affirmative(best):
            # "No inspection was postponed" matched "an inspection was postponed twice": the
            # same words with the opposite polarity deny it
            item.denied = True
        if best is not None:
            for gid in sorted(also - {best}):
                if self._groups_agree(gid, best):
                    self._merge(gid, best)
        return self._place(item, best)

    def _place(self, item: _Item, gid: int | None, index: bool = True) -> int:
        """Put the item in group ``gid`` (a new group when None) and index it."""
        if gid is None:
            gid = self._next_group
            self._next_group += 1
            self.groups[gid] = ClaimCluster(gid)
        item.group = gid
        group = self.groups[gid]
        (group.denials if item.denied else group.members).append(item.key)
        idx = len(self._items)
        self._items.append(item)
        self._by_key[item.key] = idx
        self._by_article[item.key[0]].append(idx)
        if not index:
            item.words = set()
            return gid
        for w in item.words:
            self._df[w] += 1
            self._postings[w].append(idx)
        if item.vec is not None:
            self._index_vec(idx, item.vec)
        return gid

    def _index_vec(self, idx: int, vec: Any) -> None:
        import numpy as np

        n = len(self._vec_items)
        if self._vecs is None:
            self._vecs = np.zeros((64, len(vec)), dtype=np.float32)
        elif n == len(self._vecs):
            self._vecs = np.concatenate([self._vecs, np.zeros_like(self._vecs)])
        self._vecs[n] = vec
        self._vec_items.append(idx)

    def _embedding_candidates(self, item: _Item, have: set[int]) -> list[int]:
        """Items whose embedding is within :data:`EMBED_JOIN` of the claim's, nearest first
        (a matrix product over the claims indexed so far: a story's claims, a few thousand)."""
        if item.vec is None or not self._vec_items:
            return []
        sims = self._vecs[: len(self._vec_items)] @ item.vec
        order = sims.argsort()[::-1][:MAX_CANDIDATES]
        return [self._vec_items[j] for j in order if sims[j] >= EMBED_JOIN and self._vec_items[j] not in have]

    def _affirmative(self, gid: int) -> bool:
        """Whether most of the group's asserting members carry no negation."""
        grp = self.groups[gid]
        if not grp.members:
            return False
        neg = sum(self._items[self._by_key[k]].negated for k in grp.members)
        return neg * 2 < len(grp.members)

    def _referent(self, article_id: int, item: _Item, text: str) -> int | None:
        """The item an anaphoric denial refers to: an earlier claim of the same article that
        ends before the denial's cue and does not contain it, has a source and says something
        (not a bare description such as "a senior port official"), preferably one whose cue
        is the verb of the denial's noun ("the allegation" <- "alleged"), else the nearest."""
        noun_cues = {_CLAIM_NOUNS[stem(w)] for w in _WORD.findall(text.lower()) if _CLAIM_NOUNS.get(stem(w))}
        nearest = by_cue = None
        for idx in reversed(self._by_article.get(article_id, ())):
            other = self._items[idx]
            if other.start < 0 or other.start >= item.cue_start or other.end > max(item.cue_start, item.start):
                continue
            if not other.has_source or len(other.words) < MIN_SHARED + 1 or is_anaphoric_words(other.words):
                continue
            if item.paragraph >= 0 and other.paragraph >= 0:
                back = item.paragraph - other.paragraph
            else:
                back = 0 if item.cue_start - other.end <= REFERENT_CHARS else 99
            if nearest is None and back <= REFERENT_PARAGRAPHS:
                nearest = idx
            if by_cue is None and back <= REFERENT_PARAGRAPHS_BY_CUE and noun_cues:
                if any(c in other.cue for c in noun_cues):
                    by_cue = idx
        return by_cue if by_cue is not None else nearest

    def _group_similarity(self, item: _Item, gid: int) -> tuple[float, float]:
        """The best similarity to a member of the group and the sum over its (most recent)
        members, provided the mean clears :data:`MEAN_LINKAGE`, so a group cannot drift away
        from its claim one loose paraphrase at a time; (0, 0) otherwise."""
        keys = self._linkage_keys(gid, MAX_LINKAGE)
        sims = [self.similarity(item, self._items[self._by_key[k]]) for k in keys]
        if not sims or sum(sims) / len(sims) < MEAN_LINKAGE:
            return 0.0, 0.0
        return max(sims), sum(sims)

    def _groups_agree(self, a: int, b: int) -> bool:
        """Average linkage between two groups a claim would merge: a short claim ("the failed
        coupling") is contained in many long ones and must not chain two claims that merely
        share its words ("a coupling failed" / "the failed coupling was sent for testing")."""
        ka = self._linkage_keys(a, MERGE_LINKAGE_SAMPLE)
        kb = self._linkage_keys(b, MERGE_LINKAGE_SAMPLE)
        sims = [self.similarity(self._items[self._by_key[x]], self._items[self._by_key[y]]) for x in ka for y in kb]
        return bool(sims) and sum(sims) / len(sims) >= MERGE_MEAN_LINKAGE

    def _linkage_keys(self, gid: int, n: int) -> list[tuple[int, int]]:
        """The (most recent) members compared with a claim or group: anaphoric denials ("the
        report") have no words to compare and would only dilute the mean."""
        grp = self.groups[gid]
        keys = [k for k in grp.members + grp.denials if not is_anaphoric_words(self._items[self._by_key[k]].words)]
        return keys[-n:]

    def _merge(self, gone: int, into: int) -> None:
        old = self.groups.pop(gone, None)
        if old is None:
            return
        self.groups[into].members.extend(old.members)
        self.groups[into].denials.extend(old.denials)
        for key in old.members + old.denials:
            self._items[self._by_key[key]].group = into

    def cohesion(self, gid: int) -> float:
        """How well the group's members agree, 0..1: the mean, over members with words to
        compare, of their best similarity to another member (1.0 when fewer than two can be
        compared: a claim with its anaphoric denial, "denied the report"). A group held
        together by one loose paraphrase scores low and is shown as uncertain."""
        keys = self._linkage_keys(gid, MAX_LINKAGE)
        if len(keys) < 2:
            return 1.0
        items = [self._items[self._by_key[k]] for k in keys]
        best = [max(self.similarity(a, b) for j, b in enumerate(items) if j != i) for i, a in enumerate(items)]
        return min(1.0, math.fsum(best) / len(best))

    def group_of(self, article_id: int, claim_index: int) -> int:
        return self._items[self._by_key[(article_id, claim_index)]].group

    def is_denial(self, article_id: int, claim_index: int) -> bool:
        return self._items[self._by_key[(article_id, claim_index)]].denied

    def assignments(self) -> dict[tuple[int, int], int]:
        return {it.key: it.group for it in self._items}
