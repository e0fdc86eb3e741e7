"""Find the people an event page names as on stage: speakers, chairs, panellists.

Works on the blocks and styled spans of :mod:`kg.markdown` (never on raw markdown).
A person is taken as on stage when the text around a name says so:

* a list item or heading that starts with a name, under a lead-in or heading that
  announces speakers ("Our speakers were:", "## Panelists");
* a sentence with a role cue right before the name ("chaired by", "alongside",
  "heard from", "keynote by", "Our speakers were", "Panellists:") or right after it ("Jeni spoke", "Tim chaired",
  "Natalie Byrom, Research Director of ..., explained");
* a paragraph that opens with a bold name followed by a speaking verb.

* the front-matter author, when the text says so in the first person ("I spoke on a
  panel", "I was invited to present", "We were invited to take part in a panel");
* a name with an explicit role in brackets ("Tim Davies (Org) (facilitator)") or in
  brackets after a role noun ("Our speakers (Giovana, Ivan and Tim)").

Names are checked with ``nameparser`` and its vocabulary (titles, particles); a first name
alone resolves to a full name given earlier in the body, else to the only staff member with
it, else to the only full name given later; a first name that resolves to nobody is kept as
written only right after a strong cue ("alongside Mary from TUC").
The title and organisation come from the text after the name ("Name, Title at Org",
"Name from Org", "Name (Org)", "Name: Org", "Name - a Title at Org -", "Name, Org's Title"),
from a title before it ("the CEO of Org, Name"; "our Director, Name" gives the site's own
name, ``site_name``), from a possessive before it ("Org's Name"), or, when the on-stage
mention gives none, from another mention of the full name; an acronym is spelled out when the
body defines it ("Public Law Project (PLP)"). A year, a phrase that lists a person, the event
itself ("at the Spring Conference 2023") and a past job's organisation are no one's
organisation (:meth:`_Collector.org_ok`, :func:`_trim_org`, :func:`_title_org`); a part on
stage ("the guest speaker", "Moderator") is a role, not a title (:func:`_stage_part`).
"""
from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any, Sequence

from nameparser import HumanName
from nameparser.config import CONSTANTS as _NP

from kg.markdown import Block, Document
from kg.resolve import acronym_of, is_acronym, normalise


@dataclass(frozen=True, slots=True)  # no dict each: a large site has millions
class SpeakerMention:
    name: str
    role: str
    title: str | None
    organisation: str | None
    organisation_url: str | None
    url: str | None
    line: int

    def __reduce__(self) -> tuple[type, tuple[Any, ...]]:
        return SpeakerMention, (self.name, self.role, self.title, self.organisation,  # see kg.frontmatter.Field
                                self.organisation_url, self.url, self.line)


# --- vocabulary -------------------------------------------------------------------

#: Honorifics stripped from the front of a name ("Professor Sir Nigel Shadbolt").
HONORIFICS = frozenset(
    "dr dr. prof prof. professor sir dame lord lady baroness baron cllr councillor "
    "mr mr. mrs mrs. ms ms. mx rt hon rev revd reverend".split()
)
#: Honorifics kept as the title when the text gives no other.
TITLE_HONORIFICS = {"professor": "Professor", "prof": "Prof", "prof.": "Prof",
                    "cllr": "Cllr", "councillor": "Cllr"}
#: Post-nominals after a name ("John Whittingdale MP").
POSTNOMINALS = frozenset("MP MS MSP MEP AM OBE MBE CBE KC QC PhD FRS".split())
#: Name particles that may sit lower-case inside a name ("Bertrand de La Chapelle").
PARTICLES = (frozenset(p for p in _NP.prefixes if p.isalpha() and p.isascii() and len(p) <= 4)
             | {"de", "da", "van", "von", "der", "den", "la", "le", "du", "dos", "del", "di", "bin"})
#: Particles that also mean "of" or "from": after a first name they may join it to the
#: organisation the person comes from ("Pierre de Rail Express", French for "Pierre of
#: Rail Express"), not to a surname (see :func:`_particle_is_of`)
OF_PARTICLES = frozenset("de du des von van".split())
#: Words that never start or sit in a person's name in running text.
NON_NAME_WORDS = frozenset("""
the a an this that these those our we i he she they it its their his her my your you us
in on at for with and but or as by from to of after before during following thanks thank
next first then finally also when while later meanwhile speaking joining join joined
tonight afterwards afterward lastly subsequently earlier previously recently
chair chaired chairs co-chair moderator moderated host hosted hosts keynote panel panels
panellist panellists panelist panelists speaker speakers guest guests welcome dear image
photo read watch see here there what why how who where which whose if so not no yes all
both each every some many more most other another one two three four five
january february march april may june july august september october november december
monday tuesday wednesday thursday friday saturday sunday today tomorrow yesterday
uk us eu un ai data digital tech technology open public national global international
european british government parliament minister ministry department office council
committee commission party union university college school institute institution
foundation trust network initiative project programme program lab labs centre center
society partnership alliance coalition forum summit conference congress festival fringe
salon webinar workshop session event events conversation conversations day days week
weekend year annual report paper book blog article act bill law rights policy strategy
group groups agency authority association federation consortium cooperative co-operative
ltd limited inc llp plc company corporation media news press lords commons house
people's citizens citizen assembly jury community communities museum library fund review
observatory hub lab alliance service services platform tank street road square avenue
organization organisation administration board forces army navy
roundtable roundtables launch launches update updates drinks briefing briefings meetup meetups
hackathon hackathons dinner lunch breakfast meeting meetings social socials
talk talks proposal proposals track tracks presentation presentations lecture lectures
use using build building getting making writing introducing learn learning scaling testing deploying
north south east west central united new republic kingdom states america africa asia europe
""".split())
#: Words of :data:`NON_NAME_WORDS` that are also people's first names ("June Brown",
#: "Bill Thompson") or surnames ("Theresa May", "Rebecca West"): names where they are
#: set apart as names are (bold, a link, after another name in a list). Not the
#: surnames that end names of places and things ("Downing Street", "Safety Bill",
#: "Data Day", "Privacy Law"), which are lost where they are a person's.
NAME_LIKE_FIRST = frozenset("april may june august bill".split())
NAME_LIKE_LAST = frozenset("may west read".split())
#: Words marking an organisation name.
ORG_WORDS = frozenset("""
university universiteit college school institute institution foundation trust network
initiative project programme lab labs centre center society partnership alliance coalition
forum council committee commission party union agency authority association federation
consortium cooperative co-operative ltd limited inc llp plc company corporation group
ministry department office government parliament bank fund hub observatory watch
tuc guild congress academy
""".split())
#: Words marking a job title.
TITLE_WORDS = frozenset("""
director directors chair chairs co-chair ceo cto coo cfo founder co-founder president
vice head lead leader manager officer secretary researcher fellow professor lecturer
advisor adviser associate editor minister mp ms mep member consultant engineer analyst
partner principal dean chief coordinator co-ordinator specialist expert scientist
student trustee chairman chairwoman chairperson spokesperson advocate campaigner
entrepreneur writer author journalist artist actress actor worker organiser officer
representative rep counsel lawyer barrister solicitor executive deputy assistant
archivist strategist statistician programmer ethicist practitioner facilitator organizer
volunteer nurse ombudsman architect planner evaluator innovator
""".split())
#: The job-title words above, written by hand: a bracket that ends in one names a job ("(Data
#: Values Advocate)"), though its words are capitalised as an organisation's are (nameparser's
#: titles, added below, hold newspapers' names: "The Economist")
OWN_TITLE_WORDS = TITLE_WORDS
#: Words whose last, or last before a year, makes a name an event's, not an organisation's: read
#: after a name ("chaired by A, at the Liberal Democrat Spring Party Conference 2023"), it is
#: where they spoke (not "Forum", "Congress", "Assembly": also organisations' names)
EVENT_WORDS = frozenset("""
conference conferences symposium summit festival fringe webinar webinars seminar seminars workshop
workshops hustings convention expo meetup hackathon roundtable lecture
""".split())
#: Words for a part on stage, not a job: "the keynote speaker at X" gives neither a title nor,
#: in X, an organisation; "Moderator and Data Value Advocate" makes its speaker a chair
STAGE_NOUNS = {"speaker": "speaker", "speakers": "speaker", "keynote": "speaker", "presenter": "speaker",
               "provocateur": "speaker", "panellist": "panellist", "panelist": "panellist",
               "moderator": "chair", "host": "chair", "mc": "chair", "compère": "chair", "compere": "chair"}
#: Words that may stand before such a noun ("the guest speaker", "a keynote speaker")
STAGE_ADJECTIVES = frozenset("the a an our guest keynote main invited opening closing featured plenary "
                             "special".split())
#: Job-title words that never sit inside a person's name.
_TITLE_IN_NAME = TITLE_WORDS - {"dean", "chief", "partner", "author", "principal", "member",
                                "writer", "rep", "counsel", "ms", "mp"}
#: nameparser's titles add the names of offices and trades ("Treasurer", "Curator"); its
#: adjectives ("British", "Social") are left out by keeping agent-noun endings only.
TITLE_WORDS = TITLE_WORDS | frozenset(
    t for t in _NP.titles
    if t.isascii() and t.isalpha() and len(t) > 4 and re.search(r"(?:er|or|ist|ian|ant|ess|man|woman)$", t)
    and t not in ("computer", "banner", "bearer", "sister", "brother", "mother", "father", "other"))
#: Plurals of job titles, as a title shared by the names before it is written ("A and B,
#: Co-founders of Org")
TITLE_WORDS = TITLE_WORDS | frozenset(f"{w}s" for w in """
founder co-founder co-chair researcher manager officer member trustee organiser organizer analyst
consultant campaigner lecturer professor editor engineer scientist journalist volunteer representative
""".split())
#: Lead-ins and headings announcing a list of people on stage, and the role they give.
_LIST_CUES = [
    (re.compile(r"\bchair(?:ed|s|ing)?\b|\bmoderat\w*|\bhost(?:ed)?\b", re.I), "chair"),
    (re.compile(r"\bpanel\w*", re.I), "panellist"),
    (re.compile(r"\bfacilitat\w*", re.I), "facilitator"),
    (re.compile(r"\bwitness\w*|\bevidence\b", re.I), "witness"),
    (re.compile(r"\bspeak\w*|\bspoke\b|\bpresent(?:ers?|ations?|ed)\b|\bkeynotes?\b|\btalks?\b"
                r"|\bheard from\b|\bhear from\b|\bfeaturing\b|\bcontributions? from\b|\bprovocat\w*"
                r"|\brespon(?:ses|dents?)\b|\bline-?up\b|\bguests?\b|\binputs? from\b", re.I), "speaker"),
]
_NEGATIVE_LEAD = re.compile(
    r"\bparticipants?\b|\battendees?\b|\bthank\w*|\bjoined us\b|\bpartners?\b|\bsupport\w*"
    r"|\bfunders?\b|\bsponsors?\b|\bauthors?\b|\bcontact\b|\bread\b|\bresources?\b"
    # a list of talks, tracks or topics, not of the people giving them ("Examples of past talks:",
    # "the types of talks we are looking for", "the tracks listed below")
    r"|\bexamples?\b|\btypes?\s+of\b|\blooking\s+for\b|\btracks?\b|\btopics?\b|\bthemes?\b"
    r"|\bproposals?\b|\bsubmi(?:t|ssions?)\b|\bcall\s+for\b", re.I)
#: People on stage at other events, not this one ("Previous speakers have included").
_PAST_CAST = re.compile(r"\b(?:previous|past|former|earlier|prior|last\s+year[’']s)\s+(?:\w+\s+)?"
                        r"(?:speakers|panell?ists|guests|presenters|keynotes|witnesses|hosts|chairs)\b", re.I)
#: Cue right before a name: the person takes that role.
_BEFORE_CUES = [
    # ("chaired by A and B": both; not "chaired by A, at X, alongside B and C" nor "chaired by A, B, C,
    # and D", where the "and" ends a list of others; "The chair of the event, A")
    (re.compile(r"\b(?:co-)?chaired (?:by|with)\s*$|\bchair(?:ed)?:\s*$|\bchaired by\b[^.;,]*?\band\s*$"
                r"|\bco-chaired by\b[^.;]*?\band\s*$"   # (co-chairs are two: "by A, CEO of B, and C")
                r"|\bmoderated by\s*$|\bmoderator:?\s*$|\bhosted (?:and chaired )?by\s*$|\bhost:\s*$"
                r"|\bMC:?\s*$|\bthe (?:chair|host|moderator|MC)(?: (?:of|for) (?:the|this|today[’']s|our) "
                r"(?:event|session|panel|discussion|debate|evening|meeting|webinar|conversation|day|night))?,\s*$",
                re.I), "chair"),
    (re.compile(r"\bfacilitated by\s*$|\bled by\s*$|\brun by\s*$|\bfacilitator:?\s*$", re.I), "facilitator"),
    (re.compile(r"\bevidence from\s*$|\bwitness(?:es)?:?\s*$", re.I), "witness"),
    (re.compile(r"\b(?:alongside|joined by|together with|in conversation with|bringing together"
                r"|dialogue with|conversation with|panel with:?|heard from|hear from"
                r"|hearing from|(?:after|while|when|on)\s+listening to|featuring|presented by|introduced by|talks? (?:by|from)"
                r"|presentations? (?:by|from)|keynote (?:speech |address |talk )?(?:by|from)|invited"
                r"|(?:presentation|talk|keynote|speech|lecture|session)s? (?:was |were |will be |is )?"
                r"(?:made|given|delivered|led) by"
                r"|\b(?:this|it) (?:will be|is|was) (?:given|delivered) by"
                r"|keynote of|contributions? from|inputs? from|followed by|then heard from"
                r"|keynote(?:\s+[\w-]+)?[”\"’']?,)\s*$",
                re.I), "speaker"),
    # "The panellists were A and B", "Our speakers included A (Org)", "Speakers: A, B"
    (re.compile(r"\bpanell?ists\s+(?:were|are|will be|included|include)\s*:?\s*$|\bpanell?ists?\s*:\s*$", re.I),
     "panellist"),
    (re.compile(r"\b(?:speakers|presenters)\s+(?:were|are|will be|included|include)\s*:?\s*$"
                r"|\b(?:speakers?|presenters?)\s*:\s*$", re.I), "speaker"),
]
#: Verb right after a name (optionally after an appositive) that says they spoke.
_SPEECH_VERB = re.compile(r"""\s*(?:\([^)]*\)\s*|,[^;.]{1,160}?,\s*|,\s*|[–—-]\s+[^–—;.]{1,120}?\s+[–—-]\s*
    |\s(?:from|of|at)\s+(?:the\s+)?(?-i:[A-Z][\w&.'’-]*(?:\s+(?:(?:of|for|and|the)\s+)?[A-Z][\w&.'’-]*){0,5}),?\s*)?
    (?:(?:attended|went)\b[^.;]{0,100}?\band\b(?:\s*,[^,.;]{0,60},)?\s+)?
    (?:also\s+|then\s+|first\s+|later\s+|similarly\s+|further\s+|briefly\s+|will\s+be\s+|is\s+|was\s+
    |were\s+|has\s+|had\s+|have\s+|lastly\s+|finally\s+)*
    (?:(?P<verb>spoke|speaking|presented|presenting|talked|argued|explained
    |outlined|shared|reflected|emphasised|emphasized|highlighted|described|discussed|opened
    |introduced|closed|challenged|advocated|stated|pointed|suggested|welcomed|gave|summarised
    |summarized|focused|focussed|concluded|started|kicked|raised|urged|stressed|warned|cautioned
    |called|proposed|responded|replied|observed|went|defended|detailed|provided|chaired|moderated
    |hosted|facilitated|led|wrapped|underlined|recounted|addressed|related|posed|offered|walked
    |delivered|demonstrated|showcased|expressed|noted|explored|asserted|rebutted|contended|insisted
    |remarked|commented|acknowledged|agreed|claimed|reminded|recalled|set|took|participated|appeared|joined
    |drew\s+(?:comparisons|parallels|attention|lessons|distinctions|a\s+(?:comparison|parallel|distinction))
    |made|put|asked|added|mentioned|cited|referenced|said|told|delivering|leading|running|ran|giving
    |(?:the|a|an)\s+(?:[\w’'-]+\s+){0,2}?(?:speaker|panell?ist|presenter|provocateur|chair|moderator|facilitator
      |host|witness|keynote)
    |one\s+of\s+the\s+(?:\w+\s+)?(?:panell?ists|speakers))\b
    # an announcement: "A will discuss", "A will take us through", "A will host a panel", "A's going to tell"
    |(?:will|(?:is\s+|'s\s+|’s\s+)going\s+to)\s+(?:also\s+|then\s+|first\s+|briefly\s+)?(?P<future>discuss|talk|present|speak|share|explain|outline
    |introduce|demonstrate|showcase|walk|cover|show|lead|host|chair|moderate|facilitate|give|deliver|run|take\s+us
    |reflect|explore|describe|tell|open|close|lecture|argue)\b)""", re.I | re.X)
_VERB_ROLE = {"chaired": "chair", "moderated": "chair", "hosted": "chair",
              "facilitated": "facilitator", "led": "facilitator",
              "chair": "chair", "moderate": "chair", "host": "chair", "facilitate": "facilitator",
              "lead": "facilitator"}
_RUN_VERBS = frozenset("delivering delivered leading led running ran gave giving hosted facilitated "
                       "deliver lead run give host facilitate".split())
#: Role from the noun of "was the keynote speaker", "is a panellist", "will be the chair".
_NOUN_ROLE = re.compile(r"(?P<chair>chair|moderator|host)$|(?P<facilitator>facilitator)$|(?P<witness>witness)$"
                        r"|(?P<panellist>panell?ist)$", re.I)
#: Verbs that run a workshop: the person is its facilitator.
_WORKSHOP_AFTER = re.compile(r"\s+(?:an?|the|one of the|our|their|his|her)\s+(?:[\w’'-]+\s+){0,3}?"
                             r"(?:workshops?|sessions?|breakouts?|activit(?:y|ies))\b", re.I)
#: Verbs that alone do not put someone on stage: they need a cue in the same sentence.
_WEAK_VERBS = frozenset("took participated appeared joined made put asked added "
                        "mentioned cited referenced said told set delivering leading running ran giving "
                        # reporting verbs: as often of someone quoted as of someone on stage
                        "asserted rebutted contended insisted remarked commented acknowledged agreed claimed "
                        "reminded recalled".split())
#: What a speaker's bio says of their career, not of this event: the perfect of working or
#: speaking ("He has worked with A", "has spoken at B"), a past job ("Previously he worked at
#: C", "she works at D with E"). Names after it in its sentence are colleagues, employers and
#: other events; a speaking verb in the perfect is a talk given elsewhere.
_CAREER_PARTICIPLES = ("worked working spoken speaking presented presenting talked written built contributed "
                       "contributing developed created maintained founded co-founded taught served held published "
                       "given organised organized collaborated collaborating lectured appeared delivered").split()
#: "has" or "have", and the adverbs between it and its participle ("has also often spoken")
_PERFECT = r"\bha(?:s|ve)\s+(?:(?:also|previously|since|long|often|already|recently|frequently|regularly|been)\s+)*"
_CAREER = re.compile(_PERFECT + r"(?:" + "|".join(_CAREER_PARTICIPLES) + r")\b"
                     r"|\b(?:previously|formerly|before that|earlier in (?:his|her|their) career),?\s+(?:he|she|they)\b"
                     r"|\b(?:he|she|they|who)\s+(?:also\s+|now\s+)?(?:works|worked)\s+(?:at|for|with|on|as|alongside)\b",
                     re.I)
#: Between a career and a name, what keeps the name in the career: names, "and", "with",
#: "together with", "alongside", commas before those ("…at Lisp Nord, together with Ola")
_CAREER_GAP = re.compile(r"(?:[\s,&]|\b(?i:and|with|together|alongside|along|at|for|on|the|of)\b"
                         r"|\b[A-Z][\w’'.-]*|\b(?i:talks?|projects?|papers?|several|many|worked|works|was|were|as|a|an)\b)*")
#: In that gap, a word that puts the name on this stage after all ("…, and the event was chaired by")
_CAREER_BREAK = re.compile(r"\b(?:chair|chaired|hosted|moderated|panel|joined|joins|spoke|speak|present|presenting"
                           r"|welcomed?|introduced?|event|session|tonight|today|we)\b", re.I)
#: A perfect right before a speaking verb ("has presented", "have also spoken")
_PERFECT_BEFORE = re.compile(_PERFECT + "$", re.I)
#: Cues anywhere in a sentence that make the names in it people on stage.
#: (Each searched pattern below opens with a look-ahead for the first letters its matches can
#: start with: the regex engine rejects most positions with one test, not one per alternative.)
_SENTENCE_CUE = re.compile(
    r"(?=[spktlcmfghrdwe])(?:"
    r"\bspoke\b|\bspeak(?:s|ing|er|ers)?\b|\bpanel(?:s|lists?|ists?)?\b|\bkeynote\w*|\bpresent(?:ed|s|ing|ation)\b"
    r"|\btalk\b|\blecture\b|\bchair(?:ed|ing)?\b|\bmoderat\w*|\bfacilitat\w*|\bfireside\b"
    r"|\bgave (?:evidence|a talk|the)\b|\bheard (?:evidence )?from\b|\bprovocation\w*|\brespondents?\b"
    r"|\bdialogue\b|\bdebate\b|\bwitness\w*|\bevidence\b)", re.I)
_PANEL = re.compile(r"(?=[pr])(?:\bpanel\w*|\broundtable\b)", re.I)
#: Words that make the people of a sentence witnesses: evidence given or heard, not any
#: "evidence" ("big questions remaining around ... evidence of impact", "without providing any
#: evidence of it")
_EVIDENCE = re.compile(r"(?=[ewgho])(?:\bwitness|\b(?:gave|give|gives|giving|given|heard|hear|hearing|oral|written)"
                       r"\s+evidence\b|\bevidence\s+(?:from|sessions?|hearings?|to)\b)", re.I)
#: A name is not on stage when the words right before it say it is cited or thanked.
_NEGATIVE_BEFORE = re.compile(
    r"\b(?:paper|papers|report|book|article|work|research|study|blog|post|weeknotes|chapter|piece"
    r"|essay|thesis|review)\b[^.;:]{0,40}\b(?:by|from)\s+$"
    r"|\b(?:written|authored|edited|quoted|cited|organi[sz]ed|convened|supported|funded|founded"
    r"|commissioned|published|produced|developed|created|designed) by\s+$"
    r"|\baccording to\s+$|\bthanks? (?:you )?to\s+$|\bthanking\s+$|\bcontact\s*:?\s*$", re.I)
_TALK_AFTER = re.compile(r"\s*(?:\w+\s+)?(?:talk|presentation|keynote|speech|lecture|remarks|address"
                         r"|provocation|input|opening|closing remarks)\b", re.I)
_TITLE_TAIL = re.compile(r"(?:\b(?:the|its|their|our)\s+)?(?:\b[A-Z][\w&-]*\s+(?:(?:of|for|and|the)\s+)*){0,6}"
                         r"\b[A-Z][\w&-]*,?\s*$")
_AND_JOIN = re.compile(r"[*\s]*(?:and|&)[*\s]*")
_BOLD_PAIR = re.compile(r"[*\s]*,([^,.;*]{1,60}),?\s*(?:and|&)[*\s]*")
_TITLED_PAIR = re.compile(r"\s*,([^,.;*]{1,60}),\s*(?:and|&)\s+")
_LIST_GAP = re.compile(r"\s*(?:\([^)]*\)\s*)?(?:(?:MP|MS|MSP|MEP|OBE|MBE|CBE|KC|QC|PhD)\b\.?\s*)?"
                       r"(?:[,;&]|and\b)(?:\s*(?:[,;&]|and\b))*\s*(?:the\s+)?", re.I)
_DISCUSSION = re.compile(
    r"^\W*(?:the\s+|group\s+|open\s+|audience\s+|plenary\s+)?(?:discussions?|q\s*&\s*a"
    r"|questions(?: from the floor| and answers)?|open floor|break[- ]?out(?: groups| rooms| sessions)?)\W*$",
    re.I)
_CARRY = re.compile(r"(?:,|;|\band|&)\s*$")
_OUR_TITLE = re.compile(r"\bour\s+(?:[\w&-]+\s+){0,4}[\w&-]+,\s*$", re.I)
_SEMI_ITEM = re.compile(r";\s*(?:and\s+)?$")
_ITEM_TAIL = re.compile(r"\s*(?:\(|,|;|$|(?:on|from|of|at|about)\s)")
_INPUT_FROM = re.compile(r"\b(?:inputs?|updates?|insights?|reflections?|contributions?|presentations?|talks?)\b"
                         r"[^.;]{0,160}?\bfrom\s*$", re.I)
_SESSION = re.compile(r"\b(?:session|panel|webinar|workshop|roundtable|included|featured)\b", re.I)
_BY = re.compile(r",\s+by\s*$")
_WITH = re.compile(r"(?:\b|(?<=_))(?:with|between)\s*$", re.I)
#: After a bold name opening a paragraph: any verb but attending ("**A, Title**, was worried").
_BOLD_LEAD = re.compile(r"[*\s]*(?:,[^.;]{0,150}?,|\([^)]*\))?(?:\s+(?:from|of|at)\s+(?:the\s+)?[A-Z][\w&.-]*"
                        r"(?:\s+[A-Z][\w&.-]*)*)?[*\s]+(?:also\s+|then\s+)?"
                        r"(?!attend|will\s+attend|took\s+part|participat|joined"
                        r"|and\b|or\b|the\b|of\b|from\b|at\b|for\b)"
                        r"(?P<verb>[a-z]{2,})\b")
_POSS_ORG_TAIL = re.compile(r"(?:\bthe\s+)?\b[A-Z][\w.&]*(?:\s+(?:by|of|for|the|[A-Z][\w.&]*)){0,4}(?:'s|’s)"
                            r"\s+(?:[\w-]+\s+){0,5}?$")
_INCLUDING = re.compile(r"\b(?:including|includ(?:e|ed|es)|namely)\s*:?\s*$", re.I)
_ORG_BEFORE = re.compile(r"\b(?:at|of|for|from)\s+(?:the\s+)?$", re.I)
_ROLE_MARK = re.compile(r"^\s*\(\s*(host|chair|co-chair|moderator|mc|facilitator|speaker|panell?ist|witness)\s*\)",
                        re.I)
#: A speaker's roles (``schema:roleName``; the shapes hold the same list)
ROLES = ("speaker", "chair", "panellist", "facilitator", "witness")
#: The role each word for one is ("(host)", "role: moderator")
ROLE_OF_WORD = {"host": "chair", "chair": "chair", "co-chair": "chair", "moderator": "chair",
                "mc": "chair", "facilitator": "facilitator", "speaker": "speaker",
                "panellist": "panellist", "panelist": "panellist", "witness": "witness",
                "panel": "panellist", "keynote": "speaker", "presenter": "speaker"}

_SENT_END = re.compile(r"[.!?]+[\"”’)]*\s+(?=[^a-z\s])")
_ABBREV = frozenset("dr prof mr mrs ms st no vs etc jr sr e.g i.e al approx fig".split())
_POSSESSIVE = re.compile(r"(?:'s|’s|'|’)$")
_ORG_CONNECT = frozenset("of for and the & de in on at by du la le y".split())
_DROP_LEADING = re.compile(r"^(?:the|a|an|its|their|our)\s+", re.I)


# --- names ------------------------------------------------------------------------

@lru_cache(maxsize=65536)
def _norm(text: str) -> str:
    """A name as a key: lower case, without accents, words of letters and digits (of any
    script: see :func:`kg.resolve.normalise`, which this is but for ``&``)."""
    return normalise(text.replace("&", " "))


@lru_cache(maxsize=65536)
def _looks_person(name: str) -> bool:
    """Cheap check: two to five words, none of them organisation or sentence words."""
    words = name.split()
    if not 2 <= len(words) <= 5 or any(c.isdigit() for c in name):
        return False
    for i, w in enumerate(words):
        low = w.lower()
        if low in ORG_WORDS or low in NON_NAME_WORDS and not (
                (i == 0 and low in NAME_LIKE_FIRST) or (i == len(words) - 1 and low in NAME_LIKE_LAST)):
            return False   # (a name made of such words was set apart as a name: see _run_shape)
    return True


@lru_cache(maxsize=65536)   # a 10,000-page site names more than 4,096 people
def _is_person(name: str) -> bool:
    """Whether ``name`` (honorifics already stripped) reads as a person's full name:
    the cheap check, then nameparser must find a first and a last name and no title."""
    if not _looks_person(name):
        return False
    human = HumanName(name)
    return bool(human.first) and bool(human.last) and not human.title


@lru_cache(maxsize=4096)
def _np_title(word: str) -> bool:
    """Whether nameparser knows ``word`` as a title ("Rabbi", "Judge")."""
    return word in _NP.titles


def _cap(word: str) -> bool:
    """A capitalised word that can be part of a name ("Tennison", "McEvoy", "Jun-E")."""
    return word[0].isupper() and (len(word) == 1 or any(c.islower() for c in word))


#: Words of an event's programme, written in capitals as its headings and lines are
#: ("OPENING REMARKS", "LUNCH BREAK", "FREE PIZZA"), never a word of a name in capitals
SHOUTED_NOT_NAMES = frozenset("""
opening closing remarks welcome keynote lunch break coffee tea networking pizza drinks food refreshments
free panel discussion questions answers wrap introduction intro summary agenda session sessions registration
doors open close talk talks workshop workshops demo demos lightning announcements thanks sponsors
speakers speaker schedule programme program venue live stream streaming recording slides video
""".split())
_VOWELS = frozenset("AEIOUYÀÁÂÃÄÅÆÈÉÊËÌÍÎÏÒÓÔÕÖØÙÚÛÜÝ")
#: Endings of ordinary English words, no surname's: a word in capitals ending so is no name
#: ("PROTECTING KIDS", "BETTER HEALTH" are not caught by it, but by where a name must stand)
_SHOUTED_NOT_NAME = re.compile(r"(?:TION|SION|MENT|NESS|ITY|ISM|ICS|IES)S?$")


@lru_cache(maxsize=65536)
def _shouted(word: str) -> bool:
    """Whether a word in capitals can be part of a name ("GILZOW", "O'CONNELL", "HENDRYX-PARKER"):
    two letters or more, a vowel among them (not "HTML", "SNCF"), no ordinary word's ending,
    no word of a programme or of running text ("OPENING REMARKS", "FREE PIZZA": see
    :data:`SHOUTED_NOT_NAMES`)."""
    bare = _POSSESSIVE.sub("", word)
    return (len(bare) >= 2 and bare.isupper() and all(c.isalpha() or c in "-'’" for c in bare)
            and any(c in _VOWELS for c in bare) and not _SHOUTED_NOT_NAME.search(bare)
            and bare.lower() not in NON_NAME_WORDS and bare.lower() not in SHOUTED_NOT_NAMES)


def _unshout(name: str) -> str:
    """A name written in capitals as it is written in a sentence: "PAUL GILZOW" -> "Paul Gilzow",
    "SHEENA O'CONNELL" -> "Sheena O'Connell", "TOBIAS MCNULTY" -> "Tobias McNulty", "ANA DE
    LA TORRE" -> "Ana de la Torre"; words not in capitals are kept ("Jean-Luc PICARDIN")."""
    out = []
    for i, w in enumerate(re.split(r"([ \u00a0]+)", name)):
        if i % 2 or not _shouted(w) or len(w) < 2:
            out.append(w)
        elif i and w.lower() in PARTICLES:
            out.append(w.lower())
        else:
            w = re.sub(r"(^|[-'’])(\w)", lambda m: m.group(1) + m.group(2).upper(), w.lower())
            out.append(re.sub(r"^Mc(\w)", lambda m: "Mc" + m.group(1).upper(), w))
    return "".join(out)


@dataclass(slots=True)
class _Name:
    text: str          # the name as written, honorifics stripped
    start: int         # offsets in the block text of the name as written
    end: int
    full_start: int    # including the stripped honorifics
    honorific: str | None
    url: str | None
    strong: bool
    possessive: bool
    single: bool       # one word: a first name or surname on its own
    shouted: bool = False   # written in capitals ("PAUL GILZOW", "Jean-Luc PICARDIN"); text is title-cased


class _Text:
    """A block's text with, for each character, the span it comes from."""

    __slots__ = ("text", "bounds", "spans", "_sentences")

    def __init__(self, block: Block):
        self.spans = block.spans
        self.bounds: list[int] = []
        pos = 0
        for s in block.spans:
            pos += len(s.text)
            self.bounds.append(pos)
        self.text = "".join(s.text for s in block.spans)
        self._sentences: list[tuple[int, int]] | None = None

    def sentences(self) -> list[tuple[int, int]]:
        """The sentences of the text as (start, end) offsets (computed once)."""
        if self._sentences is None:
            self._sentences = _sentences(self.text)
        return self._sentences

    def span_index(self, pos: int) -> int:
        return bisect_right(self.bounds, pos)

    def span_at(self, pos: int):
        return self.spans[min(bisect_right(self.bounds, pos), len(self.spans) - 1)]

    def url_in(self, start: int, end: int) -> str | None:
        for pos in (start, max(start, end - 1)):
            span = self.span_at(pos)
            if span.url:
                return span.url
        return None


_UPPER = "".join(c for c in map(chr, range(0x250)) if c.isupper())
_PARTICLE_ALT = "|".join(sorted(PARTICLES, key=len, reverse=True))
#: A run of capitalised words, with name particles and "Dr."-style dots inside.
#: (The capital comes first and the look-behind, two characters wide, checks the one before
#: it: a pattern that starts with a character set lets the regex engine skip ahead to the
#: next capital instead of trying the look-behind at every position; twice as fast.)
_RUN = re.compile(
    rf"[{_UPPER}](?<![\w'’-].)[\w'’-]*(?:\.(?=[ \u00a0]))?"
    rf"(?:[ \u00a0]+(?:(?:{_PARTICLE_ALT})[ \u00a0]+)*[{_UPPER}][\w'’-]*(?:\.(?=[ \u00a0]))?)*")
_RUN_WORD = re.compile(r"[^\s\u00a0]+")
#: A quote opened just before a run, on a capitalised word that no run starts at ("'Critical …").
_QUOTE_OPENED = re.compile(r"(?:^|(?<=[\s(\[]))['‘\"“][A-Z][\w'’-]*[ \u00a0]+$")
_CLOSING_QUOTES = frozenset("'’\"”")
#: An indefinite article right before a run: what follows is a thing ("making a Kestrel Site
#: accessible"), never a person's name
_ARTICLE_BEFORE = re.compile(r"(?<![\w'’-])an?[ \u00a0]+$")
_RUN_STOP = re.compile(r"\.[ \u00a0]+")
_OPENING_QUOTES = frozenset("'‘\"“")


@lru_cache(maxsize=65536)
def _skip_word(word: str) -> bool:
    """Whether a one-word run can be no first name or surname on its own (an ordinary,
    organisation or honorific word, or not capitalised as a name is)."""
    low = _POSSESSIVE.sub("", word.rstrip(".")).lower()
    return low in NON_NAME_WORDS or low in ORG_WORDS or low in HONORIFICS or not _cap(word)


def _names(t: _Text, start: int, end: int) -> list[_Name]:
    """Name-like runs of capitalised words in ``t.text[start:end]``."""
    text = t.text
    out: list[_Name] = []
    multi_span = len(t.spans) > 1
    for m in _RUN.finditer(text, start, end):
        ms, me = m.span()
        run = m.group()
        if (run[-1] in _CLOSING_QUOTES or text[me:me + 1] in _CLOSING_QUOTES) \
                and _QUOTE_OPENED.search(text, max(0, ms - 60), ms):
            continue  # the rest of a title in quotes ("a set of 'Critical Transparency Principles'")
        if _ARTICLE_BEFORE.search(text, max(0, ms - 4), ms):
            # "a Kestrel Site": a thing; the run may go on past a full stop ("... of a
            # Multi-Academy Trust. Al outlined"), where the rest is read as a run of its own
            stop = _RUN_STOP.search(run)
            if stop is None:
                continue
            ms += stop.end()
            run = run[stop.end():]
        # after another name in a list ("Janet, Margaret and June")
        listed = bool(out) and _NAME_LIST_GAP.fullmatch(text, out[-1].end, ms) is not None
        if " " not in run and "\u00a0" not in run:
            # One word: only a first name or surname on its own can matter.
            if _skip_word(run) and not (listed and run.lower() in NAME_LIKE_FIRST):
                continue
            _add_words(t, (run[:-1] if run.endswith(".") else run,), [ms], out, listed)
            continue
        if not multi_span or t.span_index(ms) == t.span_index(me - 1):
            if "." not in run and "'" not in run and "’" not in run:
                # One style, no dots or apostrophes: the run's words as they are (the
                # offsets of its words are found only if they make a name).
                _add_words(t, tuple(run.split()), ms, out, listed)
                continue
        words = [(w.start(), w.end()) for w in _RUN_WORD.finditer(text, ms, me)]
        # Split the run where the link or bold changes, at a possessive, and at dots
        # that end something other than an initial or honorific.
        pieces: list[list[tuple[int, int]]] = [[]]
        prev_span = None
        for ws, we in words:
            span = t.span_at(ws)
            word = text[ws:we]
            cur = pieces[-1]
            if cur and (span.url != prev_span.url or span.strong != prev_span.strong):
                pieces.append([])
                cur = pieces[-1]
            cur.append((ws, we))
            prev_span = span
            if word.endswith(".") and len(word) > 2 and word[:-1].lower() not in HONORIFICS:
                cur[-1] = (ws, we - 1)
                pieces.append([])
            elif _POSSESSIVE.search(word) and not word.endswith("'"):
                pieces.append([])
        for i, piece in enumerate(pieces):
            if piece:
                _add_run(t, piece, out, listed and i == 0)
    if len(out) > 1 and ('"' in text or "“" in text or "‘" in text or "'" in text or "(" in text):
        out = _join_nicknames(text, out)
    return out


#: A nickname in quotes between a first name and a surname (`Hollis "Holly" Fairweather`)
_NICKNAME = re.compile(r"[ \u00a0]+(?:\"[A-Z][\w'’-]*\"|“[A-Z][\w'’-]*”|‘[A-Z][\w'’-]*’|'[A-Z][\w-]*')[ \u00a0]+")


#: An honorific and an opening bracket right before a first name ("Baroness (Maggie) Jones")
_HONORIFIC_PAREN = re.compile(r"(?<![\w-])(" + "|".join(sorted((re.escape(h) for h in HONORIFICS), key=len, reverse=True))
                              + r")[ \u00a0]+\($", re.I)


def _join_nicknames(text: str, names: list[_Name]) -> list[_Name]:
    """The names with a first name and a surname around a quoted nickname made one name,
    written without the nickname ("Hollis Fairweather"), and an honorific, a first name in
    brackets and a surname ("Baroness (Maggie) Jones") one name: each alone was no full name."""
    out: list[_Name] = []
    for n in names:
        if out and out[-1].single and text[out[-1].end:n.full_start] in (") ", ")\u00a0") \
                and n.honorific is None and out[-1].url == n.url:
            hon = _HONORIFIC_PAREN.search(text, max(0, out[-1].start - 30), out[-1].start)
            if hon:   # "Baroness (Maggie) Jones": the name is "Maggie Jones"
                p = out.pop()
                out.append(_Name(f"{p.text} {n.text}", p.start, n.end, hon.start(),
                                 TITLE_HONORIFICS.get(hon.group(1).lower()), p.url, p.strong, n.possessive, False))
                continue
        # the nickname may have been read as a name of its own ("Holly"), or not
        nick = len(out) > 1 and out[-1].single and text[out[-1].start - 1:out[-1].start] in _OPENING_QUOTES \
            and text[out[-1].end:out[-1].end + 1] in _CLOSING_QUOTES
        first = out[-2] if nick else out[-1] if out else None
        if first is not None and not first.possessive and first.url == n.url and first.strong == n.strong \
                and n.honorific is None and _NICKNAME.fullmatch(text, first.end, n.full_start):
            if nick:
                out.pop()
            out[-1] = _Name(f"{first.text} {n.text}", first.start, n.end, first.full_start, first.honorific,
                            first.url, first.strong, n.possessive, False)
        else:
            out.append(n)
    return out


#: Words that open the name of a place or organisation, never a person's run of words
_PLACE_LEAD = frozenset("north south east west central united new".split())


#: What lies between two names of a list ("Janet, Margaret and June")
_NAME_LIST_GAP = re.compile(r"[ \u00a0]*(?:,[ \u00a0]*(?:and[ \u00a0]+)?|(?:and|&)[ \u00a0]+)")


#: A capital inside a word after a small letter, as in a product's or company's name
#: ("BlaBlaVoiture", "JetBrains"), not in a surname's prefix ("McNulty", "DeWitt", "LeBlanc")
_INNER_CAPITAL = re.compile(r"[a-z][A-Z]")
_SURNAME_PREFIX = re.compile(r"(?:Mc|Mac|De|Di|Da|Du|Le|La|Van|Von|Fitz)[A-Z]")


def _org_shaped(word: str) -> bool:
    """Whether one word after a particle reads as an organisation's name rather than a
    surname: an organisation word ("Foundation"), an acronym of up to four letters or with
    no vowel ("SNCF"), a capital inside ("BlaBlaVoiture"), or a digit."""
    bare = _POSSESSIVE.sub("", word.rstrip("."))
    if bare.lower() in ORG_WORDS or any(c.isdigit() for c in bare):
        return True
    if bare.isupper() and len(bare) >= 2 and (len(bare) <= 4 or not re.search(r"[AEIOUY]", bare)):
        return True
    return bool(_INNER_CAPITAL.search(bare)) and not _SURNAME_PREFIX.match(bare)


def _particle_is_of(core: Sequence[str]) -> bool:
    """Whether the particle after the first word of ``core`` means "of": a first name, a
    particle written in lower case, then words of which one is shaped as an organisation's
    name ("Pierre de SNCF", "Pierre de Rail Foundation"). Two surnames after a particle
    are a name ("Juan de Dios Pérez", "Ana da Costa Pereira", "Vladimir de Tourville"):
    read as "of", they lost the person and the next one in the list."""
    if len(core) < 3 or core[1] not in OF_PARTICLES:
        return False
    tail = core[2:]
    if tail[0].lower() in PARTICLES:
        return False   # "von der Lenden", "de la Torre Pérez": particles make a surname
    return any(_org_shaped(w) for w in tail)


@lru_cache(maxsize=65536)
def _run_shape(words: tuple[str, ...], styled: bool = False, listed: bool = False
               ) -> tuple[int, int, str | None, int, bool] | None:
    """Which words of a capitalised run make a name, or ``None`` if none do.

    A run set apart as a name is (``styled``: bold or a link; ``listed``: after another
    name in a list) may open with a word of :data:`NAME_LIKE_FIRST` and, of two words or
    more, end with one of :data:`NAME_LIKE_LAST` ("June Brown", "Theresa May"); a word
    alone, only when ``listed`` ("Margaret and June").

    Returns the index of the name's first word (past honorifics and sentence words such as
    "Professor", "Thanks"), one past its last (before post-nominals such as "MP"), the
    honorific kept as a title, and how many characters of a possessive ending ("'s", "’")
    to cut from the last word, and whether words of it are in capitals ("PAUL GILZOW": a name of
    two words or more, read where a name must stand, see :meth:`_Collector.resolve`). A pure
    function of the words: runs repeat across a site.
    """
    honorific = None
    k = 0
    while k < len(words):
        w = words[k].lower()
        if w in HONORIFICS:
            honorific = TITLE_HONORIFICS.get(w, honorific)
            k += 1
        elif w in NON_NAME_WORDS and k < len(words) - 1 and not (
                (styled or listed) and w in NAME_LIKE_FIRST and not _skip_word(words[k + 1])):
            if w in _PLACE_LEAD or w in ("a", "an"):
                return None   # "South Side Hackerspace", "New York Times": a place's or an organisation's
                #               name; "A Kestrel Site for everyone": a thing
            honorific = None
            k += 1
        else:
            break
    end = len(words)
    while end - k > 1 and words[end - 1].rstrip(".,") in POSTNOMINALS:
        end -= 1
    core = words[k:end]
    if not core:
        return None
    if _particle_is_of(core):
        end = k + 1   # "Pierre de Rail Express": Pierre, of Rail Express (read after the name)
        core = words[k:end]
    lows = [w.lower() for w in core]
    lows[-1] = _POSSESSIVE.sub("", lows[-1])
    name_like = styled or listed
    if len(core) == 1:
        if (lows[0] in NON_NAME_WORDS and not (listed and lows[0] in NAME_LIKE_FIRST)
                or lows[0] in ORG_WORDS or not _cap(core[0])):
            return None
    elif any(w in ORG_WORDS or w in _TITLE_IN_NAME
             or (n and w in NON_NAME_WORDS and not (name_like and n == len(core) - 1 and w in NAME_LIKE_LAST))
             or not _cap(word) and w not in PARTICLES and not _shouted(word)
             for n, (w, word) in enumerate(zip(lows, core))):
        return None
    last = core[-1]
    mark = _POSSESSIVE.search(last)   # within the last word: the pattern has no space
    cut = len(mark.group()) if mark and last[-1] != "'" else 0
    return k, end, honorific, cut, len(core) > 1 and any(not _cap(w) and _shouted(w) for w in core)


def _add_run(t: _Text, run: list[tuple[int, int]], out: list[_Name], listed: bool = False) -> None:
    """Add the name a run of capitalised words (offsets of its words) makes, if any."""
    text = t.text
    _add_words(t, tuple([text[ws:we] for ws, we in run]), [ws for ws, _we in run], out, listed)


def _add_words(t: _Text, words: tuple[str, ...], starts: list[int] | int, out: list[_Name],
               listed: bool = False) -> None:
    """Add the name some capitalised words make, if any. ``starts`` are the offsets of the
    words, or the offset of the first of words separated by white space only (of one
    style); ``listed``: they follow another name in a list (see :func:`_run_shape`)."""
    at = t.span_at(starts if isinstance(starts, int) else starts[0])
    shape = _run_shape(words, at.strong or at.url is not None, listed)
    if shape is None:
        return
    k, end, honorific, cut, shouted = shape
    if isinstance(starts, int):
        first, pos, starts = starts, starts, []
        for w in words[:end]:   # only white space before each word
            pos = t.text.index(w, pos)
            starts.append(pos)
            pos += len(w)
    else:
        first = starts[0]
    ns, ne = starts[k], starts[end - 1] + len(words[end - 1]) - cut
    span = t.span_at(ns)
    text = _unshout(t.text[ns:ne]) if shouted else t.text[ns:ne]
    out.append(_Name(text, ns, ne, first, honorific, span.url, span.strong, cut > 0, end - k == 1, shouted))


# --- title and organisation -------------------------------------------------------

#: Lower-case words that end the words skipped before an organisation's name: what follows
#: them is the object of another phrase
_ORG_SKIP_STOP = frozenset("from with about".split())


@lru_cache(maxsize=65536)
def _trim_org(text: str) -> str | None:
    """Keep the proper-noun run of an organisation: "edtech company NetSupport" -> "NetSupport"."""
    text = _DROP_LEADING.sub("", text.strip(" ,.;:\u00a0"))
    words = text.split()
    while words and not (words[0][0].isupper() or words[0][0].isdigit()):
        if words[0] in _ORG_SKIP_STOP:
            return None   # "some help from the Hackerspace": the name belongs to another phrase
        words.pop(0)
    keep: list[str] = []
    for w in words:
        bare = w.strip(",.;:)\"“”")
        if not bare or bare.startswith("("):
            break
        if bare[0].isupper() or bare[0].isdigit() or bare.lower() in _ORG_CONNECT or "." in bare:
            keep.append(w.rstrip(")") if ")" in w and "(" not in " ".join(keep) else w)
            if ")" in w:
                break
        else:
            break
    after = [w.strip(",.;:)\"“”").lower() for w in words[len(keep):len(keep) + 3]]
    keep = _without_second_phrase(keep, after)
    while keep and keep[-1].strip(",.;:").lower() in _ORG_CONNECT:
        keep.pop()
    if keep and _POSSESSIVE.search(keep[-1]) and any(w in EVENT_WORDS for w in after):
        return None   # "at the ICO’s annual conference": where they spoke, not whom they speak for
    org = " ".join(keep).strip(" ,.;:")
    if not any(c.isalpha() for c in org):
        return None   # "leader ... from 2012-2016": a year or a number is no organisation
    return org or None


def _without_second_phrase(keep: list[str], after: list[str]) -> list[str]:
    """An organisation's words without what follows its last "and" when that starts a phrase
    of its own: a title ("University of Louvain and Visiting research fellow at ..."), with
    no organisation word to join it to the name ("Bakers, Food and Allied Workers Union").
    ``after``: the first words (lower case) after the kept ones."""
    j = next((i for i in range(len(keep) - 1, 0, -1) if keep[i] in ("and", "&")), None)
    if j is None:
        return keep
    tail = [w.strip(",.;:").lower() for w in keep[j + 1:]]
    if any(w in ORG_WORDS for w in tail) or not any(w in TITLE_WORDS for w in tail + after):
        return keep
    return keep[:j]


_TITLE_SPLIT = re.compile(r"[\s/&-]+")


@lru_cache(maxsize=65536)
def _is_title(text: str) -> bool:
    """Whether ``text`` has a job-title word ("Director", "Head of Research")."""
    words = [w.strip(",.()").lower() for w in _TITLE_SPLIT.split(text) if w]
    return any(w in TITLE_WORDS for w in words)


@lru_cache(maxsize=65536)
def _is_org(text: str) -> bool:
    """Whether ``text`` reads as an organisation: an organisation word, or all capitalised."""
    words = [w.strip(",.()") for w in text.split()]
    if not words:
        return False
    if any(w.lower() in ORG_WORDS for w in words):
        return True
    return all(w[:1].isupper() or w.lower() in _ORG_CONNECT or w[:1].isdigit() for w in words if w)


_TAIL_STOP = re.compile(
    r"(?=[\s;.,woats])"   # (what a match can start with: a quick test at each position)
    r"\s*(?:;|\.(?:\s|$)|\s[–—]\s|\s-\s|\bwho\b|\bwhich\b|\bwhere\b|\bon (?:the|a|an|this|how|what|why)\b"
    r"|\babout\b|\bto\b|\bsaid\b|\bsays\b|\band (?:I|we|he|she|they)\b|, (?:and )?[a-z]+(?:ed|s)\b"
    r"|\s(?:alongside|chaired|moderated|spoke|presented|discussed|explained|shared|talked)\b"
    r"|\sand\s(?=[A-Z][\w'’-]+\s(?:of|from)\s+the\s+[A-Z]))")
_LOWER_TITLE = ("officer director manager lead leader head researcher fellow lecturer professor organiser "
                "coordinator co-ordinator advisor adviser editor member secretary president chair founder "
                "co-founder consultant analyst worker campaigner organizer representative").split()
#: "Chloe Rees organising and development officer at Wales TUC": a lower-case title, no comma.
_BARE_TITLE = re.compile(r"\s+(?=(?:[a-z][\w-]*\s+){0,4}?(?:" + "|".join(_LOWER_TITLE)
                         + r")\s+(?:at|of|for)\s+(?:the\s+)?[A-Z])")
_DASH_APPOSITIVE = re.compile(r"\s+[–—-]\s+([^–—;.()]{2,120}?)(?=\s+[–—-]\s|[.;]|$)")
_POSS_SEG = re.compile(r"^([A-Z][\w&.-]*(?:\s+(?:of|for|and|by|the|[A-Z][\w&.-]*))*)(?:'s|’s)\s+(.+)$")
_AND_TITLE = re.compile(r"\s(?:&|and)\s+([A-Z][\w-]*)")
#: A list of names in brackets right after a role noun: "Our speakers (Giovana, Ivan and Tim)".
_PAREN_LIST = re.compile(r"\b(speakers|panell?ists|presenters|facilitators|co-?chairs|witnesses)\s*\(\s*"
                         r"(?:[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*\s*(?:,|and|&)\s*)*$", re.I)
#: An explicit role in brackets after a name (and its organisation): "Tim Davies (Org) (facilitator)".
_AFTER_MARK = re.compile(r"\s*(?:\([^()]{1,80}\)\s*)?\(\s*(host|chair|co-chair|moderator|mc|facilitator|speaker"
                         r"|panell?ist|witness)\s*\)", re.I)
_ACRONYM_TAIL = re.compile(r"\s+([A-Z][A-Z0-9&]{1,9})$")
_ORG_LEAD = re.compile(r"^\s*,?\s*(?:from|of|at|with)\s+(?:the\s+)?")
#: "Pierre de Rail Express": a particle meaning "of" after a first name, before a capital
_OF_LEAD = re.compile(r"^\s+(?:" + "|".join(sorted(OF_PARTICLES)) + r")\s+(?=[A-Z])")
_AT_ORG = re.compile(r"\s(?:at|from)\s+(?:the\s+)?")
_IN_SEG_ORG = re.compile(r"\s(?:at|of|for|with|from)\s+(?:the\s+)?")


def _title_headed(text: str) -> bool:
    """Whether capitalised words are a job title all the same: they end with a job's word
    of :data:`OWN_TITLE_WORDS` ("Data Values Advocate", "Policy Manager"), have no
    organisation's word and do not start with "The" ("The Economist")."""
    words = text.split()
    return bool(words) and words[0] != "The" and words[-1].strip(",.").lower() in OWN_TITLE_WORDS \
        and not any(w.strip(",.").lower() in ORG_WORDS for w in words)


def _linked_part(t: _Text, org: str, at: int) -> str:
    """An organisation read from ``at`` cut where its link ends: a linked name is the link's
    text ("[Turing Institute](…) and [TwinsUK](…) at [King's College](…)": several
    organisations, of which the first)."""
    span = t.span_at(at)
    if span.url is None:
        return org
    end = t.bounds[t.span_index(at)] - at
    return org[:end].strip(" ,") if 0 < end < len(org) else org


def _inner_title_org(t: _Text, inner: str, at: int) -> tuple[str | None, str | None, str | None]:
    """Title, organisation and its link from a bracketed or dashed appositive at ``at``
    ("Associate Director at [Org]", "a Research Fellow at the Public Law Project", "Org")."""
    inner_at = _AT_ORG.search(inner) or _IN_SEG_ORG.search(inner)
    if inner_at and _is_title(inner[:inner_at.start()]):
        org = _trim_org(inner[inner_at.end():])
        o = at + (inner.find(org, inner_at.end()) if org else 0)
        title = re.sub(r"^(?:an?|the)\s+", "", inner[:inner_at.start()].strip())
        return title or None, org, t.url_in(o, o + len(org)) if org else None
    if _is_title(inner) and (not _is_org(inner) or _title_headed(inner)):
        return inner, None, None
    return None, inner, t.url_in(at, at + len(inner))


_PAREN_AFTER = re.compile(r"\s*\(([^()]{2,120})\)")
_APPOSITIVE_LEAD = re.compile(r"\s*(?:,|:|\s[–—-])\s*|\s+(?:is|was)\s+(?:the\s+|an?\s+)(?=[A-Za-z])"
                              r"|\s+(?:is|was)\s+(?=[A-Z])")
_SEG_SPLIT = re.compile(r"(,\s*|:\s*)")
_SEG_SEP = re.compile(r",\s*|:\s*")
#: "from Department of X, University of Y": a comma before "University" or "Institute" does not end the organisation.
_ORG_COMMA = re.compile(r"[^,]*,\s*(?:University|Institute)\b")
#: An organisation whose name is a list: "Bakers, Food and Allied Workers Union" (a comma
#: that starts the list of its own name's parts, ended by an organisation's word)
_LISTED_ORG = re.compile(r"[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?(?:,\s+[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?)+,?"
                         r"\s+(?:and|&)\s+(?:[A-Z][\w'’-]*\s+){0,3}(?P<head>[A-Z][\w'’-]*)")
_CLAUSE_LEAD = re.compile(r"(?:and|but|or|who|which)\b")
_OUR = re.compile(r"our\s", re.I)
_MP_FOR = re.compile(r"\b(?:MP|MS|MSP|MEP)\s+for\b")


_CONJUNCT = re.compile(r"\s+(?:and|&)\s+")
#: A title that was someone's once, not now ("was leader of X from 2012-2016", "former CEO of Y")
_FORMER = re.compile(r"(?:was|were|former|formerly|previously|ex)\b", re.I)


def _title_org(t: _Text, start: int, end: int, site_name: str | None = None
               ) -> tuple[str | None, str | None, str | None, int]:
    """Title, organisation, the organisation's link, and where that text ends, from the
    text after a name ("Name, Title at Org", "Name from Org", "Name (Org)", "Name - a Title
    at Org -", "Name, Org's Title", "Name, our Title"). A former title gives neither: the
    organisation of a past job is not the one they speak for."""
    title, org, org_url, used = _title_org_read(t, start, end, site_name)
    if title and _FORMER.match(title):
        return None, None, None, used
    stage = _stage_part(title) if title and org else None
    if stage and stage[1] is None:
        return title, None, None, used   # "the keynote speaker at the ICO's conference": the venue
    return title, org, org_url, used


@lru_cache(maxsize=4096)
def _stage_part(title: str) -> tuple[str, str | None] | None:
    """The role a title read after a name gives when it names a part on stage, not a job
    ("the guest speaker", "keynote speaker", "Moderator and Data Value Advocate"), and the job
    title left beside it, if any; ``None`` for a job title."""
    parts = _CONJUNCT.split(title.strip(), maxsplit=1)
    if parts[0] == "Speaker":
        return None   # alone and capitalised, an office: "Speaker of the House of Commons"
    words = [w.strip(",.;:").lower() for w in parts[0].split()]
    if words and words[-1] in STAGE_NOUNS and all(w in STAGE_ADJECTIVES for w in words[:-1]):
        return STAGE_NOUNS[words[-1]], (parts[1].strip() or None) if len(parts) > 1 else None
    return None


def _title_org_read(t: _Text, start: int, end: int, site_name: str | None
                    ) -> tuple[str | None, str | None, str | None, int]:
    """:func:`_title_org`, past titles and all."""
    end = _bold_label_end(t, start, end)
    tail = t.text[start:min(end, start + 300)]   # a title and organisation are never longer
    found = _paren_title_org(t, tail, start) or _dash_title_org(t, tail, start)
    if found:
        return found
    stop = _TAIL_STOP.search(tail)
    tail = tail[:stop.start()] if stop else tail
    lead = _ORG_LEAD.match(tail) or _OF_LEAD.match(tail)
    if lead:
        return _lead_org(t, tail[lead.end():], start + lead.end(), start)
    m = _APPOSITIVE_LEAD.match(tail) or _BARE_TITLE.match(tail)
    if not m:
        return None, None, None, start
    rest = _without_talk_title(tail[m.end():], m.group(0))
    base = start + m.end()
    segs = _join_split_title(t, _segments(t, rest, base), rest, base)
    return _Appositive(t, base, start).read(segs, site_name)


def _bold_label_end(t: _Text, start: int, end: int) -> int:
    """Where the text after a bold name can give its title and organisation: the end of the
    bold when the bold goes on past the name and a colon follows it ("**Name – Place**: a bio
    …", whose bio is no title), else ``end``."""
    if start == 0 or start >= len(t.text) or not t.span_at(start - 1).strong:
        return end
    j = t.span_index(start - 1)
    while j + 1 < len(t.spans) and t.spans[j + 1].strong:
        j += 1
    stop = t.bounds[j]
    if start < stop < end and t.text[stop:stop + 2].strip().startswith(":"):
        return stop
    return end


def _paren_title_org(t: _Text, tail: str, start: int) -> tuple[str | None, str | None, str | None, int] | None:
    """Title and organisation in brackets right after the name ("Name (Title at Org)"), if any;
    a role in brackets ("Name (chair)") gives neither."""
    m = _PAREN_AFTER.match(tail)
    if not m:
        return None
    if _ROLE_MARK.match(m.group(0)):
        return None, None, None, start + m.end()
    inner = m.group(1).strip()
    return (*_inner_title_org(t, inner, start + m.start(1) + m.group(1).find(inner)), start + m.end())


def _dash_title_org(t: _Text, tail: str, start: int) -> tuple[str | None, str | None, str | None, int] | None:
    """Title and organisation between dashes after the name ("Name - a Title at Org -"), if any."""
    m = _DASH_APPOSITIVE.match(tail)
    if not (m and (_is_title(m.group(1)) or _IN_SEG_ORG.search(m.group(1)))):
        return None
    title, org, org_url = _inner_title_org(t, m.group(1).strip(), start + m.start(1))
    if org and not org[0].isupper():
        org = _trim_org(org)
    return title, org, org_url, start + m.end()


def _lead_org(t: _Text, rest: str, at: int, start: int) -> tuple[None, str | None, str | None, int]:
    """The organisation of "Name from Org" (``rest`` is what follows "from", at ``at``); none
    when nothing there reads as one."""
    listed = _LISTED_ORG.match(rest) if "," in rest else None
    if listed and listed.group("head").lower() in ORG_WORDS:
        seg = listed.group()   # "of the Bakers, Food and Allied Workers Union"
    else:
        seg = rest.split(",")[0] if "," in rest and not _ORG_COMMA.match(rest) else rest
    org = _trim_org(seg)
    if not org:
        return None, None, None, start
    off = at + rest.find(org)
    org = _linked_part(t, org, off)
    return None, org, t.url_in(off, off + len(org)), off + len(org)


def _without_talk_title(rest: str, lead: str) -> str:
    """The appositive without a talk's title after a colon, unless a colon opened it."""
    if ":" not in lead:
        colon = rest.find(": ")
        if colon > 0:
            return rest[:colon]   # "Name, Title, Org: the talk's title"
    return rest


def _segments(t: _Text, rest: str, base: int) -> list[tuple[int, str]]:
    """The parts of the appositive ``rest`` (at ``base``) between commas and colons, each with
    where it starts in ``rest``."""
    segs: list[tuple[int, str]] = []
    pos = 0
    # a comma inside a link's text ("[Department for Science, Innovation and Technology](…)")
    # does not split it: the link is one name
    masked = rest
    if ("," in rest or ":" in rest) and any(s.url for s in t.spans):
        masked = "".join("\x00" if ch in ",:" and t.span_at(base + i).url else ch for i, ch in enumerate(rest))
    for part in _SEG_SPLIT.split(masked):
        if part and not _SEG_SEP.fullmatch(part):
            segs.append((pos, rest[pos:pos + len(part)]))
        pos += len(part)
    return segs


def _join_split_title(t: _Text, segs: list[tuple[int, str]], rest: str, base: int) -> list[tuple[int, str]]:
    """The parts, with a title that a comma splits over the first two joined into one."""
    if len(segs) > 1 and not _is_title(segs[0][1]) and _is_title(segs[1][1]) and _AT_ORG.search(segs[1][1]) \
            and segs[0][1][:1].isupper() and len(segs[0][1].split()) <= 3 and not t.url_in(base, base + 1):
        # "Public Engagement, Communications and Impact Manager at Org": one title over two segments
        off, seg = segs[1]
        return [(0, rest[:off + len(seg)])] + segs[2:]
    return segs


def _cut_at_second_title(seg: str) -> str | None:
    """A later part cut before a second title joined to it by "and" or "&", if it has one."""
    both = _AND_TITLE.search(seg)
    if both and both.group(1).lower() in TITLE_WORDS and not _is_title(seg[:both.start()]):
        return seg[:both.start()]   # "Yale University & Fellow of ..."
    return None


def _own_title(seg: str, seg_s: str, at: int, site_name: str | None
               ) -> tuple[str | None, str | None, str | None, int] | None:
    """Title and organisation from a first part "our Title": the organisation is the site's own."""
    if site_name and _OUR.match(seg_s) and _is_title(seg_s[4:]):
        return seg_s[4:].strip(), site_name, None, at + len(seg)   # "Name, our Director"
    return None


def _possessive_title(t: _Text, seg: str, seg_s: str, at: int
                      ) -> tuple[str | None, str | None, str | None, int] | None:
    """Title and organisation from a first part "Org's Title"."""
    poss = _POSS_SEG.match(seg_s)
    if poss and _is_title(poss.group(2)) and _is_org(poss.group(1)):
        # "Name, CONNECTED BY DATA's Campaigns and Policy Officer"
        o = at + seg.find(poss.group(1))
        return poss.group(2).strip(), poss.group(1), t.url_in(o, o + 1), at + len(seg)
    return None


def _is_title_part(seg: str, seg_s: str, n: int) -> bool:
    """Whether a part reads as a title; a later one that reads as an organisation too is one
    only with "at"/"of" inside or a title word first."""
    return _is_title(seg_s) and not (n and _is_org(seg_s) and not _IN_SEG_ORG.search(seg)
                                     and seg_s[0].isupper() and not seg_s.split()[0].lower() in TITLE_WORDS)


#: "a Royal Mail worker and union member": an organisation named before a title word
_ORG_MODIFIER = re.compile(r"(?:an?|the)\s+((?:[A-Z][\w&.-]*\s+)+)(?:[a-z][\w-]*\s+)*?([a-z][\w-]*)"
                           r"(?:\s+(?:and|&)\s+.*)?$")


#: Titles whose "of" names a work, not an organisation ("author of the Go PostgreSQL driver")
_MAKERS = frozenset("author co-author creator co-creator maintainer co-maintainer inventor writer".split())


#: What stands before a title word without being an organisation: a nationality or place
#: adjective ("British", "London-based"), a degree ("PhD")
_NOT_AN_ORG = re.compile(r"(?:[A-Z][a-z]+(?:ish|ese|ian|can|ean|an|i|ch)|[A-Z][\w-]*-based|PhD|DPhil|MSc|MA|BA|MBA|MPhil"
                         r"|BSc|LLM|MD)")
#: A session or meeting named before "was run by", which is no organisation of its runner
_TALK_OR_SESSION = re.compile(r"(?i)\b(?:session|panel|workshop|jury|assembly|meeting|event|talk|day|lab)\Z")


#: A title that ends "of" or "for" and one capitalised word ("Minister for Media"): a list
#: of what it is for may go on after a comma
_OF_WORD_END = re.compile(r"\s(?:of|for)\s+[A-Z][\w'’-]*$")
#: The last items of a list, "B and C" or "B, C and D" (one or two words each), with no
#: organisation's word: what a comma after "for Media" goes on with
_LIST_TAIL = re.compile(r"(?:[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?,\s+)*[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?"
                        r"\s+and\s+[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)?")


class _Appositive:
    """The title and organisation the parts of an appositive give ("Name, Title, Org"), read
    left to right: title parts go on until a part gives the organisation."""

    __slots__ = ("t", "base", "title", "title_seg", "org", "org_url", "org_strength", "used")

    def __init__(self, t: _Text, base: int, start: int):
        self.t = t
        self.base = base                     # where the parts start in the text
        self.title: str | None = None
        self.title_seg: str | None = None    # the whole part the title was read from
        self.org: str | None = None
        self.org_url: str | None = None
        self.org_strength = 0                # 2: "at Org" or a segment of its own; 1: "Title of Org"
        self.used = start                    # where the text read so far ends

    def read(self, segs: list[tuple[int, str]], site_name: str | None
             ) -> tuple[str | None, str | None, str | None, int]:
        """Title, organisation, its link, and where the text used ends, from the first three parts."""
        for n, (off, seg) in enumerate(segs[:3]):
            seg_s = seg.strip()
            if not seg_s or _CLAUSE_LEAD.match(seg_s):
                break
            last = False
            if n:
                cut = _cut_at_second_title(seg)
                if cut is not None:
                    seg, seg_s, last = cut, cut.strip(), True
            at = self.base + off
            lead = _ORG_LEAD.match(seg)
            if lead:
                self.lead_org(seg, lead.end(), at)
                break
            if n == 0:
                first = _own_title(seg, seg_s, at, site_name) or _possessive_title(self.t, seg, seg_s, at)
                if first:
                    return first
                mod = _ORG_MODIFIER.match(seg_s)
                if mod and mod.group(2).lower() in TITLE_WORDS and not _NOT_AN_ORG.fullmatch(mod.group(1).strip()):
                    # "a Royal Mail worker" (not "a British researcher", "a PhD student")
                    org = mod.group(1).strip()
                    o = at + seg.find(org)
                    return seg_s[mod.start(1):], org, self.t.url_in(o, o + len(org)), at + len(seg)
            url = self.t.url_in(at, at + 1)
            if url and not _is_title(seg_s):
                self.linked_org(seg, seg_s, url, at)
                break
            if _is_title_part(seg, seg_s, n):
                if self.title_part(seg, seg_s, n, at) or last:
                    break
                continue
            if n and self.org is None and self.title == segs[n - 1][1].strip() and _LIST_TAIL.fullmatch(seg_s) \
                    and _OF_WORD_END.search(self.title):
                # "MP for Barnsley and Shadow Minister for Media, Data and Digital Infrastructure":
                # the comma goes on the list the title ends with; the part is no organisation
                self.title, self.used = f"{self.title}, {seg_s}", at + len(seg)
                break
            if seg_s[0].isupper() and _is_org(seg_s) and self.org_strength < 2:
                self.org_part(seg, seg_s, at)
            break
        return self.title, self.org, self.org_url, self.used

    def found_org(self, org: str, at: int) -> None:
        """Take ``org``, written at ``at``, as the organisation, with its link."""
        org = _linked_part(self.t, org, at)
        self.org, self.org_url, self.used = org, self.t.url_in(at, at + len(org)), at + len(org)

    def lead_org(self, seg: str, lead_end: int, at: int) -> None:
        """A part "from Org" (or "of", "at", "with")."""
        cand = _trim_org(seg[lead_end:])
        if cand:
            self.found_org(cand, at + seg.find(cand, lead_end))

    def linked_org(self, seg: str, seg_s: str, url: str, at: int) -> None:
        """A linked part that is no title: the organisation, with that link."""
        cand = _trim_org(seg_s)
        if cand and self.org_strength == 1 and self.title_seg:
            self.title = self.title_seg   # "Head of Research, [Org]": the "of" was part of the title
        if cand:
            self.org, self.org_url, self.used = cand, url, at + len(seg)

    def title_part(self, seg: str, seg_s: str, n: int, at: int) -> bool:
        """A title part, maybe with an organisation inside; whether it ends the reading."""
        inner = _AT_ORG.search(seg) or _IN_SEG_ORG.search(seg)
        if self.title is None:
            self.title_seg = seg_s
        if inner and not _MP_FOR.search(seg):
            self.title_at_org(seg, inner, at)
        elif self.title is None:
            self.bare_title(seg, seg_s, at)
        if n == 0 and not seg_s[0].isupper() and self.org is None and self.title == seg_s and \
                not seg_s.split()[0].lower() in TITLE_WORDS:
            self.title = None   # "Name, who ..." style clauses are not titles
            return True
        return False

    def title_at_org(self, seg: str, inner: re.Match[str], at: int) -> None:
        """A title part "Title at Org" or "Title of Org": the first title, and an organisation
        unless one was read from a stronger clue."""
        title_words = seg[:inner.start()].split()
        if inner.group(0).split()[0] == "of" and title_words and title_words[-1].lower() in _MAKERS:
            # "the author of the Go PostgreSQL driver": what follows "of" is a work, no organisation
            if self.title is None:
                self.title = _DROP_LEADING.sub("", seg.strip())
                self.used = at + len(seg)
            return
        cand = _trim_org(seg[inner.end():])
        if self.title is None:
            self.title = seg[:inner.start()].strip() or None
        strength = 1 if inner.group(0).strip().startswith(("of", "for")) else 2
        if cand and self.org_strength < strength:
            self.found_org(cand, at + seg.find(cand, inner.end()))
            self.org_strength = strength

    def bare_title(self, seg: str, seg_s: str, at: int) -> None:
        """A title part with no "at" or "of" in it: the title, and an acronym at its end as the organisation."""
        self.title = seg_s
        self.used = at + len(seg)
        acr = _ACRONYM_TAIL.search(seg_s)
        if acr and acr.group(1).lower() not in TITLE_WORDS and acr.group(1) not in POSTNOMINALS:
            # "Deputy Director-General ANEC"
            self.title, self.org_strength = seg_s[:acr.start()].strip(), 1
            o = at + seg.find(acr.group(1))
            self.org = acr.group(1)
            self.org_url = self.t.url_in(o, o + len(self.org))

    def org_part(self, seg: str, seg_s: str, at: int) -> None:
        """A part that reads as an organisation, after no stronger clue to one."""
        cand = _trim_org(seg_s)
        if cand and self.org_strength == 1 and self.title_seg:
            self.title = self.title_seg   # "Head of Research, Org": the "of" was part of the title
        if cand:
            self.found_org(cand, at + seg.find(cand))


def _possessive_org(t: _Text, name_start: int, sent_start: int) -> tuple[str | None, str | None, str | None]:
    """Organisation and title from "Org's [Title] Name" before a name."""
    before = t.text[sent_start:name_start]
    m = re.search(r"((?:[A-Z][\w.&]*|by|of|for|and|the)(?:\s+(?:[A-Z][\w.&]*|by|of|for|and|the))*)"
                  r"(?:'s|’s)\s+((?:[\w-]+\s+){0,6}?)$", before)
    if not m:
        return None, None, None
    owner = _after_people(m.group(1))
    org = _trim_org(owner)
    if not org or org.lower() in ("our", "their"):
        return None, None, None
    title = m.group(2).strip() or None
    if title and not _is_title(title):
        title = None
    off = sent_start + m.start(1) + m.group(1).rfind(org)
    return title, org, t.url_in(off, off + len(org))


def _after_people(owner: str) -> str:
    """The owner of a possessive without the people listed before it: "Org's Jeni Tennison and
    the TUC's Mary Towers" gives Mary Towers "the TUC", not "Jeni Tennison and the TUC"."""
    if " and " not in owner and "&" not in owner:
        return owner
    parts = _CONJUNCT.split(owner)
    last = max((i for i, p in enumerate(parts[:-1]) if _is_person(p)), default=-1)
    return " and ".join(parts[last + 1:]) if last >= 0 else owner


def _is_event(org: str) -> bool:
    """Whether an organisation read after a name is an event's name: its last word, before a
    year, is one of :data:`EVENT_WORDS` ("Spring Party Conference 2023", "Data Symposium")."""
    words = org.split()
    while len(words) > 1 and re.fullmatch(r"(?:19|20)\d\d", words[-1]):
        words.pop()
    return words[-1].lower() in EVENT_WORDS


def _holds_a_name(col: "_Collector", org: str) -> bool:
    """Whether an organisation read after a name lists a person of the body or a staff member
    as one of its parts ("Jeni Tennison and the TUC", "Ana Ruiz, Open Labs"): a person is
    no organisation; a name inside a part is ("Tony Blair Institute")."""
    if " and " not in org and "&" not in org and "," not in org:
        return False
    for part in re.split(r"\s*(?:\band\b|&|,)\s*", org):
        part = _DROP_LEADING.sub("", _POSSESSIVE.sub("", part))
        words = part.split()
        if len(words) >= 2 and (part in col.staff_full or part in col.parts.get(words[0].lower(), ())):
            return True
    return False


# --- the extractor ----------------------------------------------------------------

def _sentences(text: str) -> list[tuple[int, int]]:
    out, start = [], 0
    for m in _SENT_END.finditer(text):
        word = text[max(0, m.start() - 6):m.start()].split()
        last = word[-1].lower().rstrip(".") if word else ""
        if last in _ABBREV or (len(last) == 1 and last.isalpha()):
            continue
        out.append((start, m.start() + 1))
        start = m.end()
    out.append((start, len(text)))
    return out


_LEAD_END = re.compile(r"\b(?:were|are|was|is|include[ds]?|included)\s*:?\s*$|:\s*$")
_LEAD_END_WORDS = ("were", "are", "was", "is", "include", "includes", "included")
_RUN_BY_LEAD = re.compile(r"\b(?:was|were|is|are|will be)\s+(?:co-)?(?:facilitated|run|led|hosted|chaired|moderated)"
                          r"\s+by\b")


def _person_next(text: str, at: int) -> bool:
    """Whether the words at ``at`` (after white space, bold or a link's bracket) are a person's full name."""
    run = re.match(r"[\s*_\[]*((?:[A-Z][\w'’-]*[ \u00a0]+)+[A-Z][\w'’-]*)", text[at:at + 80])
    return bool(run) and _is_person(run.group(1))


def _lead_in_role(text: str) -> str | None:
    """The role a paragraph gives the list under it: it ends with a colon, or is short and
    ends with "were", "are", "include(d)" ("The speakers were"), and names a role."""
    end = text.rstrip()
    if end.endswith(":"):
        return _list_role(text)
    # (a cheap test of the words first: _LEAD_END, anchored at the end, is searched from the start)
    if len(text) < 200 and end.endswith(_LEAD_END_WORDS) and _LEAD_END.search(end):
        return _list_role(text)
    by = _RUN_BY_LEAD.search(text) if len(text) < 200 else None
    if by and not _person_next(text, by.end()):
        # "The design lab was facilitated by Org and Org." above a list of the team (but after
        # "This event was chaired by Tim Davies." the list is of something else)
        return _list_role(text)
    return None


#: Whether any of :data:`_LIST_CUES` is in a text (an alternation matches where one of them does).
_ANY_LIST_CUE = re.compile("|".join(f"(?:{rx.pattern})" for rx, _role in _LIST_CUES), re.I)


def _list_role(text: str) -> str | None:
    """The role a lead-in or heading gives the people listed under it, if any: the cue
    nearest the end wins ("hosted the conversation featuring:" -> speaker)."""
    if _NEGATIVE_LEAD.search(text) and not re.search(r"\bspeakers?\b|\bpanel", text, re.I) \
            or _PAST_CAST.search(text):
        return None
    if not _ANY_LIST_CUE.search(text):   # one pass: most headings and lead-ins name no role
        return None
    best, best_at = None, -1
    for rx, role in _LIST_CUES:
        for m in rx.finditer(text):
            if m.start() > best_at:
                best, best_at = role, m.start()
    return best


@lru_cache(maxsize=8)
def _staff_index(staff: tuple[str, ...]) -> tuple[dict[str, tuple[str, ...]], frozenset[str]]:
    """The staff's full names by lower-case first name, and the set of their full names.

    Every body of a site is read with the same staff list: index it once, not per body."""
    by_first: dict[str, list[str]] = {}
    for full in staff:
        parts = full.split()
        if len(parts) >= 2:
            by_first.setdefault(parts[0].lower(), []).append(full)
    return {k: tuple(v) for k, v in by_first.items()}, frozenset(staff)


#: Nouns that say what kind of thing a capitalised word names when the text calls it one
#: ("Bramble, a new Python library", "Pony is a versatile web framework"): software, a product,
#: a company, never a person
THING_NOUNS = frozenset("""
library libraries framework frameworks package packages module modules plugin plugins plug-in extension
extensions toolkit toolkits tool tools database databases language languages runtime runtimes compiler
compilers interpreter engine engines server servers protocol protocols format formats api apis sdk sdks
cli orm orms app apps application applications platform platforms product products website websites
software system systems stack browser browsers service services startup consultancy company firm
""".split())
#: Of those, the nouns that make the capitalised word right before them a thing ("the Bramble
#: library", "the Channels integration"): "Python developer" makes no thing of Python
THING_HEADS = frozenset("""
library libraries framework frameworks package packages module modules plugin plugins extension toolkit
database databases runtime compiler sdk api orm integration
""".split())
#: (each match starts at the start of a run of such characters, never inside one: from every
#: capital of "A.A.A.…" the run to its end was read again, quadratic in its length)
_THING_WORD = r"[A-Z][\w.+#-]*[\w+#]"
#: "X, a new Python library", "X is a versatile web framework", "X and Y, two popular libraries":
#: the noun ends the phrase (not "Tim is a software engineer", "a project lead")
_CALLED_A_THING = re.compile(
    rf"(?<![\w.+#-])({_THING_WORD})(?:\s+(?:and|&)\s+({_THING_WORD}))?(?:,\s+|\s+(?:is|was|are|were|remains)\s+"
    r"(?:also\s+|now\s+|still\s+)?)(?:an?|the|one of the|two|three|four)\s+(?:[\w.+#/-]+\s+){0,4}?"
    r"(?P<noun>[\w-]+)(?=\s*(?:[.,;:!?)]|$)|\s+(?:that|which|for|with|to|in|on|of|by|from|and|written|built"
    r"|made|developed|used|designed)\b)")
#: "the Bramble library", "the Channels integration": a word right before a head noun (matches
#: do not overlap, so in "the National Pupil Database" the pair "National Pupil" hides "Pupil",
#: as it should: a word of a longer name is no thing of its own)
_THING_BEFORE_HEAD = re.compile(rf"(?<![\w.+#-])({_THING_WORD})\s+(?P<noun>[A-Za-z]+)\b")


def _things(text: str) -> frozenset[str]:
    """The capitalised words a body calls things ("Bramble, a new Python library", "the Pony
    framework"): products and companies, which are no one's first name or surname there."""
    out: set[str] = set()
    for m in _CALLED_A_THING.finditer(text):
        if m.group("noun").lower() in THING_NOUNS:
            out.update(w for w in m.group(1, 2) if w)
    for m in _THING_BEFORE_HEAD.finditer(text):
        if m.group("noun").lower() in THING_HEADS:
            out.add(m.group(1))
    return frozenset(out)


_UNSET = object()      # "not computed yet" in the collector's memo dicts (None is a result)
_PER_BLOCK = object()  # a one-word mention whose full name depends on the block it is in


class _Collector:
    def __init__(self, staff: Sequence[str], authors: Sequence[str] = ()):
        self.by_first, self.staff_full = _staff_index(tuple(staff))
        self.authors = frozenset(authors)   # the page's authors: of two staff with one first name, theirs
        self.found: dict[str, SpeakerMention] = {}
        self.order: list[str] = []
        self.parts: dict[str, dict[str, int]] = {}   # first/last word -> full names, first block
        self.block = 0                                # index of the block being read
        self.site_name: str | None = None
        self.text = ""
        self.common: dict[str, bool] = {}
        self.things: frozenset[str] = frozenset()      # words the body calls things (see _things)
        # Memos of resolve/loose/_full_ok: each is a pure function of the name's text (and,
        # for one word, of the block being read) once the body's full names are noted.
        self._resolved: dict[str, object] = {}                     # one word -> full name, None or _PER_BLOCK
        self._resolved_at: dict[tuple[str, int], str | None] = {}   # (word, block) -> full name or None
        self._loose: dict[str, bool] = {}                           # loose() but for resolving to nobody
        self._full: dict[str, bool] = {}

    def _common(self, word: str) -> bool:
        """Whether ``word`` also appears in the body in lower case, as an ordinary word."""
        hit = self.common.get(word)
        if hit is None:
            hit = False
            text, pos = self.text, self.text.find(word)
            while pos != -1:
                before = text[pos - 1] if pos else " "
                after = text[pos + len(word)] if pos + len(word) < len(text) else " "
                if not before.isalnum() and not after.isalnum() and before not in "-'’" and after not in "-'’":
                    hit = True
                    break
                pos = text.find(word, pos + 1)
            self.common[word] = hit
        return hit

    def note_full_name(self, name: str, block: int) -> None:
        words = name.lower().split()
        for w in (words[0], words[-1]):
            seen = self.parts.setdefault(w, {})
            seen.setdefault(name, block)

    def resolve(self, name: _Name, set_apart: bool = False) -> str | None:
        """The full name for a mention: as written, or for one word the only full name in
        the body that starts or ends with it, else the only staff member with that first name.

        A name in capitals ("PAUL GILZOW") is one only where the text sets it apart as a name
        (``set_apart``: at the head of a list item, heading or bold lead under speakers, right
        after a strong cue such as "chaired by"), or where the body or the staff name that
        person in ordinary case: in capitals, words of headlines and acronyms look like names."""
        if name.shouted and not (set_apart or name.text in self.staff_full
                                 or name.text in self.parts.get(name.text.split()[0].lower(), ())):
            return None
        if not name.single:
            return name.text if self._full_ok(name.text) else None
        if name.text in self.things:
            return None   # "with Bramble", "Bramble, a new Python library"
        hit = self._resolved.get(name.text, _UNSET)
        if hit is _UNSET:
            word = name.text.lower()
            # Only a word that starts or ends a full name of the body resolves differently
            # from block to block; any other resolves to staff or to nobody, everywhere.
            hit = _PER_BLOCK if word in self.parts else self._resolve_word(word)
            self._resolved[name.text] = hit
        if hit is _PER_BLOCK:
            key = (name.text, self.block)
            hit = self._resolved_at.get(key, _UNSET)
            if hit is _UNSET:
                hit = self._resolved_at[key] = self._resolve_word(name.text.lower())
        return hit   # type: ignore[return-value]

    def _resolve_word(self, word: str) -> str | None:
        """:meth:`resolve` for a one-word mention (lower-cased) in the current block."""
        hits = {n: b for n, b in self.parts.get(word, {}).items() if self._full_ok(n)}
        # A full name given earlier in the body wins, then the only staff member with that
        # first name, then the only full name given later ("Tim" before "Tim Hughes noted").
        before = [n for n, b in hits.items() if b <= self.block]
        if before:
            return before[0] if len(before) == 1 else None
        staff = self.by_first.get(word, ())
        if len(staff) > 1:
            staff = tuple(s for s in staff if s in self.authors) or staff
        if staff:
            return staff[0] if len(staff) == 1 else None
        return next(iter(hits)) if len(hits) == 1 else None

    def _full_ok(self, text: str) -> bool:
        """Whether a name of several words reads as a person's full name in this body."""
        ok = self._full.get(text)
        if ok is None:
            ok = self._full[text] = self._full_ok_uncached(text)
        return ok

    def _full_ok_uncached(self, text: str) -> bool:
        if text in self.staff_full:
            return True
        if self.things and any(w in self.things for w in text.split()):
            return False   # "Bramble Pony", "Pony Channels": products, the body says
        words = text.lower().split()
        if len(words) < 2:
            return False   # as _is_person says
        # "Climate Change", "World Duty Free": ordinary words capitalised (looked at before
        # nameparser, which is far slower: both must pass)
        if self._common(words[-1]) or (len(words) > 2 and self._common(words[0])):
            return False
        return _is_person(text)

    def loose(self, name: _Name) -> bool:
        """Whether a single word that resolves to no full name can stand as a first name written
        alone ("Rosario", "Giovana"): capitalised, not a title or ordinary word in this body."""
        if not name.single or name.possessive or name.start != name.full_start or name.text in self.things:
            return False
        ok = self._loose.get(name.text)
        if ok is None:
            word = name.text
            if not (len(word) >= 3 and word[0].isupper() and word[1:].islower()):
                ok = False
            else:
                low = word.lower()
                ok = (low not in TITLE_WORDS and low.rstrip("s") not in TITLE_WORDS and low not in HONORIFICS
                      and not self._common(low) and not _np_title(low))
            self._loose[name.text] = ok
        return ok and self.resolve(name) is None

    def org_name(self, org: str | None) -> str | None:
        """The site's own name as configured when ``org`` is it in other case ("CONNECTED BY DATA")."""
        if org and self.site_name and org.lower() == self.site_name.lower():
            return self.site_name
        return org

    def org_ok(self, org: str) -> bool:
        """Whether an organisation read after a name can be whom they speak for: not other
        people ("Nina, Leia and Kola's talk", "Jeni Tennison and the TUC"), nor the event."""
        return not (_names_people(self, org) or _holds_a_name(self, org) or _is_event(org))

    def add(self, name: str, role: str, title: str | None, org: str | None, org_url: str | None,
            url: str | None, line: int) -> None:
        key = _norm(name)
        for k in self.order:   # "Jeni" after "Jeni Tennison", "Dr Natalie Byrom" after "Natalie Byrom"
            if k == key:
                break
        org = self.org_name(org)
        if org and not self.org_ok(org):
            org = org_url = None
        stage = _stage_part(title) if title else None
        if stage:   # "A, Moderator and Data Value Advocate": a chair, whose job is the rest
            role, title = stage
        old = self.found.get(key)
        if old is None:
            self.found[key] = SpeakerMention(name, role, title, org, org_url, url, line)
            self.order.append(key)
            return
        self.found[key] = replace(
            old,
            title=old.title or title,
            organisation=old.organisation or org,
            organisation_url=old.organisation_url or (org_url if not old.organisation else None),
            url=old.url or url,
        )


#: Words that may sit between a first-person subject and the cue ("I was then invited to").
_FP_GAP = (r"(?:\s+(?:was|were|am|have|has|had|will|would|be|been|also|then|recently|first|later|briefly"
           r"|just|once|again|gladly|kindly|delighted|pleased|proud|honou?red|lucky|excited|glad|the|a|an"
           r"|privilege|pleasure|opportunity|chance|honou?r|of|to|got|get|went|on|to|very|really|so|both"
           r"|invited|asked))*\s+")
_FP_CUE = (r"(?:spoke|speak|speaking|presented|present|presenting|chaired|chair|chairing|moderated|moderate"
           r"|moderating|facilitated|facilitate|facilitating|panell?ist|provocateur|keynote|speaker|presenter"
           r"|witness|(?:on|joined|join)\s+(?:a|an|the|this)\s+(?:[\w’'-]+\s+){0,2}?panel"
           r"|(?:participated|participate|took\s+part|take\s+part)\s+(?:in|on)\s+(?:a|an|the|this)\s+"
           r"(?:[\w’'-]+\s+){0,2}?(?:panel|roundtable)"
           r"|(?:gave|give|giving|delivered|deliver|delivering|ran|run|running|led|lead|leading)\s+"
           r"(?:an?|the|my|our|this|that|one|two|three)\s+(?:[\w’'-]+\s+){0,3}?(?:talk|keynote|presentation|evidence"
           r"|lecture|speech|provocation|address|workshop|session|masterclass|seminar|webinar|brown bag)s?"
           r"|gave\s+evidence|give\s+evidence)\b")
#: The author on stage: "I spoke on a panel", "I was invited to present", "I was a panellist".
_I_ON_STAGE = re.compile(r"I" + _FP_GAP + _FP_CUE
                         + r"|I\s+was\s+(?:invited|asked)\b[^.;!?]{0,90}?\bto\s+"
                         r"(?:give|present|speak|talk|deliver|chair|host|moderate|facilitate|lead|run|join\s+(?:a|the)"
                         r"\s+panel|take\s+part\s+in\s+(?:a|the)\s+panel)\b")
#: The authors together on stage: "We were invited to take part in a panel", "we gave evidence".
_WE_ON_STAGE = re.compile(r"\b[Ww]e\s+(?:were\s+(?:invited|asked)\s+to\s+(?:speak|present|give\s+evidence"
                          r"|take\s+part\s+in\s+(?:a|an|the)\s+(?:[\w’'-]+\s+){0,2}?panel)|gave\s+evidence"
                          r"|(?:spoke|were)\s+on\s+(?:a|an|the)\s+(?:[\w’'-]+\s+){0,2}?panel)\b")
_BEHALF = re.compile(r"\bon behalf of\s+(?:the\s+)?"
                     r"(?P<org>us\b|[A-Z][\w&.-]*(?:\s+(?:of|for|and|by|the|[A-Z][\w&.-]*))*)")
_ROLE_WORDS = [(re.compile(r"chair|moderat|\bhost", re.I), "chair"),
               (re.compile(r"facilitat|workshop", re.I), "facilitator"),
               (re.compile(r"evidence|witness", re.I), "witness"), (re.compile(r"panel", re.I), "panellist")]


def _authors(author: str | None) -> list[str]:
    """The front-matter author string as names ("Tim Davies, Jonathan Smith")."""
    if not author:
        return []
    return [a.strip() for a in re.split(r"\s*(?:,|;|&|\band\b)\s*", author) if len(a.strip().split()) >= 2]


def _i_on_stage(text: str, start: int, end: int):
    """The first "I spoke ..." clause in ``text[start:end]`` (the pronoun found with str.find:
    far cheaper than a regex search with a look-behind at every position)."""
    pos = text.find("I ", start, end)
    while pos != -1:
        if pos == 0 or text[pos - 1] in " \t\n(“\"‘*_":
            m = _I_ON_STAGE.match(text, pos, end)
            if m:
                return m
        pos = text.find("I ", pos + 2, end)
    return None


def _first_person(col: _Collector, t: _Text, block: Block, authors: list[str]) -> None:
    """The author on stage when the text says so in the first person ("I spoke on a panel")."""
    text = t.text
    one = len(authors) == 1 and _i_on_stage(text, 0, len(text))
    if not one and not (("e were " in text or "e gave " in text or "e spoke " in text)
                        and _WE_ON_STAGE.search(text)):
        return
    for s_start, s_end in t.sentences():
        sentence = text[s_start:s_end]
        m = _i_on_stage(text, s_start, s_end) if len(authors) == 1 else None
        who = authors if m is None else authors[:1]
        if m is None:
            m = _WE_ON_STAGE.search(sentence)
        if m is None:
            continue
        cue = m.group(0)
        role = next((r for rx, r in _ROLE_WORDS if rx.search(cue)), None)
        if role is None:
            role = "panellist" if _PANEL.search(sentence) else "speaker"
        org = None
        behalf = _BEHALF.search(sentence)
        if behalf:
            org = col.site_name if behalf.group("org") == "us" else _trim_org(behalf.group("org"))
        elif col.site_name and re.search(r"\b(?:at|for|with|from|of)\s+" + re.escape(col.site_name) + r"\b",
                                          sentence, re.I):
            org = col.site_name   # "to present ... the work we're doing at Connected by Data"
        for a in who:
            col.add(a, role, None, org, None, None, block.line)


def extract_speakers(doc: Document, *, category: str | None = None, title: str = "",
                     staff: Sequence[str] = (), author: str | None = None,
                     site_name: str | None = None) -> list[SpeakerMention]:
    """People the body names as on stage at this event (one per person, first mention wins,
    later mentions may fill missing title/org)."""
    authors = _authors(author)
    col = _Collector(staff, authors)
    texts = [_Text(b) for b in doc.blocks]
    col.text = "\n".join(t.text for t in texts)
    col.things = _things(col.text)
    names_by_block = [_names(t, 0, len(t.text)) for t in texts]
    col.site_name = site_name
    for i, names in enumerate(names_by_block):
        for n in names:
            if not n.single and not n.shouted and _looks_person(n.text):
                col.note_full_name(n.text, i)
    sections = _Sections()
    for i, (block, t, names) in enumerate(zip(doc.blocks, texts, names_by_block)):
        col.block = i
        if authors and not block.quote and block.kind != "heading":
            _first_person(col, t, block, authors)
        if block.kind == "heading":
            _heading(col, t, names, block, sections)
        elif block.kind == "item":
            role = sections.lead_role or sections.role()
            if role and names and names[0].start <= 4 + (names[0].start - names[0].full_start) \
                    and not names[0].possessive:   # ("* Shoshana Zuboff's book on …" names a work)
                _take_head(col, t, names, block, role)
            _sentence_rules(col, t, names, block, item_role=role)
        else:  # a paragraph or a cell
            _paragraph(col, t, names, block, sections)
    _fill_organisations(col, texts, names_by_block)
    return [col.found[k] for k in col.order]


class _Sections:
    """What the headings above a block say of the people below them: the role each
    heading level's text gives, which levels open a discussion, and the role the lead-in
    of the current list gives."""

    def __init__(self) -> None:
        self.roles: dict[int, str | None] = {}      # heading level -> role its text gives
        self.discussion_at: dict[int, bool] = {}    # heading level -> whether it opens a discussion
        self.lead_role: str | None = None            # role given by the lead-in of the current list

    def open(self, block: Block, text: str) -> str | None:
        """A heading: the levels at and below it closed; returns the role its text gives."""
        for level in [l for l in self.roles if l >= block.level]:
            del self.roles[level]
            self.discussion_at.pop(level, None)
        self.discussion_at[block.level] = bool(_DISCUSSION.search(text))
        return _list_role(text)

    def parent_role(self) -> str | None:
        """The role of the innermost heading noted (``None`` when it gives none)."""
        return next((self.roles[l] for l in sorted(self.roles, reverse=True)), None)

    def role(self) -> str | None:
        """The role of the innermost heading that gives one."""
        return next((self.roles[l] for l in sorted(self.roles, reverse=True) if self.roles[l]), None)

    def discussion(self) -> bool:
        """Whether some heading above opens a discussion."""
        return any(self.discussion_at.values())


def _heading(col: _Collector, t: _Text, names: list[_Name], block: Block, sections: _Sections) -> None:
    """A heading: a person on stage ("### Name, Title, Org") under a heading or lead-in
    that gives a role, else the role its own text gives to what follows."""
    text = t.text
    role = sections.open(block, text)
    if _heading_by(col, t, names, block, sections.parent_role() or sections.lead_role or role):
        sections.roles[block.level] = None
        sections.lead_role = None
        return
    if names and names[0].start <= 4 and not names[0].possessive and col.resolve(names[0], set_apart=True):
        parent = sections.parent_role() or sections.lead_role
        if parent or role:
            _take_head(col, t, names, block, parent or role)
            return
        if not names[0].single and len(text) < 200 and re.match(r"[*\s]*[,(]", text[names[0].end:]) \
                and not any(v for l, v in sections.discussion_at.items() if l < block.level) \
                and any(_title_org(t, names[0].end, len(text), col.site_name)[:2]):
            # "### [Name](...), Title at [Org]" under a paragraph announcing the speakers
            _take_head(col, t, names, block, "speaker")
            return
    sections.roles[block.level] = role
    sections.lead_role = None


_HEADING_END = re.compile(r"[\s.!)*_]*")


def _heading_by(col: _Collector, t: _Text, names: list[_Name], block: Block, role: str | None) -> bool:
    """A heading that ends "Talk Title by A, B and C" under a section that gives a role: A, B
    and C take it (not the title's capitalised words); whether the heading was one."""
    text = t.text
    by = text.rfind(" by ") if role is not None else -1
    if by < 0:
        return False
    group = [n for n in names if n.full_start > by]
    if not group or group[0].full_start != by + 4:
        return False
    fulls = []
    for i, n in enumerate(group):
        full = col.resolve(n, set_apart=True)
        end = group[i + 1].full_start if i + 1 < len(group) else len(text)
        if not full or (i + 1 < len(group) and not _LIST_GAP.fullmatch(text[n.end:end])):
            return False
        fulls.append((full, n))
    if not _HEADING_END.fullmatch(text, group[-1].end):
        return False
    for full, n in fulls:
        col.add(full, role, n.honorific, None, None, n.url, block.line)
    return True


def _paragraph(col: _Collector, t: _Text, names: list[_Name], block: Block, sections: _Sections) -> None:
    """A paragraph (or a table cell): a bold name leading it ("**Name, Title at Org**,
    explained …", or a bio under a "Speakers" heading), then the rules of its sentences."""
    text = t.text
    sections.lead_role = _lead_in_role(text)
    section_role = sections.role()
    if names and names[0].strong and not names[0].possessive and \
            not text[:names[0].full_start].strip(" *_:") and (section_role or (
                not sections.discussion() and _BOLD_LEAD.match(text, _head_end(text, names)))):
        lead = _BOLD_LEAD.match(text, _head_end(text, names))
        verb_role = _VERB_ROLE.get(lead.group("verb").lower()) if lead else None
        _take_head(col, t, names, block, verb_role or section_role or "speaker")
    _sentence_rules(col, t, names, block, section_role, sections.discussion())
    if not block.quote and not sections.discussion() and _HE.search(text):
        _pronoun_speaker(col, t, names, block)


_HE = re.compile(r"\b(?:[Hh]e|[Ss]he)\b")
#: "He" or "she" opening a sentence, or its main clause ("During the talk, she argued")
_PRONOUN = re.compile(r"(?:^|^[^.;:]{0,80},\s*)(?:[Hh]e|[Ss]he)\b(?=\s|['’]s\s)")


def _pronoun_speaker(col: _Collector, t: _Text, names: list[_Name], block: Block) -> None:
    """A sentence whose subject is "he" or "she" and whose verb announces that they speak
    ("He's going to tell you about Go on a robot", "She will discuss"): the one person
    named earlier in the paragraph, if only one is."""
    for s_start, s_end in t.sentences():
        m = _PRONOUN.match(t.text[s_start:s_end])
        if not m:
            continue
        verb = _SPEECH_VERB.match(t.text, s_start + m.end(), s_end)
        if not (verb and verb.group("future")):
            continue   # ("she argued" in a report is as often of someone cited: only an announcement)
        people = {col.resolve(n) for n in names if n.end <= s_start and not n.single} - {None}
        if len(people) == 1:   # (col.add keeps what an earlier mention gave)
            col.add(people.pop(), _VERB_ROLE.get(verb.group("future").lower(), "speaker"), None, None, None,
                    None, block.line)


def _names_people(col: _Collector, org: str) -> bool:
    """Whether an organisation read after a name is other people's names ("Nina, Leia and
    Kola's talk"): a list or a possessive, each of whose words but "and" and "&" starts or
    ends a full name of the body."""
    if not (_POSSESSIVE.search(org) or " and " in org or "&" in org):
        return False   # "Scott Logic" reads as a full name too: only a list or a possessive is looked at
    words = [_POSSESSIVE.sub("", w.strip(",")).lower() for w in org.split() if w not in ("and", "&")]
    return bool(words) and all(w in col.parts for w in words)


def _fill_organisations(col: _Collector, texts: list[_Text], names_by_block: list[list[_Name]]) -> None:
    """Organisations for speakers whose on-stage mention gives none (or only an acronym),
    from another mention of their full name ("[James Plunkett](...), Nesta, was also
    concerned") or from where the body spells the acronym out ("Public Law Project (PLP)")."""
    todo = {k for k, m in col.found.items() if m.organisation is None or is_acronym(m.organisation)}
    if not todo:
        return
    for i, names in enumerate(names_by_block):
        for j, n in enumerate(names):
            if n.possessive:
                continue
            if n.single:
                col.block = i
                full = col.resolve(n)
                if not full:
                    continue
                key = _norm(full)
            else:
                key = _norm(n.text)
            if key not in todo:
                continue
            nxt = _next_person(texts[i].text, names, n, len(texts[i].text))
            title, org, org_url, _ = _title_org(texts[i], n.end, nxt, col.site_name)
            if not org and col.site_name:
                our = _OUR_TITLE.search(texts[i].text, max(0, n.full_start - 60), n.full_start)
                if our and _is_title(our.group()):
                    title, org, org_url = our.group()[4:].strip(" ,"), col.site_name, None
            if not org or not (org == col.site_name or _is_org(org)) or not col.org_ok(org):
                continue
            old = col.found[key]
            if old.organisation is None or acronym_of(old.organisation, org):
                col.found[key] = replace(old, organisation=col.org_name(org), organisation_url=org_url,
                                         title=old.title or title)
                todo.discard(key)
    for i, names in enumerate(names_by_block):   # "the Connected by Data team (Maria, Helena and Tim)"
        for tp in _TEAM_LIST.finditer(texts[i].text) if "team" in texts[i].text else ():
            org = _trim_org(tp.group(1))
            if not org or not (org == col.site_name or _is_org(org)):
                continue
            col.block = i
            for n in names:
                if tp.start(2) <= n.start < tp.end(2):
                    full = col.resolve(n)
                    key = _norm(full) if full else None
                    if key in todo and col.found[key].organisation is None:
                        col.found[key] = replace(col.found[key], organisation=col.org_name(org))
                        todo.discard(key)
    low_text = None
    for key in todo:
        old = col.found[key]
        if not (old.organisation and is_acronym(old.organisation)):
            continue
        low_text = low_text if low_text is not None else col.text.lower()
        pos = low_text.find("(" + old.organisation.lower() + ")")
        if pos <= 0:
            continue
        words = col.text[max(0, pos - 100):pos].split()[-10:]
        for k in range(len(words)):   # the shortest tail it abbreviates: "... the X Y Z (XYZ)"
            long = " ".join(words[k:]).strip(" ,;:")
            if words[k][:1].isupper() and acronym_of(old.organisation, long):
                col.found[key] = replace(old, organisation=long)
                break


_ROLE_MARK_ANYWHERE = re.compile(r"\((host|chair|moderator|facilitator)\)", re.I)
_ROLE_LEAD = re.compile(r"\s*\**\s*(chair|host|moderator|facilitator)\s*:", re.I)


def _take_head(col: _Collector, t: _Text, names: list[_Name], block: Block, role: str) -> None:
    """The leading name(s) of a list item, heading or bio paragraph: on stage in ``role``.

    Names joined by "and" share what follows ("A and B from Org"); bold names with their own
    title ("**A**, Title and **B**, Title from Org") keep it.
    """
    text = t.text
    first = names[0]
    group = [first]
    own_title: dict[int, str] = {}
    # "* Janet, Margaret and June (Members of the People's Panel)": first names alone, that
    # resolve to nobody, stand as a list of two or more at the head of an item
    loose_ok = (block.kind == "item" and first.single and col.resolve(first) is None and col.loose(first)
                and len(names) > 1 and names[1].single and _LIST_GAP.fullmatch(text[first.end:names[1].full_start])
                and col.loose(names[1]))
    for n in names[1:]:
        gap = text[group[-1].end:n.full_start]
        if group[-1].strong and n.strong:
            bold_pair = _BOLD_PAIR.fullmatch(gap)
        else:   # "A, Delivery Lead, and B, Lead Data Scientist, Org"
            bold_pair = _TITLED_PAIR.fullmatch(gap)
            if bold_pair and not _is_title(bold_pair.group(1)):
                bold_pair = None
        listed = loose_ok and _LIST_GAP.fullmatch(gap) is not None
        if (_AND_JOIN.fullmatch(gap) or bold_pair or listed) and (col.resolve(n, set_apart=True)
                                                                  or (loose_ok and col.loose(n))):
            if bold_pair:
                own_title[len(group) - 1] = bold_pair.group(1).strip()
            group.append(n)
        else:
            break
    if loose_ok and re.match(r"\s+(?!(?:and|or)\s+[A-Z])[a-z]", text[group[-1].end:]):
        return   # "Leeds, Bradford and Wakefield councils": the words go on, these are no first names
    title, org, org_url, _ = _title_org(t, group[-1].end, len(text), col.site_name)
    mark = _ROLE_MARK.search(text[group[-1].end:])
    if mark is None:
        mark = _ROLE_MARK_ANYWHERE.search(text)
    if mark:
        role = ROLE_OF_WORD.get(mark.group(1).lower(), role)
    lead = _ROLE_LEAD.match(text[:first.full_start])
    if lead:
        role = ROLE_OF_WORD[lead.group(1).lower()]
    for i, n in enumerate(group):
        full = col.resolve(n, set_apart=True) or (n.text if loose_ok and col.loose(n) else None)
        if full:
            col.add(full, role, own_title.get(i) or title or n.honorific, org, org_url, n.url, block.line)


class _Sentence:
    """A sentence read name by name: its names, what one name's reading leaves for the next
    (the role carried along a list, how far the last speaker's words went), and what its words
    say about everyone named in it, looked for only when a name needs it: whether it has a cue
    ("spoke", "panel", a section announcing speakers), and the role a cue before a name gives
    (witness, panellist or speaker)."""

    __slots__ = ("text", "start", "end", "before", "names", "live", "carried", "carried_strong", "consumed",
                 "_section_role", "_cue", "_default")

    def __init__(self, text: str, start: int, end: int, names: list[_Name], live: list[bool],
                 section_role: str | None, before: int = 0):
        self.text = text[start:end]
        self.start = start
        self.end = end
        self.before = before               # where the sentence before it starts (its own start if none)
        self.names = names                 # the names in it, left to right
        self.live = live                   # for each, whether it may be on stage
        self.carried: str | None = None    # role carried along a list after a cue
        self.carried_strong = False        # whether a strong cue opened that list
        self.consumed = start              # end of the last speaker's name, title and organisation
        self._section_role = section_role
        self._cue: bool | None = None
        self._default: str | None = None

    @property
    def cue(self) -> bool:
        if self._cue is None:
            self._cue = bool(_SENTENCE_CUE.search(self.text) or self._section_role)
        return self._cue

    @property
    def default(self) -> str:
        if self._default is None:
            self._default = ("witness" if _EVIDENCE.search(self.text)
                             else "panellist" if _PANEL.search(self.text) else "speaker")
        return self._default


#: How each cue of _BEFORE_CUES ends (before white space): "by", "with", "chair:", "alongside", ...
_CUE_ENDINGS = ("to", "by", "with", ":", "and", "moderator", "mc", "from", "witness", "witnesses", "facilitator",
                "alongside", "together", "featuring", "invited", "of", ",", "were", "are", "be", "include",
                "included")


def _before_cue(before: str) -> str | None:
    """The role the first of :data:`_BEFORE_CUES` that ``before`` ends with gives, if any.

    Those patterns end in ``\\s*$`` and are searched from every position, so the end of
    the text is looked at first: most words before a name are no cue. (The shortcut is
    taken on ASCII only, where ``str.lower`` folds case exactly as ``re.I`` does.)"""
    end = before.rstrip()[-12:]
    if end.isascii() and not end.lower().endswith(_CUE_ENDINGS):
        return None
    for rx, role in _BEFORE_CUES:
        if rx.search(before):
            return role
    return None


def _sentence_rules(col: _Collector, t: _Text, names: list[_Name], block: Block,
                    section_role: str | None = None, discussion: bool = False,
                    item_role: str | None = None) -> None:
    """People a sentence puts on stage: after a cue ("chaired by A", "alongside A, B and C"),
    or as the subject of a speaking verb ("A, Title at Org, explained"). In a discussion
    section ("## Q&A") a speaking verb alone is not enough: the floor speaks there too."""
    # A name can be on stage only if it has several words, or resolves to a full name, or
    # may stand as a first name alone: known for each name once per block.
    live = [not n.single or bool(col.resolve(n)) or col.loose(n) for n in names]
    if not any(live):
        return
    starts = [n.start for n in names]   # in order: names come out of the text left to right
    before = 0
    for s_start, s_end in t.sentences():
        lo, hi = bisect_left(starts, s_start), bisect_left(starts, s_end)
        sent_live = live[lo:hi]
        prev, before = before, s_start
        if not any(sent_live):
            continue
        sent = _Sentence(t.text, s_start, s_end, names[lo:hi], sent_live, section_role, prev)
        for i, n in enumerate(sent.names):
            if n.start >= sent.consumed and sent_live[i]:
                _sentence_speaker(col, t, sent, i, block, discussion, item_role)


_LIST_AFTER = re.compile(r"\s*(?:and\b|,|&|\()")
_ORG_AFTER = re.compile(r"\s*\(|\s+(?:from|of|at|" + "|".join(sorted(OF_PARTICLES)) + r")\s+(?:the\s+)?[A-Z]")


def _sentence_speaker(col: _Collector, t: _Text, sent: _Sentence, i: int, block: Block,
                      discussion: bool, item_role: str | None) -> None:
    """Put the sentence's ``i``-th name on stage if the sentence gives it a role, with its
    title and organisation."""
    n = sent.names[i]
    before, pre_title = _before_name(t.text, sent.start, n, col.site_name)
    role, strong, plist = _cue_role(t.text, sent, n, before)
    if not strong and _passable(col, t.text, sent, i):
        # A first name that resolves to nobody is kept only after a strong cue, and no
        # later name of the sentence needs the role it would carry: nothing to do.
        return
    after = t.text[n.end:sent.end]
    # a name that goes on a list opened by a strong cue is set apart as the first ("chaired by A, B and C")
    listed = strong or (sent.carried_strong and role is None and sent.carried is not None
                        and _carried_role(t.text, sent, n) is not None)
    role, strong, mark = _sentence_role(t, sent, n, before, after, role, strong, discussion, item_role)
    if role is None:
        return
    sent.carried = None if mark else role if role in ("speaker", "panellist", "witness") else sent.default
    sent.carried_strong = listed
    full = col.resolve(n, set_apart=listed or strong) or _loose_name(col, n, strong, plist, after)
    if not full:
        return
    title, org, org_url = _speaker_title_org(col, t, sent, n, plist, pre_title)
    col.add(full, role, title or n.honorific, org, org_url, n.url, block.line)


def _before_name(text: str, s_start: int, n: _Name, site_name: str | None) -> tuple[str, str | None]:
    """The words of the sentence before a name (up to 150 characters), without a possessive
    organisation or a title written right before the name, and that title."""
    before = text[max(s_start, n.full_start - 150):n.full_start]
    if "'s" in before or "’s" in before:
        before = _POSS_ORG_TAIL.sub("", before)
    last = before[-40:].split()
    tt = _TITLE_TAIL.search(before) if last and last[-1][:1].isupper() else None
    if tt is None and site_name and "our " in before[-60:].lower():
        tt = _OUR_TITLE.search(before)   # "our executive director, Jeni Tennison"
    if tt and _is_title(tt.group()):
        # "keynote by Chief Scientific Advisor, Sir ..."
        return before[:tt.start()], tt.group().strip(" ,")
    return before, None


def _cue_role(text: str, sent: _Sentence, n: _Name, before: str
              ) -> tuple[str | None, bool, re.Match[str] | None]:
    """The role a cue right before a name gives, whether that cue is strong, and the bracketed
    list of names after a role noun the name is in, if any."""
    role = _before_cue(before)
    strong = role is not None   # a cue right at the name: enough for a first name on its own
    if role == "speaker":
        role = sent.default
    plist = _PAREN_LIST.search(text, max(sent.start, n.full_start - 150), n.full_start) \
        if "(" in before else None
    if plist:   # "Our speakers (Giovana, Ivan and Tim) introduced ..."
        role, strong = _noun_role(plist.group(1)) or sent.default, True
    return role, strong, plist


def _passable(col: _Collector, text: str, sent: _Sentence, i: int) -> bool:
    """Whether the ``i``-th name, with no strong cue before it, can be passed over: unlinked,
    resolving to nobody, unmarked, and followed by no name that may be on stage."""
    n = sent.names[i]
    return n.url is None and not any(sent.live[i + 1:]) and col.resolve(n, set_apart=True) is None \
        and not _AFTER_MARK.match(text, n.end, sent.end)


def _sentence_role(t: _Text, sent: _Sentence, n: _Name, before: str, after: str, role: str | None,
                   strong: bool, discussion: bool, item_role: str | None
                   ) -> tuple[str | None, bool, re.Match[str] | None]:
    """The role the sentence gives a name (None: not on stage), whether a strong clue gives it,
    and the role in brackets after the name, if any; ``role`` and ``strong`` are what the cue
    before the name says. The rules are tried in turn: each weaker one only when no role is
    found yet, then the marks and vetoes."""
    text = t.text
    if role is None and sent.carried:
        role = _carried_role(text, sent, n)
    input_from = role is None and _input_from(before, sent.text)
    if input_from:
        role = sent.default   # "The session included inputs on the report from A of Org"
    if role is None and (sent.cue or item_role) and (_INCLUDING.search(before) or _WITH.search(before)):
        role = sent.default   # (in a list item under a lead-in too: "the Org team will include A, B and C")
    by_item = role is None and item_role is not None and bool(_BY.search(before))
    if by_item:
        role = item_role   # under "the other talks:": "* Public participation, by Ruth Bowyer"
    if role is None and not discussion:
        role = _verb_role(text, sent, n)
        if role is None and sent.cue and not n.possessive and _LIST_AFTER.match(after) \
                and _subject_list(text, sent.start, n):
            role = sent.default
    mark = _AFTER_MARK.match(text, n.end, sent.end)
    if mark:   # "Tim Davies (Connected by Data) (facilitator)": this one only
        role, strong = ROLE_OF_WORD.get(mark.group(1).lower(), "speaker"), True
    elif role is not None and _AFTER_MARK.search(sent.text) and not strong:
        role = None   # a list of participants that marks who ran it
    if n.possessive:
        role = "speaker" if _TALK_AFTER.match(after) and not discussion else None
    if role is not None and not by_item and _vetoed(t, n, before, input_from):
        role = None
        sent.carried = None
    return role, strong, mark


def _carried_role(text: str, sent: _Sentence, n: _Name) -> str | None:
    """The role carried along a list to a name that continues it ("chaired by A, B and C")."""
    if _LIST_GAP.fullmatch(_POSS_ORG_TAIL.sub("", text[sent.consumed:n.full_start])):
        return sent.carried
    if _SEMI_ITEM.search(text, sent.consumed, n.full_start) and _ITEM_TAIL.match(text, n.end, sent.end):
        return sent.carried   # "talks from A on X; B on Y; and C on Z"
    return None


def _input_from(before: str, sentence: str) -> bool:
    """Whether the name follows "inputs from" (or "talks from", ...) in a sentence about a session."""
    return before.rstrip().endswith("from") and bool(_INPUT_FROM.search(before)) and bool(_SESSION.search(sentence))


def _verb_role(text: str, sent: _Sentence, n: _Name) -> str | None:
    """The role a speaking verb after the name (and the names joined to it) gives, if any:
    "A, Title at Org, explained", "Tim chaired"; a weak verb ("joined") only with a cue soon after."""
    verb = _SPEECH_VERB.match(text, _after_list(text, sent.names, n), sent.end)
    if not verb or verb.group("verb") and _PERFECT_BEFORE.search(text, verb.start(), verb.start("verb")):
        return None   # (nor "A has presented at B": a career, see _CAREER)
    v = (verb.group("verb") or verb.group("future")).lower()
    if v in _RUN_VERBS and _WORKSHOP_AFTER.match(text, verb.end(), sent.end):
        return "facilitator"   # "Adam will be delivering a workshop"
    if v not in _WEAK_VERBS or _SENTENCE_CUE.search(text, verb.end(), min(sent.end, verb.end() + 60)) \
            or _PANEL.search(text, sent.before, n.full_start):
        noun = _NOUN_ROLE.search(v)
        return next(k for k, x in noun.groupdict().items() if x) if noun else _VERB_ROLE.get(v, sent.default)
    return None


def _vetoed(t: _Text, n: _Name, before: str, input_from: bool) -> bool:
    """Whether a name given a role is not on stage after all: cited or thanked ("a report by A",
    "thanks to A"), right after "at", "of", "for" or "from" with no cue, cited in a link's text,
    or an organisation linked to its home page, or named among past speakers ("Previous
    speakers have included A and B"), or in a career in a bio ("He has worked with A": see
    :func:`_in_career`)."""
    return bool(_NEGATIVE_BEFORE.search(before[-60:]) or _PAST_CAST.search(before) or _in_career(before) or (
        _ORG_BEFORE.search(before[-12:]) and not input_from and _before_cue(before) is None)
        or _cited_in_link(t, n) or _org_homepage(n))


def _in_career(before: str) -> bool:
    """Whether the text right before a name tells a career the name is part of ("He has
    worked with Rune Halvorsen and", "Previously she worked at Nordbit with"): a career
    phrase (:data:`_CAREER`) followed by nothing but names and joining words, and no word
    of this event ("Our partners have built a coalition, and the event was chaired by")."""
    last = None
    for last in _CAREER.finditer(before, max(0, len(before) - 150)):
        pass
    if last is None:
        return False
    gap = before[last.end():]
    return _CAREER_GAP.fullmatch(gap) is not None and not _CAREER_BREAK.search(gap)


def _loose_name(col: _Collector, n: _Name, strong: bool, plist: re.Match[str] | None, after: str) -> str | None:
    """A one-word name that resolves to nobody, kept as written: right after a strong cue and
    followed by a bracket or an organisation, or linked to a page named after the person."""
    if col.loose(n) and (
            (strong and (plist or _ORG_AFTER.match(after)))
            or (n.url and re.search(r"\b" + re.escape(n.text.lower()) + r"[-_.]\w", _url_path(n.url)))):
        return n.text   # "alongside Mary from TUC", "[Alex from AWO](.../alex-lawrence-archer/)"
    return None


def _speaker_title_org(col: _Collector, t: _Text, sent: _Sentence, n: _Name, plist: re.Match[str] | None,
                       pre_title: str | None) -> tuple[str | None, str | None, str | None]:
    """A speaker's title, organisation and its link: from the words after the name, else from
    a possessive or a title before it, else from "on behalf of Org" later in the sentence."""
    title, org, org_url = _title_org_after(col, t, sent, n, plist)
    if org is None:
        ptitle, org, org_url = _possessive_org(t, n.full_start, sent.start)
        title = title or ptitle
    if pre_title and org is None and (not n.single or _OUR.match(pre_title)):
        # "the CEO of Libraries Connected, Isobel Hunter"; "our Research Director, Tim Davies"; not
        # "in conversation with the FDA’s General Secretary, Adam discussed": an appositive title
        # brings a person in by their full name, a first name alone after it opens the main clause
        ptitle, org, org_url = _pre_title_org(t, n, pre_title, col.site_name)
        title = title or ptitle
    if org is None:
        org = _behalf_org(t.text, sent, col.site_name)
    if org is None and " by" in t.text[max(sent.start, n.full_start - 12):n.full_start]:
        rb = _RUN_BY_ORG.search(t.text, sent.start, n.full_start)   # "FabRiders is run by Dirk Slater"
        if rb:
            org = _trim_org(rb.group(1))
            org = org if org and _is_org(org) and not _TALK_OR_SESSION.search(org) else None
    if org is None and t.text.find(" team", sent.start, n.full_start) >= 0:
        tm = _TEAM_ORG.search(t.text, sent.start, n.full_start)    # "the Org team will include A, B and C"
        if tm:
            org = _trim_org(tm.group(1))
    return title, org, org_url


#: An organisation's name: capitalised words, with "by", "of", "for", "and", "the" inside
_ORG_NAME = r"((?:[A-Z][\w&.-]*)(?:\s+(?:by|of|for|and|the|[A-Z][\w&.-]*))*)"
#: "Org is run by" right before a name: the person's organisation
_RUN_BY_ORG = re.compile(_ORG_NAME + r"\s+(?:is|was|are|were)\s+(?:run|led|directed|headed|founded|co-founded)"
                         r"\s+by\s*$")
#: "the Org team will include" before a name, in the same sentence: the person's organisation
_TEAM_ORG = re.compile(_ORG_NAME + r"\s+team\b[^.;]{0,120}?$")
#: "the Org team (A, B and C)": the organisation of the names in brackets
_TEAM_LIST = re.compile(_ORG_NAME + r"\s+team\s*\(([^()]*)\)")


def _title_org_after(col: _Collector, t: _Text, sent: _Sentence, n: _Name, plist: re.Match[str] | None
                     ) -> tuple[str | None, str | None, str | None]:
    """Title, organisation and link from the words after a speaker's name (or after the names
    joined to it); the sentence is used up to their end."""
    if plist:
        title = org = org_url = None   # "(Giovana, Ivan and Tim)": the rest are names
        used = n.end
    else:
        nxt = _next_person(t.text, sent.names, n, sent.end)
        title, org, org_url, used = _title_org(t, n.end, nxt, col.site_name)
        joined = _JOINED_NEXT.search(t.text, n.end, used) if title and org is None and used == nxt else None
        if joined:  # "A, Data Protection Officer and B, Head of Digital": "and" is the list's
            title, used = _JOINED_NEXT.sub("", title) or None, joined.start()
        joint = _after_list(t.text, sent.names, n)
        if title is None and org is None and joint > n.end:
            # "Georgia Aitkenhead and James Scott of AutSpaces": what follows is shared; a
            # title in the singular ("A and B, Head of Digital from Org") is only B's
            title, org, org_url, _ = _title_org(t, joint, sent.end, col.site_name)
            if title and not _plural_title(title):
                title = None
    sent.consumed = max(used, n.end)
    return title, org, org_url


def _pre_title_org(t: _Text, n: _Name, pre_title: str, site_name: str | None
                   ) -> tuple[str | None, str | None, str | None]:
    """Title, organisation and link from a title written before a speaker's name."""
    title, org = _split_title(pre_title, site_name)
    if not org:
        return title, org, None
    o = t.text.find(org, n.full_start - 150)
    return title, org, t.url_in(o, o + len(org)) if o >= 0 else None


def _behalf_org(text: str, sent: _Sentence, site_name: str | None) -> str | None:
    """The organisation a speaker came on behalf of, said later in the sentence."""
    behalf = _BEHALF.search(text, sent.consumed, sent.end)
    if behalf:   # "Tim attended on behalf of Connected by Data and led a workshop"
        return site_name if behalf.group("org") == "us" else _trim_org(behalf.group("org"))
    return None


def _url_path(url: str) -> str:
    """The path of a link, lower-cased: a person's page names them there ("/about/alex-lawrence-archer/")."""
    m = re.match(r"[a-z]+://[^/]+(/.*)?$", url, re.I)
    return (m.group(1) or "").lower() if m else url.lower()


def _noun_role(noun: str) -> str | None:
    noun = noun.lower()
    for rx, role in _LIST_CUES:
        if rx.search(noun):
            return role
    return None


def _split_title(text: str, site_name: str | None) -> tuple[str | None, str | None]:
    """Title and organisation from a title written before a name ("the CEO of Org",
    "our Research and Practice Director")."""
    own = re.match(r"our\s+", text, re.I)
    text = re.sub(r"^(?:the|its|their|our)\s+", "", text, flags=re.I)
    if own:
        return text, site_name
    at = re.search(r"\s(?:of|at|for)\s+(?:the\s+)?", text)
    if at and _is_title(text[:at.start()]):
        org = _trim_org(text[at.end():])
        if org and _is_org(org):
            return text[:at.start()], org
    return text, None


def _cited_in_link(t: _Text, n: _Name) -> bool:
    """A name in the middle of a longer link text ("[a book by A and B](...)") is cited."""
    if not n.url:
        return False
    i = t.span_index(n.start)
    span_start = t.bounds[i - 1] if i else 0
    return bool(t.text[span_start:n.full_start].strip(" *_\"“'‘"))


def _org_homepage(n: _Name) -> bool:
    """A name linked to the home page of a site named after it is an organisation
    ("[Promising Trouble](https://www.promisingtrouble.net/)")."""
    if not n.url:
        return False
    m = re.match(r"https?://(?:www\.)?([^/]+)/?$", n.url)
    return bool(m) and m.group(1).split(".")[0] == re.sub(r"[^a-z0-9]", "", n.text.lower())


def _subject_list(text: str, s_start: int, n: _Name) -> bool:
    """Whether ``n`` opens the sentence, possibly after other names ("Tim and Jeni spoke")."""
    before = text[s_start:n.full_start].strip(" *_")
    return before == "" or bool(re.fullmatch(r"(?:[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)*\s*(?:,|and|&)\s*)+", before))


def _next_person(text: str, names: list[_Name], n: _Name, end: int) -> int:
    """Where the next person of a list starts after ``n`` ("A, Title; B from Org and C")."""
    for m in names:
        if m.full_start > n.end and m.full_start < end and not m.single and _looks_person(m.text) \
                and _CARRY.search(text[n.end:m.full_start]):
            return m.full_start
    return end


def _plural_title(title: str) -> bool:
    """Whether a title names more than one person: its head noun, the last word before
    "of", "at", "for", "in", "on" or "with" ("Co-founders of X", "Researchers", not "Head
    of Digital" nor "Director of Programmes"), is a plural."""
    head = re.split(r"\s+(?:of|at|for|in|on|with)\s+", title.strip(), maxsplit=1)[0].split()
    word = head[-1].lower().strip(".,;:") if head else ""
    return bool(re.search(r"(?<![su])s$", word)) or word in _PLURAL_IRREGULAR


_PLURAL_IRREGULAR = frozenset({"staff", "people", "team", "alumni", "both"})

_COORDINATED = re.compile(r"\s*(?:,|and|&|,\s*and)\s*")
_JOINED_NEXT = re.compile(r"\s+(?:and|&)\s*$")


def _after_list(text: str, names: list[_Name], n: _Name) -> int:
    """Where the words after ``n`` start, past names coordinated with it ("A and B said")."""
    end = n.end
    for m in names:
        if m.full_start >= end and m.single and _is_title(m.text):
            break  # "A and B, Head of Digital": a title, not a third name
        if m.full_start >= end and _COORDINATED.fullmatch(text[end:m.full_start]):
            end = m.end
        elif m.full_start >= end:
            break
    return end


def _head_end(text: str, names: list[_Name]) -> int:
    """End of the leading names of a block: "**A** and **B**", "**A**, Title, and **B**"."""
    end, strong = names[0].end, names[0].strong
    for n in names[1:]:
        gap = text[end:n.full_start]
        if _AND_JOIN.fullmatch(gap) or (strong and n.strong and _BOLD_PAIR.fullmatch(gap)):
            end = n.end
        else:
            break
    return end
