"""Import a published fact-check: the article's schema.org ClaimReview becomes a claim
of a clip (at a moment) with the review's rating, organisation, URL and date.

The article is fetched through the network guard and its response limits
(netguard.GuardedYoutubeDL), read with extruct (JSON-LD, microdata, RDFa), and
stored in one transaction. A page without a ClaimReview, with several (which
claim would be meant?), or with one that lacks the claim or its rating is
refused with the reason, and nothing is written. Importing the same article
again for the same clip updates its review: the review's URL is its identity.
"""

from dataclasses import dataclass
from datetime import date

import extruct
from django.db import transaction
from yt_dlp.networking.exceptions import RequestError

from catalog.models import Claim, ClaimReview, Moment

from .netguard import fetch_bounded
from .rawinfo import is_http_url
from .results import IngestError, Outcome

MAX_ARTICLE_BYTES = 5 * 1024 * 1024
ARTICLE_TIMEOUT = 20  # seconds per socket read; the guard bounds the whole response
SYNTAXES = ("json-ld", "microdata", "rdfa")
CLAIM_MOMENT_SECONDS = 10  # a claim imported at a time no moment covers gets one this long


@dataclass(frozen=True)
class ClaimReviewRecord:
    claim: str
    rating: str
    organisation: str
    url: str
    published: date | None = None
    claimant: str = ""
    claimed_on: date | None = None
    language: str = ""


def fetch_article(url):
    """The HTML of a fact-check article, through the SSRF guard and response limits."""
    if not is_http_url(url):
        raise IngestError(f"“{url[:200]}” is not an http(s) URL")
    try:
        data, final_url = fetch_bounded(url, max_bytes=MAX_ARTICLE_BYTES, timeout=ARTICLE_TIMEOUT)
    except RequestError as error:
        raise IngestError(f"the page could not be fetched: {error.msg or error}") from None
    if len(data) > MAX_ARTICLE_BYTES:
        raise IngestError(f"the page is larger than {MAX_ARTICLE_BYTES // 2**20} MB")
    return data.decode("utf-8", errors="replace"), final_url


def read_claim_review(html, url):
    """The one ClaimReview of a page as a record; IngestError naming what is wrong."""
    found, broken = [], []
    for syntax in SYNTAXES:
        try:
            data = extruct.extract(html, base_url=url, syntaxes=[syntax], uniform=True)
        except Exception as error:
            broken.append(f"its {syntax} is broken ({type(error).__name__})")
            continue
        found += list(_items(data.get(syntax, [])))
    reviews = [item for item in found if "ClaimReview" in _types(item)]
    if not reviews:
        why = f"; {', '.join(broken)}" if broken else ""
        raise IngestError(f"the page has no schema.org ClaimReview{why}")
    if len(reviews) > 1:
        raise IngestError(
            f"the page has {len(reviews)} ClaimReviews: import a page about one claim"
        )
    return _record(reviews[0], url)


def _items(items):
    """Top-level items and what @graph lists hold."""
    for item in items:
        if isinstance(item, dict):
            yield item
            graph = item.get("@graph")
            if isinstance(graph, list):
                yield from (g for g in graph if isinstance(g, dict))


def _types(item):
    kind = item.get("@type", [])
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).rsplit("/", 1)[-1] for k in kinds}


def _text(value, limit):
    if isinstance(value, list):
        value = value[0] if value else ""
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value") or ""
    return " ".join(str(value).split())[:limit] if value not in (None, "") else ""


def _date(value):
    text = _text(value, 40)
    try:
        return date.fromisoformat(text[:10]) if text else None
    except ValueError:
        return None


def _record(review, page_url):
    claim = _text(review.get("claimReviewed"), 5000)
    rating = review.get("reviewRating")
    rating = rating[0] if isinstance(rating, list) and rating else rating
    verdict = ""
    if isinstance(rating, dict):
        verdict = _text(rating.get("alternateName") or rating.get("name"), 200)
        if not verdict and rating.get("ratingValue") not in (None, ""):
            best = _text(rating.get("bestRating"), 20)
            verdict = f"{_text(rating.get('ratingValue'), 20)}{f' / {best}' if best else ''}"
    if not claim:
        raise IngestError("the ClaimReview does not say which claim it reviewed (claimReviewed)")
    if not verdict:
        raise IngestError("the ClaimReview has no rating (reviewRating)")
    item = review.get("itemReviewed")
    item = item[0] if isinstance(item, list) and item else item
    item = item if isinstance(item, dict) else {}
    url = _text(review.get("url"), 2000)
    return ClaimReviewRecord(
        claim=claim,
        rating=verdict,
        organisation=_text(review.get("author"), 300) or _text(review.get("publisher"), 300),
        url=url if is_http_url(url) else page_url,
        published=_date(review.get("datePublished")),
        claimant=_text(item.get("author"), 300),
        claimed_on=_date(item.get("datePublished")),
        language=_text(review.get("inLanguage"), 16),
    )


def store_factcheck(record, clip, *, at=None):
    """Write the review as a claim of `clip` (at the moment covering `at` seconds): one
    transaction; the same review URL on the same clip updates instead of adding."""
    if at is not None and clip.duration is not None and at > clip.duration:
        raise IngestError(f"{at} s is past the clip's end ({clip.duration} s)")
    with transaction.atomic():
        existing = (
            ClaimReview.objects.select_related("claim")
            .filter(claim__clip=clip, url=record.url)
            .first()
        )
        claim = existing.claim if existing else Claim(clip=clip)
        claim.text, claim.claimant = record.claim, record.claimant or claim.claimant
        claim.claimed_on = record.claimed_on or claim.claimed_on
        claim.language = record.language or claim.language
        if at is not None:
            claim.moment = _moment_at(clip, at, record.claim)
        claim.save()
        values = {
            "rating": record.rating,
            "organisation": record.organisation,
            "published": record.published,
        }
        review, _created = ClaimReview.objects.update_or_create(
            claim=claim, url=record.url, defaults=values
        )
    if existing is None:
        return Outcome.CREATED, review
    changed = any(getattr(existing, name) != value for name, value in values.items())
    return (Outcome.UPDATED if changed else Outcome.UNCHANGED), review


def _moment_at(clip, at, text):
    """The shortest moment covering `at`; else a new claim moment starting there."""
    covering = clip.moments.filter(start__lte=at, end__gt=at).order_by("end", "-start").first()
    if covering:
        return covering
    end = at + CLAIM_MOMENT_SECONDS
    if clip.duration is not None:
        end = min(end, clip.duration)
    if end <= at:
        end = at + 1  # at the very end of the clip
    return Moment.objects.create(clip=clip, kind="claim", start=at, end=end, title=text[:500])


def import_factcheck(url, clip, *, at=None):
    """Fetch, read and store one fact-check article; returns (Outcome, ClaimReview)."""
    html, final_url = fetch_article(url)
    return store_factcheck(read_claim_review(html, final_url), clip, at=at)
