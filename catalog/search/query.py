"""The search box's language: words (all must match), "exact phrases", -excluded,
#tag and @channel. The query is split into plain strings here; they reach the
database only as bound parameters, never as MATCH or tsquery syntax.
"""

import re
from dataclasses import dataclass, field

from catalog.models import Tag

from .stemming import Term

MAX_QUERY_LENGTH = 500
MAX_TERMS = 20

_TOKEN_RE = re.compile(r'(-?)"([^"]*)"|(\S+)')


@dataclass
class ParsedQuery:
    words: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    excluded: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)  # normalised slugs
    channels: list[str] = field(default_factory=list)

    def __bool__(self):
        return any((self.words, self.phrases, self.excluded, self.tags, self.channels))

    @property
    def positive(self):
        """Each word or phrase that must match, as a Term; "!!!" asks for nothing."""
        return [term for term in map(Term.parse, self.words + self.phrases) if term]

    @property
    def negative(self):
        return [term for term in map(Term.parse, self.excluded) if term]


def parse_query(q):
    """Split the search box's text into its parts; unbalanced quotes are plain text."""
    if isinstance(q, ParsedQuery):
        return q
    parsed = ParsedQuery()
    # NUL is no text to PostgreSQL: dropped rather than turned into a database error.
    q = (q or "")[:MAX_QUERY_LENGTH].replace("\x00", "")
    for match in _TOKEN_RE.finditer(q):
        negate, phrase, word = match.groups()
        if phrase is not None:
            phrase = " ".join(phrase.split())
            if phrase:
                (parsed.excluded if negate else parsed.phrases).append(phrase)
            continue
        word = word.strip('"')
        if word.startswith("#") and Tag.normalise(word):
            parsed.tags.append(Tag.normalise(word))
        elif word.startswith("@") and len(word) > 1:
            parsed.channels.append(word[1:])
        elif word.startswith("-") and len(word) > 1:
            parsed.excluded.append(word[1:])
        elif word:
            parsed.words.append(word)
    for name in ("words", "phrases", "excluded", "tags", "channels"):
        setattr(parsed, name, list(dict.fromkeys(getattr(parsed, name)))[:MAX_TERMS])
    return parsed
