"""Word lists for claim extraction: data only, no logic.

Kept apart from the rules so that adding a reporting verb or a capital is a one-line change
that needs no reading of the code. Lower-case everywhere; matching code lower-cases.
"""

from __future__ import annotations

#: Lemmas of verbs that report a statement ("said", "told", "wrote on X", "reported").
CUE_VERBS = frozenset({
    "say", "tell", "write", "report", "state", "announce", "add", "claim", "confirm", "warn",
    "allege", "accuse", "insist", "acknowledge", "admit", "argue", "explain", "note", "estimate",
    "predict", "suggest", "assert", "declare", "post", "tweet", "cite", "quote", "reveal",
    "disclose", "indicate", "publish", "deny", "reject", "dispute", "refute", "dismiss",
    "contradict", "ask", "believe", "urge", "stress", "emphasise", "emphasize", "reiterate",
    "recount", "describe", "testify", "concede", "complain", "read",
})

#: Reporting verbs that deny rather than assert what follows.
DENIAL_VERBS = frozenset({"deny", "reject", "dispute", "refute", "dismiss", "contradict"})

#: Cues whose direct object is the content ("denied the report", "accused X of Y"); for other
#: verbs an object is no statement ("will publish an interim report", "asked the authority").
OBJECT_CUES = DENIAL_VERBS | frozenset({"accuse", "allege", "confirm", "acknowledge", "admit", "report",
                                        "announce", "claim", "estimate", "predict", "reveal", "disclose"})

#: Verbs that relay a source inside a source phrase ("a report that cited X").
CITING_VERBS = frozenset({"cite", "citing", "cited", "quote", "quoting", "quoted"})

#: Words of a cue phrase after the verb that belong to the cue ("said in a statement").
CUE_TAILS = (
    "in a statement", "in the statement", "in a post", "in a social media post", "on x", "on twitter",
    "on telegram", "on facebook", "on instagram", "on social media", "in an interview",
    "in a briefing", "at a briefing", "at a news conference", "at a press conference",
    "in a press release", "on its website", "in a report",
)

#: Platforms that make a cue "social media" ("wrote on X").
SOCIAL_PLATFORMS = frozenset({"x", "twitter", "telegram", "facebook", "instagram", "tiktok", "threads",
                              "bluesky", "social media", "weibo", "vk", "youtube"})

#: Head nouns of news organisations ("the Kyiv Post", "news outlet Sputnik").
OUTLET_HEADS = frozenset({
    "post", "times", "news", "agency", "wire", "gazette", "courier", "tribune", "journal", "herald",
    "radio", "tv", "television", "broadcaster", "outlet", "newspaper", "daily", "press", "ledger",
    "bulletin", "reuters", "telegraph", "guardian", "observer", "chronicle", "standard", "express",
    "media", "magazine", "network", "channel", "report", "reports", "berth",
})
#: Descriptors before a name that say it is a news organisation ("Russian news outlet Sputnik").
OUTLET_DESCRIPTORS = frozenset({"outlet", "agency", "newspaper", "broadcaster", "daily", "channel",
                                "magazine", "site", "website", "network", "media"})

#: Head nouns of government bodies ("the Defense Ministry", "the White House").
GOVERNMENT_HEADS = frozenset({
    "ministry", "government", "department", "office", "council", "house", "kremlin", "cabinet",
    "parliament", "presidency", "administration", "military", "army", "navy", "police", "command",
    "intelligence", "authorities", "authority", "duma", "senate", "congress", "embassy", "mayor",
    "countries", "governments", "state", "states", "forces", "service", "services",
})

#: Head nouns of documents that can be a source ("the report", "a letter", "the manifest").
DOCUMENT_HEADS = frozenset({
    "report", "reports", "statement", "letter", "document", "documents", "manifest", "study",
    "analysis", "memo", "filing", "record", "records", "survey", "data", "figures", "release",
    "assessment", "estimate", "papers", "bill",
})

#: Nouns that make an unnamed speaker anonymous ("a Ukrainian intelligence source").
ANONYMOUS_HEADS = frozenset({
    "source", "sources", "official", "officials", "person", "people", "insider", "insiders",
    "diplomat", "diplomats", "worker", "workers", "resident", "residents", "witness", "witnesses",
    "dockworker", "dockworkers", "employee", "employees", "officer", "officers", "expert", "experts",
    "analyst", "analysts", "spokesperson", "spokesman", "spokeswoman",
})
#: Phrases that mark an anonymous source wherever they stand.
ANONYMOUS_MARKERS = ("familiar with", "who spoke on condition", "who declined to be named",
                     "who asked not to be named", "not authorized to", "speaking on condition")

#: Words that start an indefinite description ("a source", "an official", "two officials").
INDEFINITE_STARTS = frozenset({"a", "an", "one", "two", "three", "several", "some", "many", "other",
                               "multiple", "unnamed", "anonymous", "industry", "senior"})

#: Heads of definite descriptions that stand for an organisation named before ("the company").
BODY_HEADS = frozenset({"company", "firm", "operator", "group", "carrier", "owner", "charity", "trust",
                        "association", "union", "campaign", "organisation", "organization", "agency"})

#: Role nouns that a name in apposition makes a person ("the mayor, Odile Strand,").
PERSON_ROLES = frozenset({"mayor", "minister", "spokesperson", "spokesman", "spokeswoman", "chief", "director",
                          "president", "executive", "chair", "chairman", "chairwoman", "head", "leader",
                          "secretary", "governor", "commander", "officer", "official", "manager", "captain",
                          "master", "founder", "owner", "analyst", "expert", "researcher", "lawyer", "ambassador"})

#: Pronouns that stand for a person, and their grammatical number.
PERSON_PRONOUNS = frozenset({"he", "she", "him", "her"})
PLURAL_PRONOUNS = frozenset({"they", "them"})
ORG_PRONOUNS = frozenset({"it"})

#: Phrases that stand for the two parties named just before ("a charge that both countries denied").
BOTH_PHRASES = ("both countries", "both governments", "both nations", "both sides", "both parties",
                "both companies", "both men", "both women", "the two countries", "the two governments",
                "each country", "both")

#: Capitals used as metonyms for their country's government ("Seoul's Defense Ministry").
CAPITALS = {
    "seoul": "South Korea", "pyongyang": "North Korea", "moscow": "Russia", "kyiv": "Ukraine",
    "kiev": "Ukraine", "washington": "the United States", "beijing": "China", "tokyo": "Japan",
    "london": "Britain", "paris": "France", "berlin": "Germany", "tehran": "Iran",
    "jerusalem": "Israel", "ankara": "Turkey", "new delhi": "India", "islamabad": "Pakistan",
    "taipei": "Taiwan", "brussels": "Belgium", "rome": "Italy", "madrid": "Spain", "warsaw": "Poland",
    "minsk": "Belarus", "damascus": "Syria", "baghdad": "Iraq", "riyadh": "Saudi Arabia",
    "cairo": "Egypt", "ottawa": "Canada", "canberra": "Australia", "hanoi": "Vietnam",
    "manila": "the Philippines", "jakarta": "Indonesia", "bangkok": "Thailand", "kabul": "Afghanistan",
    "havana": "Cuba", "caracas": "Venezuela", "brasilia": "Brazil", "mexico city": "Mexico",
}

#: Determiners and descriptors stripped from the front of a canonical name.
LEADING_STRIP = frozenset({"the", "a", "an", "this", "that", "these", "those"})
