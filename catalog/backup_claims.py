"""Claims, their fact-checks and the clip's authenticity rating in the catalogue export
(catalog.backup): keys of each clip line, and back.

A claim names its moment by the moment's position in the clip line's "moments" list (which
catalog.backup_moments writes in time order), a fact-check is one per URL, and the files
written before claims existed, without these keys, restore with none.
"""

from django.db.models import Prefetch

from catalog.models import Claim, ClaimReview, MediaReview

CLAIM_FIELDS = ("text", "claimant", "claimed_on", "language", "created_at")
REVIEW_FIELDS = ("url", "rating", "organisation", "published", "created_at")
MEDIA_REVIEW_FIELDS = ("rating", "note", "reviewed_at")
# For catalog.backup's CATALOGUE_MODELS: deleted before the clips and moments they point to.
MODELS = (ClaimReview, Claim, MediaReview)

# For catalog.backup's clip query: claims in the order they were made, reviews by URL.
PREFETCHES = (
    Prefetch(
        "claims",
        queryset=Claim.objects.order_by("id").prefetch_related(
            Prefetch("reviews", queryset=ClaimReview.objects.order_by("url", "id"))
        ),
    ),
    "media_review",
)


def claim_rows(clip, values):
    """The clip line's "claims" and "media_review"; `values(obj, fields)` reads the fields.

    Reads the prefetched moments, so the positions are those of the line's "moments".
    """
    positions = {moment.pk: n for n, moment in enumerate(clip.moments.all())}
    claims = [
        {
            **values(claim, CLAIM_FIELDS),
            "moment": positions[claim.moment_id] if claim.moment_id else None,
            "reviews": [values(review, REVIEW_FIELDS) for review in claim.reviews.all()],
        }
        for claim in clip.claims.all()
    ]
    media_review = getattr(clip, "media_review", None)
    rating = values(media_review, MEDIA_REVIEW_FIELDS) if media_review else None
    return {"claims": claims, "media_review": rating}


def problems(row):
    """What makes a clip line's claims unrestorable, worded for the error message."""
    found = []
    count = len(row.get("moments", ()))
    for n, claim in enumerate(row.get("claims", ()), start=1):
        moment = claim["moment"]
        if moment is not None and not (isinstance(moment, int) and 0 <= moment < count):
            found.append(f"claim {n} refers to moment {moment!r}; the clip has {count} moments")
        urls = [review["url"] for review in claim["reviews"]]
        if len(set(urls)) < len(urls):
            found.append(f"claim {n} has two fact-checks with the same URL")
    return found


def restore_claims(clips_and_rows, moments, fields, batch_size):
    """Insert the claims, fact-checks and ratings of freshly restored clips (bulk).

    `moments` are the clips' restored moments in file order, as restore_moments returns them.
    """
    by_clip = {}
    for moment in moments:
        by_clip.setdefault(moment.clip_id, []).append(moment)
    claims, reviews, ratings = [], [], []
    for clip, row in clips_and_rows:
        for claim_row in row.get("claims", ()):
            position = claim_row["moment"]
            moment = by_clip[clip.pk][position] if position is not None else None
            claim = Claim(clip=clip, moment=moment, **fields(claim_row, CLAIM_FIELDS))
            claims.append(claim)
            reviews += [(claim, fields(r, REVIEW_FIELDS)) for r in claim_row["reviews"]]
        if row.get("media_review"):
            values = fields(row["media_review"], MEDIA_REVIEW_FIELDS)
            ratings.append(MediaReview(clip=clip, **values))
    Claim.objects.bulk_create(claims, batch_size=batch_size)
    ClaimReview.objects.bulk_create(
        [ClaimReview(claim=claim, **values) for claim, values in reviews], batch_size=batch_size
    )
    MediaReview.objects.bulk_create(ratings, batch_size=batch_size)
