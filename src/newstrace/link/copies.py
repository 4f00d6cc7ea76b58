"""Syndicated and lightly edited copies: exact content hashes plus MinHash LSH.

A :class:`CopyIndex` owns a datasketch ``MinHashLSH``. Each added article is reduced to
its body as a reader sees it, with credit lines taken out first (a dateline such as
``MARROWICK, Calderra (Harbor Wire) —``, an end line such as "This story was originally
published by Harbor Wire."), lower-cased into words and cut into 5-word shingles. An
identical body (same hash of its words) is a copy at once; otherwise the LSH returns
candidates, and a candidate is a copy when the MinHash estimate of the shingle Jaccard, or
of the containment of the shorter article in the longer one (a copy with paragraphs cut),
clears a floor. A paraphrase that credits its source ("As first reported by Harbor Wire")
shares almost no 5-word shingles with it and is not a copy.

Which one is the original: the credited one, when the copy credits an outlet that an
indexed look-alike belongs to (cross-site ``rel=canonical`` recorded by extraction in
``article.evidence["canonical"]``, an "originally published by X" line, a dateline credit
"(X)"); otherwise the earliest by publication date (the first indexed on a tie). Copies
may arrive before their original, so adding an article can make it the original of a group
already indexed; :meth:`CopyIndex.add_all` returns every relation that changed.

The cost of one ``add`` is one MinHash, one LSH query and a check of its few candidates:
no pairwise scan. The index round-trips through :meth:`CopyIndex.to_bytes` /
:meth:`CopyIndex.from_bytes`, a compact format (JSON header plus the MinHash signatures as
uint32) that, unlike pickle, runs no code when a store loads it.
"""

from __future__ import annotations

import hashlib
import json
import re
import struct
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

from newstrace.link.protocol import PastArticles
from newstrace.models import Article

#: Signature length. 128 permutations give a Jaccard estimate with a standard error of
#: about 0.04 (sqrt(J(1-J)/128)), ample against the gap measured on the sample corpus
#: (syndicated copy 0.83, every other pair below 0.02), at 512 bytes per article.
NUM_PERM = 128
#: Words per shingle. Five words keep shared phrases ("the port of Marrowick") from making
#: rewrites look alike while a changed word only breaks the five shingles around it.
SHINGLE_WORDS = 5
#: LSH candidate threshold: deliberately below :data:`COPY_JACCARD` so that copies with
#: paragraphs cut (low Jaccard, high containment) still come back as candidates.
#: Calibrated on the sample wire story (17 paragraphs): copies keeping its first 6 or 4
#: paragraphs (Jaccard 0.40, 0.25) come back and are found by containment; one keeping
#: only 3 (0.19) does not.
LSH_THRESHOLD = 0.3
#: A candidate whose estimated Jaccard reaches this is a copy. The sample corpus's
#: syndicated copy (new headline, edited lead, a figure moved, a sentence cut) scores 0.83;
#: the closest unrelated pair and the credited rewrite score under 0.02. The wire story
#: with one paragraph cut and two rewritten scores 0.74; its first 8 paragraphs alone 0.53.
COPY_JACCARD = 0.5
#: ... or whose estimated containment of the shorter article in the longer one reaches
#: this (a wire story cut down to its first paragraphs). Guarded by :data:`MIN_SHINGLES`.
COPY_CONTAINMENT = 0.8
#: Bodies with fewer shingles than this are too short for the containment rule (a two-line
#: brief is "contained" in many stories); they are copies only by Jaccard or exact hash.
MIN_SHINGLES = 40
#: Identical bodies looked at per new article (a wire story printed by hundreds of sites
#: would otherwise make one ``add`` cost as much as its group); their originals are added.
MAX_EXACT = 16
#: Seed of the MinHash permutations; stored in the serialised index and checked on load.
SEED = 1

_FORMAT = b"NTCOPY1\n"

# -- credit lines -------------------------------------------------------------------------

#: "MARROWICK, Calderra (Harbor Wire) — ", "WASHINGTON (AP) - ", "(Reuters) -"
_DATELINE = re.compile(
    r"^\s*(?:[A-Z][A-Z .'’\-]*(?:,\s*[A-Z][\w .'’\-]*)?\s*)?\(([^()]{2,60})\)\s*[—–\-]{1,2}\s*"
)
#: "This story was originally published by Harbor Wire.", "Originally published in X",
#: "This article first appeared on X", "Republished with permission from X"
_CREDIT_LINE = re.compile(
    r"^\s*(?:this\s+(?:story|article|report|piece)\s+(?:was\s+|is\s+|has\s+been\s+)?"
    r"(?:originally|first)\s+(?:published|appeared|posted)|originally\s+(?:published|appeared)|"
    r"republished(?:\s+with\s+permission)?|reprinted(?:\s+with\s+permission)?)"
    r"\s+(?:by|in|on|at|from)\s+(?:the\s+website\s+of\s+)?(.{2,80}?)\s*[.!]?\s*$",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class CopyMatch:
    """``copy_id`` is a copy of ``original_id``; ``similarity`` is the estimated shingle
    Jaccard (1.0 for an identical body); ``evidence`` says why, in order: how the bodies
    matched, then how the original was chosen."""

    copy_id: int
    original_id: int
    similarity: float
    evidence: tuple[str, ...]


@dataclass
class _Doc:
    published: str | None
    order: int
    body_hash: str
    shingles: int
    outlet_keys: frozenset[str]
    url: str | None
    #: outlets this article credits (normalised keys), and its cross-site canonical URL
    credits: frozenset[str]
    canonical: str | None
    credit_how: dict[str, str] = field(default_factory=dict)


def _norm_outlet(name: str) -> str:
    name = re.sub(r"[^\w\s]", " ", name.lower())
    words = [w for w in name.split() if w]
    if words and words[0] == "the":
        words = words[1:]
    return " ".join(words)


def _norm_url(url: str | None) -> str | None:
    if not url:
        return None
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    if not host:
        return None
    return host + (parts.path.rstrip("/") or "")


def _host(url: str | None) -> str | None:
    return url.split("/", 1)[0] if url else None


def _outlet_keys(outlet: str | None, url: str | None) -> frozenset[str]:
    keys: set[str] = set()
    if outlet:
        norm = _norm_outlet(outlet)
        if norm:
            keys.update({norm, norm.replace(" ", "")})
            words = [w for w in norm.split() if w not in {"of", "and", "the"}]
            if len(words) >= 2:
                keys.add("".join(w[0] for w in words))  # "associated press" -> "ap"
    host = _host(url)
    if host:
        keys.add(host)
        keys.add(host.split(".")[0])  # harborwire.net -> harborwire
    return frozenset(keys)


def _credit_keys(credit: str) -> set[str]:
    norm = _norm_outlet(credit)
    return {norm, norm.replace(" ", "")} if norm else set()


def split_credits(article: Article) -> tuple[list[str], dict[str, str]]:
    """The body paragraphs with credit lines taken out, and the outlets credited
    (normalised key -> how it was found: ``dateline``, ``credit line``)."""
    paragraphs = list(article.paragraphs)
    credits: dict[str, str] = {}
    kept: list[str] = []
    for i, para in enumerate(paragraphs):
        line = _CREDIT_LINE.match(para) if len(para) < 200 else None
        if line:
            for key in _credit_keys(line.group(1)):
                credits.setdefault(key, "credit line")
            continue
        if i == 0:
            dateline = _DATELINE.match(para)
            if dateline:
                for key in _credit_keys(dateline.group(1)):
                    credits.setdefault(key, "dateline")
                para = para[dateline.end() :]
        kept.append(para)
    return kept, credits


def shingles(paragraphs: list[str]) -> set[bytes]:
    """Lower-cased 5-word shingles of the text (the whole text when it is shorter)."""
    words = _WORD.findall(" ".join(paragraphs).lower())
    if not words:
        return set()
    n = SHINGLE_WORDS
    if len(words) < n:
        return {" ".join(words).encode("utf-8")}
    return {" ".join(words[i : i + n]).encode("utf-8") for i in range(len(words) - n + 1)}


def _body_hash(paragraphs: list[str]) -> str:
    words = _WORD.findall(" ".join(paragraphs).lower())
    return hashlib.sha256(" ".join(words).encode("utf-8")).hexdigest()


def _date_key(doc: _Doc) -> tuple[int, str, int]:
    # Dated articles before undated ones, then by date, then first indexed.
    return (0 if doc.published else 1, doc.published or "", doc.order)


class CopyIndex:
    """Incremental index of article bodies that finds syndicated and near-identical copies."""

    def __init__(self) -> None:
        self._lsh = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
        self._docs: dict[int, _Doc] = {}
        self._sigs: dict[int, np.ndarray] = {}
        self._by_hash: dict[str, list[int]] = {}
        #: copy id -> original id, and the reverse
        self._original: dict[int, int] = {}
        self._copies: dict[int, set[int]] = {}
        self._next_order = 0
        self._scheme: str | None = MinHash(num_perm=NUM_PERM, seed=SEED).scheme

    @classmethod
    def build(cls, past: PastArticles, since: str | None = None) -> CopyIndex:
        """An index of the stored articles (all, or those published since a date), in
        ingest order: how a store that kept no serialised index starts one."""
        index = cls()
        for doc_id, article in past.articles_since(since):
            index.add_all(doc_id, article)
        return index

    # -- queries --------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self._docs)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._docs

    def original_of(self, doc_id: int) -> int | None:
        """The original this article is a copy of, or None."""
        return self._original.get(doc_id)

    def root_of(self, doc_id: int) -> int:
        """Follow copy -> original links to the first original (the article itself if none)."""
        seen = {doc_id}
        while (nxt := self._original.get(doc_id)) is not None and nxt not in seen:
            seen.add(nxt)
            doc_id = nxt
        return doc_id

    def copies_of(self, doc_id: int) -> list[int]:
        """The indexed direct copies of this original, in id order."""
        return sorted(self._copies.get(doc_id, ()))

    def _link(self, copy_id: int, orig_id: int) -> None:
        self._unlink(copy_id)
        self._original[copy_id] = orig_id
        self._copies.setdefault(orig_id, set()).add(copy_id)

    def _unlink(self, copy_id: int) -> None:
        old = self._original.pop(copy_id, None)
        if old is not None:
            self._copies[old].discard(copy_id)
            if not self._copies[old]:
                del self._copies[old]

    # -- adding ---------------------------------------------------------------------
    def add(self, doc_id: int, article: Article) -> CopyMatch | None:
        """Index the article; return how it relates to an earlier indexed one, if it is a
        copy of it (or, when it arrived late, the original of it), else None."""
        changed = self.add_all(doc_id, article)
        return changed[0] if changed else None

    def add_all(self, doc_id: int, article: Article) -> list[CopyMatch]:
        """Index the article and return every copy relation this changed, best first.

        Re-adding an id (a revised article) replaces its entry.
        """
        if doc_id in self._docs:
            self.remove(doc_id)
        paragraphs, credits = split_credits(article)
        sh = shingles(paragraphs)
        if not sh:
            return []
        canonical = _norm_url(article.evidence.get("canonical"))
        doc = _Doc(
            published=article.published,
            order=self._next_order,
            body_hash=_body_hash(paragraphs),
            shingles=len(sh),
            outlet_keys=_outlet_keys(article.outlet, _norm_url(article.url)),
            url=_norm_url(article.url),
            credits=frozenset(credits) | ({_host(canonical) or ""} - {""}),
            canonical=canonical,
            credit_how=credits,
        )
        self._next_order += 1
        sig, matches = self._match(doc, sh)
        self._docs[doc_id] = doc
        self._sigs[doc_id] = sig
        self._by_hash.setdefault(doc.body_hash, []).append(doc_id)
        self._lsh.insert(doc_id, LeanMinHash(seed=SEED, hashvalues=sig, scheme=self._scheme))
        return self._resolve(doc_id, doc, matches)

    def remove(self, doc_id: int) -> None:
        """Take an article out of the index; its copies become originals of their own."""
        doc = self._docs.pop(doc_id, None)
        if doc is None:
            return
        self._sigs.pop(doc_id, None)
        self._lsh.remove(doc_id)
        same = self._by_hash.get(doc.body_hash, [])
        if doc_id in same:
            same.remove(doc_id)
        if not same:
            self._by_hash.pop(doc.body_hash, None)
        self._unlink(doc_id)
        for copy in self.copies_of(doc_id):
            self._unlink(copy)

    def prune(self, before: str) -> int:
        """Forget articles published before the ISO date ``before`` (undated ones are kept),
        so that a long-running index holds a window of recent news and its memory stays
        bounded; returns how many were dropped. Copy relations already reported stay where
        the caller stored them; a copy of a forgotten article arriving later is not found
        (syndication happens within days, so the window is a trade the caller sets)."""
        gone = [d for d, doc in self._docs.items() if doc.published and doc.published[:10] < before]
        for doc_id in gone:
            doc = self._docs.pop(doc_id)
            self._sigs.pop(doc_id, None)
            self._lsh.remove(doc_id)
            same = self._by_hash.get(doc.body_hash, [])
            if doc_id in same:
                same.remove(doc_id)
            if not same:
                self._by_hash.pop(doc.body_hash, None)
        for doc_id in gone:  # relations with a forgotten end are the store's to remember
            self._unlink(doc_id)
            for copy in list(self._copies.get(doc_id, ())):
                self._unlink(copy)
        return len(gone)

    def _match(self, doc: _Doc, sh: set[bytes]) -> tuple[np.ndarray, dict[int, tuple[float, str]]]:
        """The signature of the new body and the indexed look-alikes: id -> (jaccard, how)."""
        exact = self._by_hash.get(doc.body_hash)
        if exact:  # identical body: reuse the signature, skip the LSH query
            sig = self._sigs[exact[0]].copy()
            return sig, {other: (1.0, "identical body") for other in exact[:MAX_EXACT]}
        mh = MinHash(num_perm=NUM_PERM, seed=SEED)
        mh.update_batch(list(sh))
        sig = np.asarray(mh.hashvalues, dtype=np.uint32)
        lean = LeanMinHash(mh)
        matches: dict[int, tuple[float, str]] = {}
        for other in self._lsh.query(lean):
            jac = float(np.mean(self._sigs[other] == sig))
            if jac >= COPY_JACCARD:
                matches[other] = (jac, f"shingle Jaccard ~{jac:.2f}")
                continue
            small, large = sorted((doc.shingles, self._docs[other].shingles))
            if small < MIN_SHINGLES:
                continue
            # |A∩B| = J(|A|+|B|)/(1+J); containment of the smaller body in the larger
            contained = jac * (small + large) / (1 + jac) / small
            if contained >= COPY_CONTAINMENT:
                matches[other] = (jac, f"contained ~{min(contained, 1.0):.2f} (shingle Jaccard ~{jac:.2f})")
        return sig, matches

    # -- which one is the original ----------------------------------------------------
    def _credits(self, copy: _Doc, original_id: int) -> str | None:
        """How ``copy`` credits the indexed article ``original_id``, if it does."""
        orig = self._docs[original_id]
        if copy.canonical and orig.url and copy.canonical == orig.url:
            return "canonical link to it"
        shared = copy.credits & orig.outlet_keys
        if not shared:
            return None
        key = sorted(shared)[0]
        how = copy.credit_how.get(key, "canonical link to its site")
        return f"{how} credits {key!r}"

    def _resolve(self, new_id: int, new: _Doc, matches: dict[int, tuple[float, str]]) -> list[CopyMatch]:
        if not matches:
            return []
        ranked = sorted(matches, key=lambda m: (-matches[m][0], self._docs[m].order))
        for m in list(ranked):  # the originals of look-alikes are look-alikes too
            root = self.root_of(m)
            if root not in matches and root != new_id:
                matches[root] = matches[m]
                ranked.append(root)
        # 1. the new article credits one of its look-alikes: that one is the original
        credited = [(m, how) for m in ranked if (how := self._credits(new, m))]
        if credited:
            orig, how = min(credited, key=lambda c: _date_key(self._docs[c[0]]))
            return [self._record(new_id, orig, matches[orig], how)]
        # 2. look-alikes credit the new article, or it is the earliest: it is the original
        roots = {self.root_of(m) for m in ranked}
        crediting = {m: how for m in ranked if (how := self._credits(self._docs[m], new_id))}
        earliest = min([new_id, *roots], key=lambda d: _date_key(self._docs[d]))
        if crediting or earliest == new_id:
            return self._adopt(new_id, new, ranked, matches, crediting)
        # 3. otherwise the earliest of the group
        best = ranked[0]
        return [self._record(new_id, earliest, matches[best], "earliest published")]

    def _adopt(
        self,
        new_id: int,
        new: _Doc,
        ranked: list[int],
        matches: dict[int, tuple[float, str]],
        crediting: dict[int, str],
    ) -> list[CopyMatch]:
        """The new article is the original: its look-alikes (and their groups, when the
        new one wins over their root) become its copies."""
        out: list[CopyMatch] = []
        for m in ranked:
            if m in crediting:
                member, how = m, f"its {crediting[m]} (the new article's outlet)"
            else:
                member, how = self.root_of(m), "published later"
                if member == new_id:
                    continue
                beaten = _date_key(new) < _date_key(self._docs[member])
                if not beaten and not self._credits(self._docs[member], new_id):
                    continue  # its group's original is older: leave the group alone
            if self._original.get(member) == new_id:
                continue
            sim, match_how = matches.get(member, matches[m])
            self._link(member, new_id)
            out.append(CopyMatch(member, new_id, round(sim, 3), (match_how, how)))
        return out

    def _record(self, copy_id: int, orig_id: int, match: tuple[float, str], how: str) -> CopyMatch:
        if not how.startswith(("canonical", "dateline", "credit")):
            orig_id = self.root_of(orig_id)  # a copy of a copy is a copy of the first
        self._link(copy_id, orig_id)
        return CopyMatch(copy_id, orig_id, round(match[0], 3), (match[1], how))

    # -- persistence ------------------------------------------------------------------
    def to_bytes(self) -> bytes:
        """A compact, code-free serialisation (JSON header + uint32 signatures)."""
        ids = list(self._docs)
        header = {
            "num_perm": NUM_PERM,
            "seed": SEED,
            "scheme": self._scheme,
            "next_order": self._next_order,
            "ids": ids,
            "docs": [_doc_record(self._docs[i]) for i in ids],
            "original": [[c, o] for c, o in self._original.items()],
        }
        head = json.dumps(header, separators=(",", ":")).encode("utf-8")
        sigs = np.stack([self._sigs[i] for i in ids]).astype("<u4") if ids else np.zeros((0, NUM_PERM), "<u4")
        return _FORMAT + struct.pack("<I", len(head)) + head + sigs.tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> CopyIndex:
        """Load what :meth:`to_bytes` wrote; raises ValueError on a foreign or mismatched index."""
        if not data.startswith(_FORMAT):
            raise ValueError("not a newstrace copy index")
        offset = len(_FORMAT)
        (size,) = struct.unpack_from("<I", data, offset)
        offset += 4
        header = json.loads(data[offset : offset + size].decode("utf-8"))
        if header["num_perm"] != NUM_PERM or header["seed"] != SEED:
            raise ValueError("copy index built with other MinHash settings; rebuild it")
        index = cls()
        index._scheme = header["scheme"]
        index._next_order = header["next_order"]
        ids = header["ids"]
        sigs = np.frombuffer(data, dtype="<u4", offset=offset + size).reshape(len(ids), NUM_PERM)
        with index._lsh.insertion_session() as session:
            for doc_id, rec, sig in zip(ids, header["docs"], sigs, strict=True):
                doc = _doc_from_record(rec)
                index._docs[doc_id] = doc
                index._sigs[doc_id] = sig.astype(np.uint32)
                index._by_hash.setdefault(doc.body_hash, []).append(doc_id)
                session.insert(doc_id, LeanMinHash(seed=SEED, hashvalues=index._sigs[doc_id], scheme=index._scheme))
        for copy_id, orig_id in header["original"]:
            index._link(copy_id, orig_id)
        return index


def _doc_record(doc: _Doc) -> dict[str, object]:
    return {
        "published": doc.published,
        "order": doc.order,
        "hash": doc.body_hash,
        "shingles": doc.shingles,
        "outlet_keys": sorted(doc.outlet_keys),
        "url": doc.url,
        "credits": sorted(doc.credits),
        "canonical": doc.canonical,
        "credit_how": doc.credit_how,
    }


def _doc_from_record(rec: dict[str, object]) -> _Doc:
    return _Doc(
        published=rec["published"],  # type: ignore[arg-type]
        order=int(rec["order"]),  # type: ignore[call-overload]
        body_hash=str(rec["hash"]),
        shingles=int(rec["shingles"]),  # type: ignore[call-overload]
        outlet_keys=frozenset(rec["outlet_keys"]),  # type: ignore[arg-type]
        url=rec["url"],  # type: ignore[arg-type]
        credits=frozenset(rec["credits"]),  # type: ignore[arg-type]
        canonical=rec["canonical"],  # type: ignore[arg-type]
        credit_how=dict(rec["credit_how"]),  # type: ignore[call-overload]
    )
