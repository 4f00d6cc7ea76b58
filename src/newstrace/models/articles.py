"""Articles: what ingest reads, what extraction makes of it, and what analysis adds.

Ingest produces `RawInput` (or `Failure`), extraction turns a `RawInput` into an
`Article`, later stages add to the `Article`. Annotations are character offsets into
`Article.text`, like spaCy spans into a Doc.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

#: What an input is. ``auto`` means "detect it".
InputKind = Literal["auto", "html", "text", "body", "warc", "feed"]
#: How extraction treated an input: an HTML page, a whole-page text dump, or a clean body.
ArticleKind = Literal["html", "text", "body"]

PARAGRAPH_SEPARATOR = "\n\n"


@dataclass(frozen=True)
class RawInput:
    """One document as it came in, before any extraction.

    ``source`` names where it came from in a way a user recognises: a file path, a URL,
    ``archive.warc.gz#record-17`` or ``feed.xml#entry-3``. ``data`` is the raw bytes.
    """

    source: str
    data: bytes
    kind: InputKind = "auto"
    url: str | None = None
    #: charset from an HTTP header or WARC record, if any
    encoding: str | None = None
    #: media type from an HTTP header or WARC record, if any
    content_type: str | None = None
    fetched_at: str | None = None
    #: hints from the container (feed entry title, date, author ...)
    hints: dict[str, str] = field(default_factory=dict)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


@dataclass
class Caption:
    """An image caption and the credit printed with it (``YONHAP``, ``Reuters/Jane Doe``)."""

    text: str
    credit: str | None = None


@dataclass
class Span:
    """A stretch of ``Article.text``: ``text == article.text[start:end]``."""

    start: int
    end: int
    text: str


#: What kind of thing a claim's source is.
SourceType = Literal[
    "person", "organisation", "news-outlet", "government", "document", "social-media", "anonymous", "unknown"
]
#: How a claim is reported.
ClaimKind = Literal["direct", "indirect", "mixed", "according-to"]
#: Whether the source asserts the content or denies it.
Stance = Literal["asserted", "denied"]


@dataclass
class SourceRef:
    """Who a claim is attributed to: the span in the text and the entity it stands for."""

    start: int
    end: int
    text: str
    #: canonical name of the entity ("South Korea's Defense Ministry"), after resolving
    #: pronouns and descriptions ("the ministry", "he") to the earlier named mention
    entity: str | None = None
    type: SourceType = "unknown"
    #: for anonymous sources: what the article says about them ("a Ukrainian intelligence source")
    description: str | None = None


@dataclass
class Quantity:
    """A number in a claim's content: "up to 3,000 North Koreans"."""

    start: int
    end: int
    text: str
    value: float
    #: upper end for ranges ("between 3,000 and 3,200"), else None
    value_max: float | None = None
    #: "up to", "about", "at least", "more than", ... or None
    qualifier: str | None = None
    #: what is counted ("North Koreans", "tonnes of ammonia"), as printed
    counted: str | None = None


@dataclass
class Place:
    start: int
    end: int
    text: str


#: Named-entity labels kept in ``Article.entities`` (spaCy's names): who and what is named.
#: Dates, times and numbers (DATE, TIME, CARDINAL, ORDINAL, QUANTITY, MONEY, PERCENT) are not.
ENTITY_LABELS = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART"}
)


@dataclass
class Entity:
    """One mention of a named entity: ``article.text[start:end]`` is the mention as printed,
    ``text`` the same with its whitespace squeezed to single spaces; ``label`` is the spaCy
    label (PERSON, ORG, GPE ..., see :data:`ENTITY_LABELS`)."""

    start: int
    end: int
    text: str
    label: str


@dataclass
class Claim:
    """One attributed statement: who said what, how, when, citing whom."""

    source: SourceRef | None
    cue: Span
    content: list[Span]
    kind: ClaimKind = "indirect"
    #: canonical source names from the immediate source back to the origin
    chain: list[str] = field(default_factory=list)
    stance: Stance = "asserted"
    #: ISO date of the statement, resolved against the publication date, or None
    date: str | None = None
    quantities: list[Quantity] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    #: 0..1, how sure the extractor is
    confidence: float = 1.0

    def to_record(self) -> dict[str, Any]:
        """The public JSON shape (the ``claims --format jsonl`` contract)."""
        parts = [asdict(c) for c in self.content]
        return {
            "source": asdict(self.source) if self.source else None,
            "cue": asdict(self.cue),
            "content": parts[0] if len(parts) == 1 else parts,
            "kind": self.kind,
            "chain": list(self.chain),
            "stance": self.stance,
            "date": self.date,
            "quantities": [asdict(q) for q in self.quantities],
            "places": [asdict(p) for p in self.places],
            "confidence": round(self.confidence, 3),
        }

    @classmethod
    def from_record(cls, rec: dict[str, Any]) -> Claim:
        content = rec["content"] if isinstance(rec["content"], list) else [rec["content"]]
        return cls(
            source=SourceRef(**rec["source"]) if rec.get("source") else None,
            cue=Span(**rec["cue"]),
            content=[Span(**c) for c in content],
            kind=rec.get("kind", "indirect"),
            chain=list(rec.get("chain") or []),
            stance=rec.get("stance", "asserted"),
            date=rec.get("date"),
            quantities=[Quantity(**q) for q in rec.get("quantities") or []],
            places=[Place(**p) for p in rec.get("places") or []],
            confidence=float(rec.get("confidence", 1.0)),
        )


@dataclass
class Article:
    """A clean article: metadata plus the body as paragraphs.

    ``text`` is the paragraphs joined by a blank line; every span of later stages
    points into it.
    """

    source: str
    kind: ArticleKind
    title: str | None = None
    authors: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    #: ISO date (YYYY-MM-DD) or None
    published: str | None = None
    #: the publication date-time as the page gives it, ISO 8601 with its UTC offset
    #: ("2026-03-14T07:30:00+01:00"), when the page carries a time of day; else None
    published_at: str | None = None
    outlet: str | None = None
    section: list[str] = field(default_factory=list)
    language: str | None = None
    url: str | None = None
    captions: list[Caption] = field(default_factory=list)
    paragraphs: list[str] = field(default_factory=list)
    #: free-form provenance of how fields were found, e.g. {"published": "json-ld"}
    evidence: dict[str, str] = field(default_factory=dict)
    #: attributed claims, added by the analysis stages (spans point into ``text``)
    claims: list[Claim] = field(default_factory=list)
    #: named-entity mentions, one per mention in text order, added by the claims stage
    #: (offsets point into ``text``); not part of the ``extract`` record
    entities: list[Entity] = field(default_factory=list)

    @property
    def text(self) -> str:
        return PARAGRAPH_SEPARATOR.join(self.paragraphs)

    @property
    def published_utc(self) -> str | None:
        """The publication instant in UTC ("2026-03-14T06:30:00Z"), for ordering; None
        without a time of day and offset."""
        return utc_instant(self.published_at)

    @property
    def content_hash(self) -> str:
        """Hash of what a reader sees: title and body. Same hash = same revision."""
        h = hashlib.sha256()
        h.update((self.title or "").encode("utf-8"))
        h.update(b"\x00")
        h.update(self.text.encode("utf-8"))
        return h.hexdigest()

    def to_record(self) -> dict[str, Any]:
        """The public JSON shape (the ``extract --format jsonl`` contract)."""
        return {
            "path": self.source,
            "title": self.title,
            "authors": list(self.authors),
            "emails": list(self.emails),
            "published": self.published,
            "published_at": self.published_at,
            "outlet": self.outlet,
            "section": list(self.section),
            "language": self.language,
            "url": self.url,
            "captions": [asdict(c) for c in self.captions],
            "paragraphs": list(self.paragraphs),
            "text": self.text,
            "error": None,
        }


def utc_instant(published_at: str | None) -> str | None:
    """The instant of an ISO date-time with an offset, in UTC ("2026-03-14T06:30:00Z"); None
    without a time or an offset."""
    if not published_at:
        return None
    try:
        when = datetime.fromisoformat(published_at.replace("Z", "+00:00"))
    except ValueError:
        return None
    if when.tzinfo is None:
        return None
    return when.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass(frozen=True)
class Failure:
    """An input that could not be processed, kept with its reason so nothing is lost silently.

    ``reason`` is a stable slug (``empty``, ``binary``, ``too-large``, ``no-article`` ...),
    ``message`` one line for people.
    """

    source: str
    stage: str
    reason: str
    message: str

    def to_record(self) -> dict[str, Any]:
        return {
            "path": self.source,
            "title": None,
            "authors": [],
            "emails": [],
            "published": None,
            "published_at": None,
            "outlet": None,
            "section": [],
            "language": None,
            "url": None,
            "captions": [],
            "paragraphs": [],
            "text": "",
            "error": f"{self.reason}: {self.message}",
        }


@dataclass(frozen=True)
class ExtractOptions:
    """Options for turning a RawInput into an Article."""

    #: force how the input is read; ``auto`` detects HTML vs text dump
    as_: Literal["auto", "html", "text", "body"] = "auto"
    #: publication date given by the user (ISO); it wins over what the page says
    published: str | None = None
    #: the URL of the page when known from outside (fetch, WARC, feed)
    url: str | None = None
