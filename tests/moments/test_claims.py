"""Claims at their moments with their fact-checks, and the clip's authenticity rating:
on the clip page (escaped, http(s) links only), in its schema.org data and in the admin."""

import json
import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from catalog.models import Claim, ClaimReview, MediaReview, Moment
from tests.factories import make_clip

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("claim")</script>'


@pytest.fixture
def clip():
    clip = make_clip("Bulletin", duration=1200, language="de")
    moment = Moment.objects.create(clip=clip, kind="claim", start=462, end=470, title="Claim")
    claim = Claim.objects.create(
        clip=clip,
        moment=moment,
        text=f"Die Inflation liegt bei 20 Prozent {SCRIPT}",
        claimant="A. Politiker",
        claimed_on=date(2024, 5, 1),
        language="de",
    )
    ClaimReview.objects.create(
        claim=claim,
        rating="Falsch",
        organisation="Correctiv",
        url="https://correctiv.example/check/1",
        published=date(2024, 5, 3),
    )
    ClaimReview.objects.create(
        claim=claim, rating="False <b>!</b>", organisation="Evil", url="javascript:alert(1)"
    )
    MediaReview.objects.create(clip=clip, rating="edited", note="Cut after the question.")
    return clip


def _json_ld_blocks(html):
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return [json.loads(block) for block in blocks]


def test_claims_show_at_their_moments_with_ratings_and_safe_links(client, clip):
    html = client.get(clip.get_absolute_url()).content.decode()
    assert '<a href="?t=462#player" class="timestamp">7:42</a>' in html
    assert SCRIPT not in html and "&lt;script&gt;alert(&quot;claim&quot;)&lt;/script&gt;" in html
    assert (
        '<a href="https://correctiv.example/check/1" rel="nofollow noopener" class="ext">' in html
    )
    assert "javascript:" not in html
    assert "False &lt;b&gt;!&lt;/b&gt;" in html
    assert "edited or cropped content" in html and "Cut after the question." in html


def test_the_page_carries_claim_reviews_and_a_media_review(client, clip):
    html = client.get(clip.get_absolute_url()).content.decode()
    video, reviews = _json_ld_blocks(html)
    assert video["@type"] == "VideoObject"
    by_org = {item.get("author", {}).get("name"): item for item in reviews}
    checked = by_org["Correctiv"]
    assert checked["@type"] == "ClaimReview"
    assert checked["url"] == "https://correctiv.example/check/1"
    assert checked["reviewRating"] == {"@type": "Rating", "alternateName": "Falsch"}
    assert checked["datePublished"] == "2024-05-03"
    assert checked["claimReviewed"].startswith("Die Inflation liegt bei 20 Prozent <script>")
    assert checked["itemReviewed"]["author"] == {"@type": "Person", "name": "A. Politiker"}
    assert checked["itemReviewed"]["appearance"]["startOffset"] == 462
    assert "url" not in by_org["Evil"]  # not an http(s) URL
    (media,) = [item for item in reviews if item["@type"] == "MediaReview"]
    assert media["mediaAuthenticityCategory"] == "EditedOrCroppedContent"
    assert "</script" not in html.split('type="application/ld+json">')[2].split("</script>")[0]


def test_ten_reviews_of_one_claim_are_all_shown(client, clip):
    claim = clip.claims.get()
    for n in range(10):
        ClaimReview.objects.create(
            claim=claim, rating=f"R{n}", organisation=f"Org {n}", url=f"https://f.example/{n}"
        )
    html = client.get(clip.get_absolute_url()).content.decode()
    assert all(f">Org {n}</a>" in html for n in range(10))
    assert len(_json_ld_blocks(html)[1]) == 13  # 12 ClaimReviews and the MediaReview


def test_a_claims_moment_must_be_of_its_clip(clip):
    other = make_clip("Other", duration=60)
    claim = Claim(clip=other, moment=clip.moments.get(), text="x")
    with pytest.raises(ValidationError) as error:
        claim.full_clean()
    assert "moment" in error.value.message_dict


def test_editors_add_reviews_on_the_claims_admin_page(admin_client, clip):
    claim = clip.claims.get()
    url = reverse("admin:catalog_claim_change", args=[claim.pk])
    assert admin_client.get(url).status_code == 200
    reviews = list(claim.reviews.order_by("id"))
    data = {
        "clip": clip.pk,
        "moment": claim.moment_id,
        "text": claim.text,
        "claimant": "",
        "claimed_on": "",
        "language": "de",
        "reviews-TOTAL_FORMS": 3,
        "reviews-INITIAL_FORMS": 2,
    }
    for index, review in enumerate(reviews):
        for name in ("id", "organisation", "rating", "url"):
            data[f"reviews-{index}-{name}"] = getattr(review, name)
        data[f"reviews-{index}-claim"] = claim.pk
    data[f"reviews-{1}-url"] = "https://fixed.example/"
    data.update(
        {
            "reviews-2-organisation": "AFP Faktencheck",
            "reviews-2-rating": "Irreführend",
            "reviews-2-url": "https://afp.example/x",
            "reviews-2-published": "2024-05-04",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    assert sorted(claim.reviews.values_list("organisation", flat=True)) == [
        "AFP Faktencheck",
        "Correctiv",
        "Evil",
    ]
    assert not claim.reviews.filter(url__startswith="javascript").exists()
