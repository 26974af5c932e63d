"""Thread pages and relations are cached like every public page: no cookie, public, an ETag
that changes when an editor decides on a relation or edits a thread."""

import pytest
from django.urls import reverse

from catalog.models import ClipRelation, ThreadClip
from tests.factories import make_clip

# PostgreSQL raises the catalogue version when a transaction commits.
pytestmark = pytest.mark.django_db(transaction=True)


def test_thread_and_relation_pages_are_public_and_revalidate(client, story, editor):
    thread = story["thread"]
    pages = {
        "threads": reverse("catalog:thread_list"),
        "thread": thread.get_absolute_url(),
        "thread feed": reverse("catalog:thread_feed_atom", args=[thread.slug]),
        "thread export": reverse("catalog:thread_export_jsonl", args=[thread.slug]),
        "clip": story["broadcast"].get_absolute_url(),
        "api relations": reverse("api:relation-list"),
        "api threads": reverse("api:thread-list"),
    }
    etags = {}
    for name, url in pages.items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert response["Cache-Control"] == "public, max-age=60", name
        assert "Set-Cookie" not in response, name
        etags[name] = response["ETag"]
        if name not in {"api relations", "api threads"}:  # checked after the throttle
            again = client.get(url, headers={"if-none-match": etags[name]})
            assert again.status_code == 304, name

    # An editor confirms a suggestion: the clip page shows it at once to a revalidating cache.
    story["relations"]["pending"].decide(ClipRelation.Status.CONFIRMED, editor)
    response = client.get(pages["clip"], headers={"if-none-match": etags["clip"]})
    assert response.status_code == 200 and "Unrelated talk show" in response.content.decode()
    etags["clip"] = response["ETag"]

    # A clip added to the thread: the thread page changes.
    ThreadClip.objects.create(thread=thread, clip=make_clip("Summit, day two"))
    response = client.get(pages["thread"], headers={"if-none-match": etags["thread"]})
    assert response.status_code == 200 and "Summit, day two" in response.content.decode()

    # The thread's name edited: the list changes.
    thread.name = "G7 in Elmau"
    thread.save()
    response = client.get(pages["threads"], headers={"if-none-match": etags["threads"]})
    assert response.status_code == 200 and "G7 in Elmau" in response.content.decode()
