"""Data for HTML extraction: phrases and patterns of page furniture, bylines and credits.

Only data lives here (no logic), so that the lists can be read and extended at a glance.
Every pattern is generic page furniture seen across many outlets; none names a site.
"""

from __future__ import annotations

import re

#: JSON-LD @type values that describe an article page.
ARTICLE_TYPES = frozenset(
    t.lower()
    for t in (
        "Article", "NewsArticle", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle",
        "ReviewNewsArticle", "BackgroundNewsArticle", "AskPublicNewsArticle", "BlogPosting", "LiveBlogPosting",
        "SocialMediaPosting", "Report", "ScholarlyArticle", "TechArticle", "Review", "Recipe", "VideoObject",
        "WebPage", "ItemPage", "MedicalWebPage",
    )
)
#: Of those, the ones that are surely the article (WebPage is a weaker fallback).
STRONG_ARTICLE_TYPES = ARTICLE_TYPES - {"webpage", "itempage", "medicalwebpage", "videoobject", "recipe", "review"}

#: JSON-LD @type values of organisations (an "author" of these types is not a person).
ORG_TYPES = frozenset(t.lower() for t in ("Organization", "NewsMediaOrganization", "Corporation", "WebSite", "Brand"))

#: Meta tags giving the publication date, best first.
DATE_META = (
    "article:published_time", "og:article:published_time", "datepublished", "pubdate", "publishdate",
    "publish-date", "published_time", "published-date", "date", "dc.date.issued", "dc.date", "dcterms.created",
    "sailthru.date", "parsely-pub-date", "article.published", "published_at", "cxenseparse:recs:publishtime",
    "og:published_time", "article_date_original", "original-publish-date", "datecreated",
)

#: Meta tags naming authors, best first.
AUTHOR_META = ("author", "article:author", "og:article:author", "dc.creator", "sailthru.author", "parsely-author",
               "byl", "citation_author", "dcterms.creator", "twitter:creator")

#: Meta tags naming the outlet.
OUTLET_META = ("og:site_name", "application-name", "apple-mobile-web-app-title", "twitter:site", "publisher",
               "dc.publisher", "cre")

#: A "By" in front of a byline, in the languages we meet.
BYLINE_PREFIX = re.compile(
    r"^\s*(?:(?:written|posted|reported|story|text|words|photos?)\s+)?(?:by|von|par|por|di|door|av|af|przez)\s*[:\-]?\s+",
    re.I,
)
#: NAME_SEPARATOR, NAME_TAIL and DEGREES run on squeezed byline text, cut into parts of at most
#: 300 characters (metadata.split_names): on long runs of spaces they take super-linear time.
#: Words that end a byline's list of names ("and" between names, or a role after a comma).
#: Lower-case "et", "y", "e" only: as capitals they are initials ("Robert E. Moffit").
NAME_SEPARATOR = re.compile(r"\s*(?:,|;|\||&|\b(?i:and|und|with)\b|\b(?:et|y|e)\b)\s*")
#: Roles and tails printed after a name in a byline: "Jane Doe, Senior Reporter".
NAME_TAIL = re.compile(
    r"\s*(?:[,|\-–—]\s*)?\b(?:staff|senior|chief|contributing|special|associate|deputy|managing|executive|political|"
    r"reporter|correspondent|writer|editor|columnist|contributor|journalist|producer|photographer|analyst|"
    r"updated|published|posted|follow|email|twitter|link copied|for\b|in\b)\b.*$",
    re.I,
)
#: Words that show a byline token is not a person's name.
NOT_A_NAME = re.compile(
    r"\b(?:updated|published|posted|minutes?|hours?|ago|read|share|comments?|photos?|videos?|sponsored|"
    r"admin|contributors?|advertisement|subscribe|follow|more|view|profile|bio|opinion|about|sign|newsletter|"
    r"log ?in|today|yesterday)\b|"
    r"[@/0-9=<>{}]|https?:|www\.",
    re.I,
)
#: Degrees and credentials after a name ("Jane Doe, Ph.D.", "Jane Doe MS, RD"): dropped.
DEGREES = re.compile(r"(?:[\s,]+\b(?:ph\.?\s?d|m\.?d|m\.?s|r\.?d|r\.?n|mba|mph|msc|bsc|cpt|nsca-cpt|rdn|cscs|esq)\b\.?)+$",
                     re.I)
#: Words of an organisation's name: such a name is dropped from a byline that also names people.
ORG_WORDS = re.compile(
    r"\b(?:news|staff|desk|team|editors|editorial|press|agency|agencies|media|wire|newsroom|online|magazine|"
    r"times|post|daily|journal|herald|tribune|network|report|telegraph|gazette|review|today|radio|tv|"
    r"relaxnews|afp|reuters|bloomberg|board|institute|university|school|arts)\b",
    re.I,
)
#: A person's name: 1-5 capitalised words (initials, particles and hyphens allowed).
PERSON_NAME = re.compile(
    r"^(?:[A-ZÀ-ÖØ-Þ][\w'’.\-]*\.?|(?:de|da|del|della|der|den|van|von|la|le|di|du|dos|bin|al|el|ibn|ter)\b)"
    r"(?:\s+(?:[A-ZÀ-ÖØ-Þ][\w'’.\-]*\.?|(?:de|da|del|della|der|den|van|von|la|le|di|du|dos|bin|al|el|ibn|ter)\b))"
    r"{1,4}$"
)

#: Picture credits inside or after a caption. Each pattern's group "credit" is the credit.
#: Run only on squeezed (single-spaced) captions of at most 600 characters (see captions.py):
#: on long runs of spaces their optional, space-separated parts take super-linear time.
CREDIT_PATTERNS = (
    # (AP Photo/Jane Doe), (Photo: Reuters), (Getty Images)
    re.compile(r"\s*[\(\[](?P<credit>(?:[^()\[\]]*\b(?:photo|photograph|image|picture|credit|courtesy|illustration|"
               r"file|pool|getty|afp|reuters|ap|epa|yonhap|xinhua|shutterstock|istock|via)\b[^()\[\]]*))[\)\]]\s*$", re.I),
    # (Jane Doe/Example Wire), [Ledger/Jane Doe]: agency and photographer joined by a slash
    re.compile(r"\s*[\(\[](?P<credit>[^()\[\]/]{2,60}/[^()\[\]]{2,60})[\)\]]\s*$"),
    # [YONHAP], [REUTERS]: an all-capitals tag in brackets at the end
    re.compile(r"\s*[\(\[](?P<credit>[A-Z][A-Z0-9 .&/'-]{1,40})[\)\]]\s*$"),
    # "Credit: ...", "Photo: ...", "Image credit: ...", "Photograph: ..." at the end
    re.compile(r"\s*(?:\||—|–|-)?\s*\b(?:photo(?:graph)?|image|picture|illustration)?\s*(?:credit|courtesy)?s?\s*"
               r"(?:by)?\s*:\s*(?P<credit>[^:]{2,80})$", re.I),
)
#: A caption fragment that is only a credit: "Photo: Jane Doe/Reuters", "Getty Images".
CREDIT_ONLY = re.compile(
    r"^\s*(?:(?:photo(?:graph)?s?|image|picture|illustration|credit|courtesy|source|foto)\b[^\n]{0,8}?[:|]|"
    r"\(?(?:AP|AFP|EPA|Reuters|Getty|Shutterstock|iStock)\b[^\n]{0,60}$|[^\n]{0,60}/(?:Getty Images|AFP|Reuters|"
    r"AP|EPA|Shutterstock)\s*$|[^\n]{0,40}\bvia Getty Images\s*$|[^\n]{0,40}\b(?:Getty Images|Shutterstock)\s*$)",
    re.I,
)

#: Lines that are page furniture wherever they appear in an extracted body (whole-line matches).
WIDGET_LINE = re.compile(
    r"^\s*(?:advertisement|advertising|sponsored(?: content)?|ad|story continues below(?: advertisement)?|"
    r"continue reading(?: below)?|scroll to continue(?: reading)?|article continues below|"
    r"(?:click|tap) (?:here|to) [^.]{0,60}|share(?: this)?(?: article| story)?|share on \w+|tweet|email|print|"
    r"copy link|link copied!?|comments?|\d+ comments?|view comments|show comments|leave a comment|"
    r"add a comment|join the (?:conversation|discussion)|sign up|subscribe(?: now)?|log ?in|sign in|"
    r"thanks for signing up!?|\d+ of \d+|image \d+ of \d+|photo \d+ of \d+|(?:next|previous) (?:article|slide|page)|"
    r"more from [\w .'-]{1,40}|related(?: articles| stories| content| coverage| posts)?|recommended(?: for you)?|"
    r"most (?:read|popular|viewed)|trending(?: now)?|you may also like|read next|up next|don't miss|"
    r"what to read next|listen to this article|play|pause|\d+:\d\d|loading\.*|close|menu|search|"
    r"skip to (?:main )?content|back to (?:the )?(?:top|home ?page|front page|index)|top|follow us|watch:?|"
    r"leave a (?:reply|comment)|post (?:a )?(?:reply|comment))\s*[:.!]?\s*$",
    re.I,
)
#: Lines starting like this are links to other articles or calls to action, not body text.
WIDGET_PREFIX = re.compile(
    r"^\s*(?:read more|read also|also read|see also|related|more|also|recommended|read next|watch|listen|"
    r"click here|sign up|subscribe|don't miss|must read|trending|required reading|more coverage|latest|"
    r"editor'?s? picks?|more on this|get the latest|download the)\s*(?::|—|–|>>|»)\s*",
    re.I,
)
#: Sentences of newsletter, cookie, donation and comment boxes (searched anywhere in a line).
WIDGET_PHRASES = re.compile(
    r"(?:by (?:signing up|submitting|clicking|subscribing)[^.]{0,40}(?:agree|consent|accept)|"
    r"sign up (?:for|to) (?:our|the) [^.]{0,40}newsletter|subscribe to (?:our|the) [^.]{0,30}newsletter|"
    r"(?:this site|we) uses? cookies|accept (?:all )?cookies|cookie (?:policy|settings|preferences)|"
    r"privacy policy and terms of service apply|protected by recaptcha|"
    r"your subscription has been confirmed|thank you for subscribing|(?:delivered |direct(?:ly)? |straight )?"
    r"(?:right )?to your inbox|sign up for (?:our|the) [^.]{0,40}(?:newsletter|brief|digest)|"
    r"reviewed according to [^.]{0,40}editorial (?:process|policies)|"
    r"already (?:a subscriber|have an account)|"
    r"you have reached (?:your|the) (?:limit|maximum)|to continue reading,? (?:please )?(?:subscribe|log in|sign in)|"
    r"support (?:our|independent) journalism|(?:make|give) a (?:donation|contribution)|"
    r"(?:enable|turn on) javascript|your browser does not support|"
    r"we may earn (?:a |an )?(?:affiliate )?commission|affiliate links?|"
    r"comments (?:are|have been) (?:closed|disabled)|be the first to comment|"
    r"your email address will not be published|you must be (?:registered|logged in) to (?:comment|reply)|"
    r"have a (?:news )?tip\?|send (?:it|us) (?:to us|a tip)|follow (?:us|him|her) on (?:twitter|x|facebook|instagram)|"
    r"all rights reserved|©\s*\d{4}|copyright \d{4})",
    re.I,
)
#: Leaked script text: a line like this is code, not prose.
CODE_LINE = re.compile(r"(?:</?script|</?noscript|window\.\w|document\.\w+\(|function\s*\(|=>\s*\{|\{\"\w+\":)")

#: E-mail addresses. A match starts where a run of local-part characters starts (the
#: lookbehind) and the local part is at most 64 characters (the RFC 5321 limit), the domain
#: at most 253: without the bounds a long run of such characters with no "@" in it ("a.a.a.a
#: ...") is rescanned from each of its positions, in time quadratic in its length.
EMAIL = re.compile(r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9._%+\-]{1,64}@[A-Za-z0-9.\-]{1,253}\.[A-Za-z]{2,}")
#: Mailboxes that belong to a newsroom, not to an author.
ROLE_MAILBOX = re.compile(
    r"^(?:info|news|newsdesk|tips?|contact|editor|editors|letters|press|feedback|support|help|hello|"
    r"corrections|advertising|ads|sales|subscriptions?|privacy|webmaster|admin|noreply|no-reply|desk)@",
    re.I,
)

#: Separators between a headline and the site name in <title> / og:title.
TITLE_SEPARATORS = (" | ", " - ", " – ", " — ", " :: ", " » ", " · ", " • ", " / ")

#: A line that is only a date or a time stamp ("April 18, 2023", "Updated 5:30 p.m. EST").
DATE_LINE = re.compile(
    r"^\s*(?:(?:published|updated|posted|last updated|modified)\s*:?\s*)?(?:on\s+)?"
    r"(?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?"
    r"(?:\d{1,2}\s+[a-z]{3,9}\.?,?\s+\d{4}|[a-z]{3,9}\.?\s+\d{1,2},?\s+\d{4}|\d{4}-\d\d-\d\d|\d{1,2}/\d{1,2}/\d{2,4})"
    r"(?:,?\s*(?:at\s+)?\d{1,2}[:.]\d\d\s*(?:[ap]\.?m\.?)?\s*(?:[a-z]{2,4})?)?\s*$",
    re.I,
)

#: Frequent function words per language, for guessing the language of a page that declares none.
LANGUAGE_STOPWORDS = {
    "en": frozenset("the of and to in is that for it was on with as he his by at from are this have but not".split()),
    "de": frozenset("der die und das ist nicht mit sich des auf für ein eine dem den von zu im auch wird".split()),
    "fr": frozenset("le la les et des est une dans pour que qui pas sur au du avec il elle sont aux".split()),
    "es": frozenset("el la los las de que y en un una es por con para del se no al como más".split()),
    "it": frozenset("il la di che e un una per non con del della sono gli le da si nel anche".split()),
    "pt": frozenset("o a os as de que e do da em um uma para com não por mais se dos das".split()),
    "nl": frozenset("de het een en van is dat op te in niet met zijn voor er aan ook als".split()),
}

#: Class tokens of a standfirst (the summary line under a headline), which is not body text.
STANDFIRST_CLASS = re.compile(r"(?:^|[\s_-])(?:dek|deck|standfirst|subtitle|sub-title|strapline|strap|subheadline)(?:$|[\s_-])",
                              re.I)
#: Class tokens of a caption element.
CAPTION_CLASS = re.compile(r"(?:^|[\s_-])(?:cap|caption|figcaption|wp-caption-text|img-desc)(?:$|[\s_-])|caption", re.I)
#: A byline printed as a body line: "Posted on 11 October 2025 by Jane Doe (jane@example.org)".
BYLINE_LINE = re.compile(r"^(?:(?:posted|published|written|filed|updated)\b[^.]{0,60}?\s)?by\s+(?P<names>[^()\n]{3,80}?)"
                         r"\s*(?:\((?P<email>[^()\s]+@[^()\s]+)\))?\s*$", re.I)
#: "Copyright 2025 Example Bulletin." / "© 2025 Example Bulletin": the outlet, when nothing else names it.
COPYRIGHT_OUTLET = re.compile(r"(?:©|\((?i:c)\)|(?i:copyright))\s*(?:©\s*)?(?:\d{4}(?:\s*[-–]\s*\d{4})?)?,?\s+"
                              r"(?P<name>[A-Z][\w&'’-]*(?:\s+(?:of\s+)?[A-Z][\w&'’-]*){0,5})")

# --- where metadata is printed on the page (used by newstrace.extract.metadata) ---------------

#: Breadcrumb navigation, by ARIA label, class or microdata.
CRUMB_XPATH = (
    ".//*[@aria-label='breadcrumb' or @aria-label='Breadcrumb' or @aria-label='breadcrumbs']"
    "|.//*[contains(@class,'crumb')]|.//*[@itemtype='https://schema.org/BreadcrumbList' "
    "or @itemtype='http://schema.org/BreadcrumbList']"
)

#: "You are here: Home » News": a breadcrumb trail without markup, found by its words.
YOU_ARE_HERE_XPATH = "//body//text()[contains(., 'You are here')]/.."

#: A section label printed over the headline.
SECTION_LABEL_XPATH = (
    ".//*[contains(@class,'section-label') or contains(@class,'section-name') or contains(@class,'article-section')]"
)

#: Crumbs that name the front page, not a section.
HOME_CRUMBS = frozenset({"home", "homepage", "home page", "front page", "start", "accueil", "inicio", "startseite"})

#: English month names to numbers, for dates printed as text.
MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december".split(), 1)}

#: "October 9, 2025" and "9 October 2025".
TEXT_DATE = re.compile(
    r"\b(?:(?P<d1>\d{1,2})(?:st|nd|rd|th)?\s+(?P<m1>[A-Za-z]{3,9})\.?,?\s+(?P<y1>(?:19|20)\d\d)|"
    r"(?P<m2>[A-Za-z]{3,9})\.?\s+(?P<d2>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y2>(?:19|20)\d\d))\b"
)

#: Where a page prints its date for readers.
VISIBLE_DATE_XPATH = (
    "//body//*[contains(@class,'date') or contains(@class,'when') or contains(@class,'time') "
    "or contains(@class,'posted') or contains(@class,'dateline') or contains(@class,'meta')]"
)

#: Byline elements, by rel, itemprop, class or test id: a broad XPath (few tests per element,
#: measured 3x faster than testing every class below in XPath) narrowed by BYLINE_CLASS.
BYLINE_XPATH = (
    "//body//*[@rel='author' or @itemprop='author' or contains(@class,'byl') or contains(@class,'author') "
    "or contains(@data-testid,'byline')]"
)
BYLINE_CLASS = re.compile(
    r"byl|author-name|author__name|authorName|article-author|meta-author|post-author|(?:^|\s)authors?(?:$|\s)"
)

#: Links to an author's page: "By <a href="/author/jane-doe">Jane Doe</a>".
AUTHOR_LINK_XPATH = (
    ".//body//a[contains(@href,'/author/') or contains(@href,'/authors/') or contains(@href,'/staff/') "
    "or contains(@href,'/people/') or contains(@href,'/writers/') or contains(@href,'/reporters/')]"
)
