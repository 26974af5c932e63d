"""`search()`: the one entry point for the search box and `?q=`.

The query language: plain words (all must match), "exact phrases", -excluded
words, #tag (the tag filter) and @channel (the channel filter). Hostile input
is harmless: the query is split into plain strings that only ever reach the
database as bound parameters.
"""

import re
from dataclasses import dataclass, field

from django.db.models import Q

from catalog.models import Tag

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


def parse_query(q):
    """Split the search box's text into its parts; unbalanced quotes are plain text."""
    parsed = ParsedQuery()
    for match in _TOKEN_RE.finditer((q or "")[:MAX_QUERY_LENGTH]):
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


def _matches(text):
    return (
        Q(title__icontains=text)
        | Q(description__icontains=text)
        | Q(channel__name__icontains=text)
        | Q(tags__slug=text.lower())
    )


def search(queryset, q):
    """Narrow a Clip queryset to what the query asks for."""
    parsed = q if isinstance(q, ParsedQuery) else parse_query(q)
    if parsed.tags:
        queryset = queryset.tagged(*parsed.tags)
    for channel in parsed.channels:
        queryset = queryset.filter(
            Q(channel__slug=channel.lower()) | Q(channel__name__iexact=channel)
        )
    positive = parsed.words + parsed.phrases
    if positive:
        # Each term must match somewhere (its own filter() so each gets its own tag
        # join); a subquery keeps those joins from duplicating rows.
        matching = queryset.model.objects.all()
        for text in positive:
            matching = matching.filter(_matches(text))
        queryset = queryset.filter(pk__in=matching.values("pk"))
    for text in parsed.excluded:
        queryset = queryset.exclude(
            pk__in=queryset.model.objects.filter(_matches(text)).values("pk")
        )
    return queryset
