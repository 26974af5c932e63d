"""Vocabulary of the synthetic corpus (catalog.benchdata.corpus): German and English news words.

Fictional and generic on purpose: no real channel names, no real people.
"""

PLACES = [
    "Berlin", "Hamburg", "München", "Köln", "Leipzig", "Dresden", "Kiel", "Bremen",
    "Brüssel", "Wien", "Zürich", "Paris", "London", "Warschau", "Kyjiw", "Charkiw",
    "Odessa", "Washington", "New York", "Peking", "Tokio", "Ankara", "Rom", "Madrid",
    "Lissabon", "Athen", "Prag", "Budapest", "Oslo", "Stockholm", "Helsinki", "Riga",
]  # fmt: skip

TOPICS_DE = [
    "Regierung", "Bundestag", "Haushalt", "Wahl", "Koalition", "Energie", "Heizung",
    "Inflation", "Rente", "Migration", "Klima", "Hochwasser", "Streik", "Bahn", "Verkehr",
    "Schule", "Gesundheit", "Krankenhaus", "Polizei", "Gericht", "Wirtschaft", "Export",
    "Industrie", "Landwirtschaft", "Wohnungsmarkt", "Mieten", "Steuern", "Bundeswehr",
    "Nato", "Gipfel", "Grenze", "Flughafen", "Hafen", "Digitalisierung", "Forschung",
]  # fmt: skip

TOPICS_EN = [
    "government", "parliament", "budget", "election", "coalition", "energy", "inflation",
    "pensions", "migration", "climate", "flooding", "strike", "railways", "traffic",
    "schools", "health", "hospital", "police", "court", "economy", "exports", "industry",
    "farming", "housing", "rents", "taxes", "defence", "summit", "border", "airport",
    "harbour", "technology", "research", "wildfire", "drought",
]  # fmt: skip

VERBS_DE = [
    "streitet über", "beschließt", "warnt vor", "plant", "stoppt", "diskutiert",
    "kritisiert", "verschiebt", "prüft", "fordert mehr Geld für", "einigt sich auf",
]  # fmt: skip

VERBS_EN = [
    "debates", "approves", "warns about", "plans", "halts", "discusses", "criticises",
    "delays", "reviews", "calls for more money for", "agrees on",
]  # fmt: skip

SUBJECTS_DE = [
    "Die Ministerin", "Der Kanzler", "Die Opposition", "Der Stadtrat", "Die Gewerkschaft",
    "Die Landesregierung", "Das Verfassungsgericht", "Die Kommission", "Der Verband",
]  # fmt: skip

SUBJECTS_EN = [
    "The minister", "The prime minister", "The opposition", "The city council", "The union",
    "The regional government", "The supreme court", "The commission", "The association",
]  # fmt: skip

FORMATS_DE = ["Live", "Interview", "Analyse", "Reportage", "Kommentar", "Doku", "Eilmeldung"]
FORMATS_EN = ["Live", "Interview", "Analysis", "Report", "Comment", "Documentary", "Breaking"]

CHANNEL_WORDS_A = [
    "Nord", "Süd", "West", "Ost", "Rhein", "Elbe", "Alpen", "Küsten", "Stadt", "Land",
    "Global", "Metro", "Capital", "Harbour", "River", "Valley", "Summit", "Civic",
    "Morgen", "Abend", "Daily", "Weekly", "Prime", "Open", "Clear", "Signal",
]  # fmt: skip

CHANNEL_WORDS_B = [
    "funk", "welle", "blick", "report", "kanal", "news", "desk", "wire", "post", "view",
    "journal", "bote", "spiegel", "echo", "radar", "lens", "cast", "line",
]  # fmt: skip

CHANNEL_SUFFIXES = ["", " TV", " 24", " Aktuell", " Live", " Nachrichten", " News", " Media"]

BOILERPLATE_DE = [
    "Abonniere den {name} YouTube Channel: https://video.example/@{handle}?sub_confirmation=1",
    "Mehr Nachrichten von {name}: https://{handle}.example/",
    "{name} ist ein fiktiver Kanal des newsclips-Testkorpus.",
    "Folge {name} auch auf https://social.example/@{handle}",
    "Hinweis: Kommentare, die gegen unsere Regeln verstoßen, werden gelöscht.",
]  # fmt: skip

BOILERPLATE_EN = [
    "Subscribe to {name}: https://video.example/@{handle}?sub_confirmation=1",
    "More news from {name}: https://{handle}.example/",
    "{name} is a fictional channel of the newsclips test corpus.",
    "Follow {name} on https://social.example/@{handle}",
    "Disclaimer: comments that break our rules will be removed.",
]  # fmt: skip

SENTENCES_DE = [
    "{subject} {verb} {topic} in {place}.",
    "In {place} gibt es neue Zahlen zu {topic}.",
    "Unsere Reporterin berichtet aus {place} über {topic}.",
    "Was bedeutet das für {topic}? Die Einordnung aus {place}.",
    "Nach der Sitzung in {place} bleibt die Frage nach {topic} offen.",
]  # fmt: skip

SENTENCES_EN = [
    "{subject} {verb} {topic} in {place}.",
    "New figures on {topic} from {place}.",
    "Our correspondent reports from {place} on {topic}.",
    "What does it mean for {topic}? The analysis from {place}.",
    "After the meeting in {place}, the question of {topic} remains open.",
]  # fmt: skip

# Words the benchmark searches for, each placed at a known rate (see corpus.py).
RARE_WORD = "Zeppelinwerft"  # in about 1 in 20,000 titles
PHRASE = "kalte Progression"  # in about 1 in 1,000 descriptions, as an exact phrase
TRANSCRIPT_WORD = "Sitzungsprotokoll"  # only ever spoken: in transcripts, never in titles
MOMENT_WORD = "Lotsenboot"  # only in moments' titles: about 1 in 20,000
