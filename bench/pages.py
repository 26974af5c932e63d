"""The pages the browse benches measure (bench/browse.py, bench/http_pages.py), from the corpus.

Every page type once, and the searches readers type: words picked by their rank in
the corpus's word frequencies (COMMON_RANKS, MIDDLE_RANK, RARE_RANKS), not by hand.
Run inside a set-up Django (the imports of the app are in the functions for that).
"""

import sys
from urllib.parse import urlencode

# Ranks of the words the typed searches use, in the corpus's word frequencies
# (each word counted once per clip): common, in between, rare.
COMMON_RANKS = (50, 60, 70)
MIDDLE_RANK = 500
RARE_RANKS = (5000, 5010, 5020)
WORD_SAMPLE = 20_000  # clips read, spread evenly over the ids, to count words
COMPOUND_LETTERS = 13  # a German word this long is a compound (Landesregierung)


def corpus_words():
    """The corpus's words, most common first, as (word, estimated clips, in German clips).

    Titles and descriptions without the channel's boilerplate (what the search
    finds), from a sample of WORD_SAMPLE clips spread over the id range: the
    synthetic titles have only some 200 words, and the descriptions name the
    topics by their tags' names, which gives the long tail of rarer words.
    """
    from collections import Counter

    from catalog.browse.facets import IdList
    from catalog.models import Clip
    from catalog.search.stemming import words

    low = Clip.objects.order_by("pk").values_list("pk", flat=True).first()
    high = Clip.objects.order_by("-pk").values_list("pk", flat=True).first()
    step = max(1, (high - low + 1) / WORD_SAMPLE)
    ids = sorted({low + int(step * n) for n in range(WORD_SAMPLE)})
    sample = Clip.objects.filter(pk__in=IdList(ids)).select_related("channel__boilerplate")
    counts, german = Counter(), Counter()
    for clip in sample.only("title", "description", "language", "channel__boilerplate__lines"):
        found = {
            word.lower()
            for word in words(f"{clip.title} {clip.description_parts[0]}")
            if word.isalpha() and len(word) >= 3
        }
        counts.update(found)
        if clip.language == "de":
            german.update(found)
    scale = Clip.objects.count() / max(1, len(ids))
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return [(word, round(n * scale), german[word] > n / 2) for word, n in ranked]


def typed_searches(ranked):
    """Searches as readers type them: (name, query string), words picked by rank."""
    from catalog.models import Channel, Tag

    def words_at(ranks):  # 1-based; the rarest words if the vocabulary is smaller
        last = len(ranked) - len(ranks)
        return [ranked[min(rank - 1, last + n)][0] for n, rank in enumerate(ranks)]

    common, rare = words_at(COMMON_RANKS), words_at(RARE_RANKS)
    (middle,) = words_at([MIDDLE_RANK])
    compound = next(
        (w for w, _n, de in ranked[COMMON_RANKS[0] - 1 :] if de and len(w) >= COMPOUND_LETTERS),
        next((w for w, _n, de in ranked if de and len(w) >= COMPOUND_LETTERS), middle),
    )
    tag = Tag.objects.order_by("-clip_count", "slug")[1]
    channel = Channel.objects.order_by("pk").first()  # the corpus's biggest channel
    searches = [
        ("2 common", " ".join(common[:2])),
        ("2 rare", " ".join(rare[:2])),
        ("common + rare", f"{common[0]} {rare[0]}"),
        ("3 common", " ".join(common)),
        ("3 rare", " ".join(rare)),
        ("common middle rare", f"{common[0]} {middle} {rare[0]}"),
        ("2 words + #tag", f"{common[0]} {middle} #{tag.slug}"),
        ("2 words + channel filter", f"{common[0]} {common[1]}", f"channel={channel.slug}"),
        ("German compound", compound),
    ]
    pages = []
    for name, q, *extra in searches:
        query = urlencode({"q": q}) + "".join(f"&{e}" for e in extra)
        for order, suffix in (("best", ""), ("newest", "&sort=newest")):
            pages.append((f"search {name} ({order}): {q}", f"/?{query}{suffix}", "search"))
    return pages


def pages():
    """(name, url, kind) for every page type, picked from the corpus."""
    from django.db.models import Count, F

    from catalog.benchdata import words
    from catalog.browse.pagination import AFTER, Key, encode_cursor
    from catalog.models import Channel, Clip, Moment, Tag, TranscriptSegment

    popular = Tag.objects.order_by("-clip_count", "slug")[:2]
    rare = Tag.objects.filter(clip_count__gte=3).order_by("clip_count", "slug").first()
    channel = Channel.objects.order_by("pk").first()  # the corpus's biggest channel
    # Page 2,000, or the last page of a smaller corpus (counted once, not timed).
    page = min(2000, Clip.objects.count() // 24)
    deep = (
        Clip.objects.order_by(F("published_at").desc(nulls_last=True), "-pk")
        .values_list("published_at", "pk")[(page - 1) * 24 : (page - 1) * 24 + 1]
        .get()
    )
    spoken = TranscriptSegment.objects.values_list("clip_id", flat=True).first()
    # The clip with the most moments among the first 20,000 moments (generate_corpus makes
    # them; without moments the transcript's clip page is measured again).
    first = Moment.objects.order_by("pk").values_list("pk", flat=True).first()
    chaptered = (
        Moment.objects.filter(pk__lt=first + 20_000)
        .values("clip_id")
        .annotate(n=Count("pk"))
        .order_by("-n", "clip_id")
        .values_list("clip_id", flat=True)
        .first()
        if first
        else None
    )
    ranked = corpus_words()
    print(
        f"{len(ranked)} words; by rank: "
        + ", ".join(
            f"{rank}: {w} (~{n:,})"
            for rank in (*COMMON_RANKS, MIDDLE_RANK, *RARE_RANKS)
            for w, n, _de in [ranked[min(rank, len(ranked)) - 1]]
            if rank <= len(ranked)
        ),
        file=sys.stderr,
    )
    return [
        ("home", "/", "list"),
        (f"page {page:,} (cursor)", f"/?cursor={encode_cursor(AFTER, Key(*deep))}", "list"),
        (f"popular tag ({popular[0].clip_count})", popular[0].get_absolute_url(), "list"),
        (f"rare tag ({rare.clip_count})", rare.get_absolute_url(), "list"),
        (
            "tag + channel + dates",
            f"/?tag={popular[1].slug}&channel={channel.slug}"
            "&date_from=2018-01-01&date_to=2023-12-31",
            "list",
        ),
        # Part years and months at both ends: clips known only by their year or
        # month there are decided, and the ones left out counted (catalog.dateranges).
        ("dates, part years", "/?date_from=2021-03-15&date_to=2023-06-10", "list"),
        (f"channel ({channel.clip_count})", channel.get_absolute_url(), "list"),
        ("search: common term", "/?q=Regierung", "search"),
        ("search: rare term", f"/?q={words.RARE_WORD}", "search"),
        ("search: phrase", f'/?q="{words.PHRASE}"', "search"),
        ("search: transcript hit", f"/?q={words.TRANSCRIPT_WORD}", "search"),
        ("search: moment hit", f"/?q={words.MOMENT_WORD}", "search"),
        ("search: moment word + common", f"/?q={words.MOMENT_WORD}+Regierung", "search"),
        ("claims page", "/claims/", "list"),
        ("claims search: common", "/claims/?q=Regierung", "search"),
        ("claims search: rare", f"/claims/?q={words.PLACES[5]}+{words.TOPICS_DE[7]}", "search"),
        *typed_searches(ranked),
        ("clip page", f"/clips/{spoken}/", "page"),
        ("clip page with moments", f"/clips/{chaptered or spoken}/", "page"),
        ("tag index", "/tags/", "page"),
    ]
