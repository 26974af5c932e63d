"""Words and stems: one tokenizer and one stemmer for the index, the query and the snippets.

SQLite indexes the stemmed text these functions produce (FTS5 has no German
stemmer); PostgreSQL stems with its own Snowball dictionaries, the same
algorithms. Snippets use these functions on both, so what is highlighted is
what was matched.
"""

import re
from dataclasses import dataclass
from functools import lru_cache

import snowballstemmer

# Letters and digits; '_' and punctuation separate words as in FTS5's unicode61.
WORD_RE = re.compile(r"[^\W_]+")

# Clip languages the database can stem; all others are indexed as plain words.
STEMMED_LANGUAGES = {"de": "german", "en": "english"}
MAX_WORD_LENGTH = 64


def base_language(language):
    """'de-DE', 'de_AT' and 'DE' are German: the part before the region, in lower case."""
    return re.split(r"[-_]", (language or "").strip().lower(), maxsplit=1)[0]


@lru_cache(maxsize=8)
def _stemmer(name):
    return snowballstemmer.stemmer(name)


@lru_cache(maxsize=200_000)
def stem(word, language):
    """The word's stem in the clip language's stemmer; plain lower case if there is none."""
    word = word.lower()[:MAX_WORD_LENGTH]
    name = STEMMED_LANGUAGES.get(base_language(language))
    return _stemmer(name).stemWord(word) if name else word


def words(text):
    return WORD_RE.findall(text or "")


def index_text(text, language):
    """What SQLite's index holds for a text: its words' stems, space-separated."""
    return " ".join(stem(word, language) for word in words(text))


@dataclass(frozen=True)
class Term:
    """A word or phrase of the query: its words, and their stems in every language.

    The query's language is unknown: "Wahlen" is looked up as the German stem
    'wahl', the English stem and the plain word, whichever the clip was indexed by.
    A word of several parts ("covid-19") is a phrase of its parts.
    """

    words: tuple[str, ...]
    variants: tuple[tuple[str, ...], ...]

    @classmethod
    def parse(cls, text):
        """The term, or None if the text has no letters or digits ("!!!" asks for nothing)."""
        tokens = tuple(word.lower()[:MAX_WORD_LENGTH] for word in words(text))[:16]
        if not tokens:
            return None
        variants = {tokens}
        for language in STEMMED_LANGUAGES:
            variants.add(tuple(stem(token, language) for token in tokens))
        return cls(tokens, tuple(sorted(variants)))

    @property
    def text(self):
        return " ".join(self.words)

    @property
    def stems(self):
        """Every stem a matching word of a clip may have, for highlighting."""
        return {stem for variant in self.variants for stem in variant}
