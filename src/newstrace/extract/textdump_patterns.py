"""Data for the text-dump extractor: widget phrases, byline, credit and breadcrumb patterns.

Data only, no logic, so the lists can grow without touching the extractor. Phrases are
generic page furniture seen across many sites; none names a site.
"""

from __future__ import annotations

import re

from newstrace.extract import patterns as html_patterns

#: Short lines (matched whole, case-insensitive) that are page furniture.
WIDGET_LINE = re.compile(
    r"^(?:advertisement|advertising|ad|sponsored|share|share this|share this (?:article|story|post)"
    r"|tweet|email|e-mail|print|facebook|twitter|x|linkedin|whatsapp|reddit|pinterest|telegram"
    r"|copy link|link copied|comments?|\d+ comments?|read more|see more|show more|load more|more"
    r"|related|related articles?|related stories|related content|recommended|most popular|most read"
    r"|trending|you may also like|you might also like|more from .{1,40}|more stories|latest news"
    r"|subscribe|sign in|sign up|log ?in|log out|register|menu|search|close|skip to (?:main )?content"
    r"|back to top|top|home|next|previous|listen|listen to this article|gift this article"
    r"|save|saved|follow|follow us|newsletter|get the newsletter|continue reading|view comments"
    r"|loading|loading\.\.\.|image|photo|video|play video|watch|open in app|toggle menu|accept"
    r"|accept all|reject all|manage (?:cookies|preferences)|cookie settings|got it|ok"
    r")[\s.:!›»>]*$",
    re.I,
)

#: Phrases that mark a line as a widget or notice wherever they occur in a short line.
WIDGET_PHRASE = re.compile(
    r"\(BUTTON\)|\[BUTTON\]|_{4,}|IFRAME:|\bcookies?\b|privacy policy|terms of (?:use|service)"
    r"|all rights reserved|©|\bcopyright\b|sign up for|subscribe to|newsletter|click here"
    r"|share (?:on|this|via)|follow us|download (?:the|our) app|log in to|please log in"
    r"|comments? (?:are|is) (?:closed|moderated)|leave a comment|post a comment|write comments?"
    r"|read more|related article|more from|recommended for you|advertisement|sponsored content"
    r"|javascript|your browser|enable js|\bad choices\b|do not sell|\bwatch:|\bread also\b"
    r"|\bsee also\b|\bread next\b|\bup next\b|\bjoin the conversation\b|\bunlock\b.*\barticles?\b"
    r"|\bbecome a (?:member|subscriber|supporter)\b|\bsupport (?:our|local|independent|public) (?:journalism|radio|news)"
    r"|\bdonate (?:now|today)\b",
    re.I,
)

#: "Related Article"-style lead-ins to links inserted between body paragraphs.
RELATED_LEADIN = re.compile(
    r"^(?:related(?: articles?| stories| coverage| content| reading)?|read (?:more|also|next)"
    r"|see also|more|also read|watch|listen|recommended|more coverage|editor'?s picks?)\s*[:\-–—]?\s*",
    re.I,
)

#: A caption credit at the end of a line: "[YONHAP]", "(AP Photo/Jane Doe)", "Photo: X", "Credit: X".
#: (No leading "\s*" and a lookbehind instead of "\s+": a pattern that opens with a run of
#: spaces is retried from each space of a long run, in time quadratic in its length.)
CREDIT_TAIL = re.compile(
    r"(?:\[(?P<b>[^\[\]]{2,80})\]"
    r"|\((?P<p>(?:[^()]*\b(?:photo|photograph|image|pictures?|getty|reuters|afp|ap|epa|file|courtesy"
    r"|credit|via|shutterstock|illustration|handout|pool|newscom|alamy|yonhap|xinhua|bloomberg)\b[^()]*)|[A-Z][A-Z /.&'-]{2,40})\)"
    r"|(?<=\s)(?:[|·–—-]\s*+)?(?P<l>(?:photo|photograph|image|picture|credit|photo credit|source|illustration)s?"
    r"\s*+(?:by)?\s*+[:/]\s*[^.]{2,80}))\s*$",
    re.I,
)
#: A line that is nothing but a credit: "Getty Images", "Reuters/Jane Doe", "Photo: AFP".
CREDIT_LINE = re.compile(
    r"^(?:(?:photo|photograph|image|picture|credit|photo credit|illustration)s?\s*(?:by)?\s*[:/]\s*.{2,80}"
    r"|.{0,60}\b(?:via getty images|getty images|shutterstock|afp via getty images|ap photo.*"
    r"|reuters/.{2,40}|/ ?reuters|/ ?afp|/ ?ap|file photo)\)?)$",
    re.I,
)

#: Byline lead-ins: "By Jane Doe", "Written by Jane Doe", "Words by ...", "Reporting by".
BYLINE = re.compile(
    r"^(?:[•·*\-]\s*)?(?:by|written by|words by|story by|reporting by|posted by|author:|authors:|reported by)"
    r"\s*[:\-]?\s+(?P<names>.+)$",
    re.I,
)
#: Words that end a name list in a byline ("By Jane Doe, Staff Writer - 12/22/23").
BYLINE_STOP = re.compile(
    r"\s(?:[-–—|•·]|updated|published|posted|on (?:mon|tue|wed|thu|fri|sat|sun)|\d{1,2}/\d{1,2}/\d{2,4}"
    r"|(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.? \d)\s*.*$",
    re.I,
)
#: A word glued to a name by the browser ("DoeDec 22", "DoeStaff Writer"): split before it.
GLUED_WORD = re.compile(
    r"(?<=[a-z])(?=(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s*\d"
    r"|(?:Staff|Senior|Contributor|Contributing|Reporter|Writer|Editor|Correspondent|Updated|Published"
    r"|Posted|Photo|Family|News)\b)"
)
#: Job titles and outlet words that follow a name in a byline and are not names.
NOT_A_NAME = re.compile(
    r"\b(?:staff|writer|reporter|correspondent|editor|contributor|columnist|news|press|associated"
    r"|agency|team|desk|bureau|service|media|times|post|daily|journal|herald|tribune|online|wire"
    r"|updated|published|minutes?|hours?|ago|read|min|and more|photographer|senior|chief|analyst|policy"
    r"|privacy|studio|subscribe|sign|share|comments?|follow|home|menu|search|photo|image|video)\b",
    re.I,
)

#: Breadcrumb separators: "Home > National > North Korea", "News / World", "Home » Sport".
#: (It starts where a run of spaces starts: retried inside a long run, it took quadratic time.)
BREADCRUMB_SEP = re.compile(r"(?<!\s)\s+(?:>|»|›|/|\||::|→)\s+")

#: Copyright footer naming the outlet: "© 2024 Example News", "Copyright 2023 The Daily X".
COPYRIGHT = re.compile(
    r"(?:©|\(c\)|copyright)\s*(?:©\s*)?(?:\d{4}(?:\s*[-–]\s*\d{4})?\s*,?\s*)?(?P<name>[A-Z][^.|©\n]{1,60}?)"
    r"(?:\s*[,.|]|\s+all rights|\s+\d{4}|\s*$)",
    re.I,
)

#: E-mail addresses: the one pattern of the HTML extractor (bounded, see there).
EMAIL = html_patterns.EMAIL

#: Common English function words, for a language guess and for "reads like prose".
EN_STOPWORDS = frozenset(
    "the a an and or but of to in on at for with by from as is are was were be been being it its this that"
    " these those he she they we you i his her their our your not no has have had will would can could"
    " said says about after before into over than then there which who whom what when where while also"
    " more most some any all one two up out if so do does did just only new".split()
)
