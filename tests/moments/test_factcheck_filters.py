"""Lists filter by "has a fact-check", by a fact-check's rating and by authenticity, through the
one FilterSet: pages, feeds, exports and the API alike."""

import json

import pytest
from django.urls import reverse

from catalog.models import Claim, ClaimReview, MediaReview
from tests.factories import make_clip

pytestmark = pytest.mark.django_db


@pytest.fixture
def clips():
    checked = make_clip("Checked", published=(2024, 5, 1))
    claim = Claim.objects.create(clip=checked, text="Claim")
    ClaimReview.objects.create(
        claim=claim, rating="False", organisation="O", url="https://f.example/1"
    )
    misleading = make_clip("Misleading", published=(2024, 5, 2))
    other = Claim.objects.create(clip=misleading, text="Other")
    ClaimReview.objects.create(
        claim=other, rating="Misleading", organisation="O", url="https://f.example/2"
    )
    MediaReview.objects.create(clip=misleading, rating="decontextualized")
    unreviewed = make_clip("Claim without review", published=(2024, 5, 3))
    Claim.objects.create(clip=unreviewed, text="Unchecked")
    make_clip("Plain", published=(2024, 5, 4))


def _titles(client, query):
    response = client.get(reverse("catalog:clip_list") + query)
    assert response.status_code == 200
    return [clip.title for clip in response.context["clips"]]


def test_the_list_filters_by_fact_check_rating_and_authenticity(client, clips):
    assert _titles(client, "?fact_checked=yes") == ["Misleading", "Checked"]
    assert _titles(client, "?rating=false") == ["Checked"]
    assert _titles(client, "?rating=FALSE&fact_checked=yes") == ["Checked"]
    assert _titles(client, "?authenticity=decontextualized") == ["Misleading"]
    assert _titles(client, "?rating=nonsense") == []


def test_exports_and_the_api_share_the_filters(client, clips):
    body = b"".join(
        client.get(reverse("catalog:export_jsonl") + "?fact_checked=yes").streaming_content
    )
    assert [json.loads(line)["title"] for line in body.splitlines()] == ["Checked", "Misleading"]
    data = client.get(reverse("api:clip-list") + "?rating=misleading").json()
    assert [clip["title"] for clip in data["results"]] == ["Misleading"]
    assert client.get(reverse("catalog:clip_list") + "?authenticity=forged").status_code == 200
    bad = client.get(reverse("catalog:export_csv") + "?authenticity=forged")
    assert bad.status_code == 400
