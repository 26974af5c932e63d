"""The synthetic corpus's moments, and the claims and fact-checks made in some of them.

About two moments per clip: three in ten clips of two minutes or more have
chapters (4-12, as a bulletin's), one clip in ten has one to three editors'
segments or stories; titles and descriptions from the corpus's vocabulary, one
moment in ten tagged. One clip in CLAIM_ONE_IN carries a claim with one or two
fact-checks. Drawn from a generator of their own (seeded from the corpus's seed),
so the clips of a seed stay what they were before moments were generated.
"""

import bisect
import itertools
import random

from catalog.models import Claim, ClaimReview, Moment

from . import words
from .bulk import insert_rows, next_id

CHAPTERED_SHARE = 0.3
CHAPTER_MIN_SECONDS = 120
SEGMENTED_SHARE = 0.1
TAGGED_SHARE = 0.1
CLAIM_ONE_IN = 400
# A word only moments carry, for the benchmark's "moment hit" search.
MOMENT_WORD_ONE_IN = 20_000

MOMENT_COLUMNS = [
    "id", "clip_id", "kind", "start", "end", "title", "description", "language",
    "created_at", "updated_at",
]  # fmt: skip
CLAIM_COLUMNS = ["id", "clip_id", "moment_id", "text", "claimant", "claimed_on", "language"]
CLAIM_COLUMNS += ["created_at"]
REVIEW_COLUMNS = ["id", "claim_id", "rating", "organisation", "url", "published", "created_at"]

RATINGS = {
    "de": ["Falsch", "Irreführend", "Fehlender Kontext", "Richtig", "Unbelegt"],
    "en": ["False", "Misleading", "Missing context", "True", "Unproven"],
}
ORGANISATIONS = ["Faktenfuchs Nord", "CheckDesk Global", "Prüfstand Süd", "Claim Radar"]


class MomentLoader:
    """Collects a chunk's moments (and claims) per clip; `flush` inserts them in bulk."""

    def __init__(self, seed, tags, tag_cum, tag_ids, now):
        self.rng = random.Random(f"moments-{seed}")  # noqa: S311 -- reproducible, not secret
        self.tags, self.tag_cum, self.tag_ids, self.now = tags, tag_cum, tag_ids, now
        self.moment_id = next_id(Moment)
        self.claim_id = next_id(Claim)
        self.review_id = next_id(ClaimReview)
        self.counts = {"moments": 0, "moment_tags": 0, "claims": 0, "claim_reviews": 0}
        self._clear()

    def _clear(self):
        self.moments, self.moment_tags, self.claims, self.reviews = [], [], [], []

    def title(self, german):
        rng = self.rng
        topic = rng.choice(words.TOPICS_DE if german else words.TOPICS_EN)
        title = f"{topic}: " + rng.choice(words.PLACES)
        if rng.random() < 1 / MOMENT_WORD_ONE_IN:
            title += f" ({words.MOMENT_WORD})"
        return title

    def sentence(self, german):
        rng = self.rng
        return rng.choice(words.SENTENCES_DE if german else words.SENTENCES_EN).format(
            subject=rng.choice(words.SUBJECTS_DE if german else words.SUBJECTS_EN),
            verb=rng.choice(words.VERBS_DE if german else words.VERBS_EN),
            topic=rng.choice(words.TOPICS_DE if german else words.TOPICS_EN),
            place=rng.choice(words.PLACES),
        )

    def add(self, clip_id, duration, language):
        """Draw the moments (and maybe a claim) of one clip."""
        rng, german = self.rng, language == "de"
        spans = []
        if duration >= CHAPTER_MIN_SECONDS and rng.random() < CHAPTERED_SHARE:
            count = rng.randint(4, 12)
            cuts = sorted(rng.sample(range(1, duration), k=min(count - 1, duration - 1)))
            bounds = [0, *cuts, duration]
            spans += [(Moment.Kind.CHAPTER, a, b) for a, b in itertools.pairwise(bounds)]
        if rng.random() < SEGMENTED_SHARE:
            kind = rng.choice([Moment.Kind.SEGMENT, Moment.Kind.STORY])
            for _ in range(rng.randint(1, 3)):
                start = rng.randrange(max(1, duration - 5))
                spans.append((kind, start, min(duration, start + rng.randint(5, 90))))
        first_moment = self.moment_id
        for kind, start, end in spans:
            description = "" if kind == Moment.Kind.CHAPTER else self.sentence(german)
            title = self.title(german)
            self.moments.append((self.moment_id, clip_id, kind, float(start), float(end),
                                 title, description, "", self.now, self.now))  # fmt: skip
            if rng.random() < TAGGED_SHARE:
                for index in {self._tag_index() for _ in range(rng.randint(1, 2))}:
                    self.moment_tags.append((self.moment_id, self.tag_ids[index]))
            self.moment_id += 1
        if rng.random() < 1 / CLAIM_ONE_IN:
            moment = rng.randrange(first_moment, self.moment_id) if spans else None
            self._add_claim(clip_id, moment, "de" if german else "en")

    def _tag_index(self):
        return bisect.bisect(self.tag_cum, self.rng.random() * self.tag_cum[-1])

    def _add_claim(self, clip_id, moment_id, language):
        rng = self.rng
        text = self.sentence(language == "de")
        claimant = rng.choice(words.SUBJECTS_DE if language == "de" else words.SUBJECTS_EN)
        self.claims.append(
            (self.claim_id, clip_id, moment_id, text, claimant, None, language, self.now)
        )
        for organisation in rng.sample(ORGANISATIONS, k=rng.randint(1, 2)):
            url = f"https://factcheck.example/{self.claim_id}/{organisation.split()[0].lower()}"
            rating = rng.choice(RATINGS[language])
            self.reviews.append(
                (self.review_id, self.claim_id, rating, organisation, url, None, self.now)
            )
            self.review_id += 1
        self.claim_id += 1

    def flush(self, cursor):
        insert_rows(cursor, Moment, MOMENT_COLUMNS, self.moments)
        insert_rows(cursor, Moment.tags.through, ["moment_id", "tag_id"], self.moment_tags)
        insert_rows(cursor, Claim, CLAIM_COLUMNS, self.claims)
        insert_rows(cursor, ClaimReview, REVIEW_COLUMNS, self.reviews)
        self.counts["moments"] += len(self.moments)
        self.counts["moment_tags"] += len(self.moment_tags)
        self.counts["claims"] += len(self.claims)
        self.counts["claim_reviews"] += len(self.reviews)
        self._clear()


LOADED_MODELS = [Moment, Moment.tags.through, Claim, ClaimReview]
