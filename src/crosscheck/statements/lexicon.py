"""Word lists the statements stage reads cues from.

These are linguistic facts about English news prose (which verbs report speech, which deny),
not tuning for any article; rules may extend them through their parameters.
"""

DENIAL_VERBS = frozenset({
    "deny", "reject", "refute", "dismiss", "rebut", "dispute", "disavow", "repudiate",
    "contradict", "retract", "decline", "refuse", "debunk", "disown", "quash",
})
# what a passive denial can have for subject and still be a denial ("the reports were dismissed"; lemmas)
DENIABLE_NOUNS = frozenset({"claim", "allegation", "accusation", "report", "rumour", "rumor", "story", "suggestion",
                            "speculation", "assertion"})
# the denial verbs that deny a charge in the passive ("the charges were denied"; "dismissed": a court's act)
DISPUTE_VERBS = frozenset({"deny", "refute", "dispute", "rebut"})
NEGATION_WORDS = frozenset({"not", "n't", "never", "no", "neither", "nor", "none", "nobody", "nothing", "without"})
# one group under each outlet's house style, every written form to one name: "beheaded by ISIS" / "The Islamic State
# (IS) has beheaded" (ENT01, statements.entities) and "the tactics ISIS is using" / "... ISIL is using" inside quotes
# (QUOTE01, which reads the one-word forms)
GROUP_NAMES = {"isis": "islamic state", "isil": "islamic state", "daesh": "islamic state", "daish": "islamic state",
               "islamic state of iraq and syria": "islamic state", "islamic state in iraq and syria": "islamic state",
               "islamic state of iraq and the levant": "islamic state",
               "islamic state in iraq and the levant": "islamic state",
               "islamic state of iraq and al-sham": "islamic state"}
SPEECH_VERBS = frozenset({
    "say", "tell", "report", "state", "announce", "note", "add", "claim", "confirm", "forecast",
    "predict", "estimate", "show", "believe", "reveal", "disclose", "write", "explain", "argue",
    "insist", "suggest", "warn", "point", "indicate", "find", "think", "acknowledge", "admit", "deny",
})
PLAN_VERBS = frozenset({"plan", "intend", "aim", "expect", "project", "schedule", "prepare", "hope", "seek", "target"})
FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo"})
HEDGE_AUX = frozenset({"may", "might", "could"})
HEDGE_ADVERBS = frozenset({"reportedly", "possibly", "likely", "perhaps", "allegedly", "probably", "apparently", "purportedly"})
CONTRAST_OPENERS = frozenset({
    "however", "but", "yet", "now", "nevertheless", "nonetheless", "still", "instead", "later",
    "subsequently", "since", "eventually", "finally", "though",
})
CONTENT_POS = frozenset({"NOUN", "PROPN", "VERB", "ADJ", "NUM"})
ENTITY_LABELS = frozenset({"ORG", "PERSON", "GPE", "NORP", "PRODUCT", "FAC", "EVENT", "LOC", "WORK_OF_ART", "LAW"})
# corporate suffixes dropped when matching names: "Alibaba Group Holding" ~ "Alibaba"
NAME_SUFFIXES = frozenset({
    "group", "holding", "holdings", "inc", "corp", "corporation", "co", "company", "ltd", "limited",
    "plc", "llc", "sa", "ag", "gmbh", "technology", "technologies", "the",
})
# An outlet calling the story itself false: "the photo was a hoax", "the report is fake", "no evidence".
# "myth" and "rumour" are left out on purpose: news uses them for legends and for the claim being reported.
DEBUNK_CUES = (
    # a hoax as a crime ("a bomb hoax", "hoax calls") is another event, not a verdict on the story
    r"(?<!bomb )(?<!staging a )(?<!staged a )hoax(?:es|ers?)?(?!\s+(?:calls?|callers?|threats?|bomb))", r"fake[ds]?", r"faked", r"faking", r"fabricat\w+", r"bogus", r"false(?:ly)?", r"untrue",
    r"not (?:(?:even|remotely|at all) )*true", r"(?:is|was)n[’']t (?:(?:even|remotely) )*true",
    r"never happened", r"(?:did not|didn[’']t) (?:actually )?happen", r"debunk\w*", r"satir\w+", r"parody", r"spoof", r"prank(?:ed)?",
    r"photoshop\w*", r"doctored", r"made[- ]up(?! of)(?!\s+(?:his|her|their|my|your|our|its)\s+minds?)", r"no evidence", r"not real", r"(?:is|was)n[’']t real",
    r"scam", r"baseless", r"unfounded", r"not actually", r"bs(?=\s+(?:story|stories|report|reports|claims?|news)\b)",
    # a scene acted out: "a mockumentary", "the video was staged", "a staged prank"; not "staged a protest" nor
    # an event someone organised ("a coup d'etat was staged by nationalists", "was staged in Lima")
    r"mockumentar(?:y|ies)",
    r"(?:is|was|were|are|been) (?:all |completely |entirely |actually )?(?:staged|scripted)\b"
    r"(?!\s+(?:by|in|at|on|during|for|as)\b)",
    r"(?:staged|scripted) (?:videos?|photos?|footage|stunts?|scenes?|pranks?|encounters?)\b",
    # "the woman claiming to have 3 boobs is A FRAUD": a person or story called a fraud, not a fraud case
    r"(?:is|was|are|were) (?:a |an )?(?:total |complete |big )?fraud(?!\s+(?:case|charges?|investigation|inquiry|probe|trial|squad|unit|department))",
    # the story called a lie ("Two Boobs and a Lie", "Don't Believe the Big Fat Lie"), not a lie detector
    r"(?:(?<=\ba )|(?<=\bthe )|(?<=\bbig )|(?<=\btotal )|(?<=\bcomplete )|(?<=\boutright )|(?<=\bblatant )|(?<=\bfat ))"
    r"lie(?!\s+detectors?)",
)
# nouns that "false" or "fake" may qualify and still judge the story ("a fake photo", "false reports"); before
# any other noun they describe a thing ("a false breast", "false information"), not the claim
CLAIM_NOUNS = frozenset({
    "story", "stories", "report", "reports", "claim", "claims", "news", "picture", "pictures", "photo", "photos",
    "image", "images", "video", "videos", "footage", "account", "accounts", "rumor", "rumors", "rumour", "rumours",
    "article", "articles", "post", "posts", "tweet", "tweets", "page", "site", "website", "headline", "headlines",
    "quote", "quotes", "letter", "document", "documents", "statement", "statements",
})

# where a share trades, one key per market: "in early Nasdaq trading", "Toronto-listed shares", "on the New York Stock
# Exchange" (NUM01: one company's shares on two markets move by two figures)
MARKETS = {"nasdaq": "nasdaq", "nyse": "new york", "new york stock exchange": "new york", "wall street": "new york",
           "tsx": "toronto", "toronto stock exchange": "toronto", "london stock exchange": "london", "lse": "london",
           "ftse": "london", "hong kong stock exchange": "hong kong", "hang seng": "hong kong", "tokyo stock exchange":
           "tokyo", "nikkei": "tokyo", "shanghai stock exchange": "shanghai", "shenzhen stock exchange": "shenzhen",
           "frankfurt stock exchange": "frankfurt", "dax": "frankfurt", "euronext": "euronext", "asx": "sydney",
           "australian securities exchange": "sydney", "bombay stock exchange": "mumbai", "national stock exchange":
           "mumbai"}

# the window an activity count is measured over: "5 million daily active users" is not "25 million users", nor
# "monthly active users" (the count's noun carries it as a modifier; ``Quantity.qualifiers``)
COUNT_WINDOWS = frozenset({"daily", "weekly", "monthly"})
