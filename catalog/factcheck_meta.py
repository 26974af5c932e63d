"""The clip's fact-checks as schema.org data: ClaimReview per review, MediaReview per rating.

Printed by the clip page beside its VideoObject (catalog.seo), through the same
escaping json_ld_script; untrusted URLs are kept only when they are http(s).
"""

from catalog.seo import json_ld_script
from catalog.textlinks import http_url


def _dropping_empty(data):
    return {key: value for key, value in data.items() if value not in ("", None, {}, [])}


def claim_review(review, claim, page_url):
    appearance = {"@type": "VideoObject", "url": page_url}
    if claim.moment is not None:
        appearance = {
            "@type": "Clip",
            "url": f"{page_url}?t={claim.moment.start_seconds}",
            "startOffset": claim.moment.start_seconds,
        }
    item = _dropping_empty(
        {
            "@type": "Claim",
            "author": {"@type": "Person", "name": claim.claimant} if claim.claimant else None,
            "datePublished": claim.claimed_on.isoformat() if claim.claimed_on else None,
            "inLanguage": claim.language,
            "appearance": appearance,
        }
    )
    return _dropping_empty(
        {
            "@context": "https://schema.org",
            "@type": "ClaimReview",
            "url": http_url(review.url),
            "datePublished": review.published.isoformat() if review.published else None,
            "author": {"@type": "Organization", "name": review.organisation},
            "claimReviewed": claim.text,
            "reviewRating": {"@type": "Rating", "alternateName": review.rating},
            "itemReviewed": item,
        }
    )


def media_review(review, page_url):
    return _dropping_empty(
        {
            "@context": "https://schema.org",
            "@type": "MediaReview",
            "mediaAuthenticityCategory": review.schema_org_category,
            "reviewBody": review.note,
            "dateModified": review.reviewed_at.isoformat(),
            "itemReviewed": {
                "@type": "MediaReviewItem",
                "appearance": {"@type": "VideoObject", "url": page_url},
            },
        }
    )


def fact_checks_json_ld(claims, review, page_url):
    """One <script type="application/ld+json"> with every review, or "" without any."""
    items = [claim_review(r, claim, page_url) for claim in claims for r in claim.reviews.all()]
    if review is not None:
        items.append(media_review(review, page_url))
    return json_ld_script(items) if items else ""
