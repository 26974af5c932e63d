"""A clip's moments as W3C Web Annotations (JSON-LD), at /clips/<id>/annotations.jsonld.

One AnnotationCollection with one page: each moment is an Annotation whose
target is the clip's video with a Media Fragments selector (t=start,end) and
whose bodies are its title (describing), description (commenting) and tags
(tagging). Other annotation tools and archives read this without knowing
newsclips.
"""

import json

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.views.decorators.http import require_safe

from catalog.models import Clip
from catalog.textlinks import http_url

CONTEXT = "http://www.w3.org/ns/anno.jsonld"
CONTENT_TYPE = f'application/ld+json; profile="{CONTEXT}"; charset=utf-8'
MEDIA_FRAGMENTS = "http://www.w3.org/TR/media-frags/"


def _body(value, purpose, language):
    body = {"type": "TextualBody", "purpose": purpose, "value": value, "format": "text/plain"}
    if language:
        body["language"] = language
    return body


def moment_annotation(moment, page_url, video):
    """One moment as an Annotation; `video` is the clip's video as its target's source."""
    language = moment.language or moment.clip.language
    bodies = [_body(moment.title, "describing", language)]
    if moment.description:
        bodies.append(_body(moment.description, "commenting", language))
    bodies += [_body(tag.slug, "tagging", "") for tag in moment.tags.all()]
    return {
        "id": moment.url_on(page_url),
        "type": "Annotation",
        "motivation": "describing",
        "label": moment.get_kind_display(),
        "created": moment.created_at.isoformat(),
        "modified": moment.updated_at.isoformat(),
        "body": bodies,
        "target": {
            "type": "SpecificResource",
            "source": video,
            "selector": {
                "type": "FragmentSelector",
                "conformsTo": MEDIA_FRAGMENTS,
                "value": moment.time_fragment,
            },
        },
    }


def clip_annotations(clip, request):
    """The clip's moments as an AnnotationCollection (a dict, ready for json.dumps)."""
    page_url = request.build_absolute_uri(clip.get_absolute_url())
    own_url = request.build_absolute_uri(reverse("catalog:clip_annotations", args=[clip.pk]))
    # The video itself where it is published; else the clip's page, which shows it.
    video = {"id": http_url(clip.url) or page_url, "type": "Video"}
    items = [moment_annotation(m, page_url, video) for m in clip.moments.for_clip_page()]
    return {
        "@context": CONTEXT,
        "id": own_url,
        "type": "AnnotationCollection",
        "label": clip.title,
        "total": len(items),
        "first": {
            "id": f"{own_url}#page-1",
            "type": "AnnotationPage",
            "partOf": own_url,
            "startIndex": 0,
            "items": items,
        },
    }


@require_safe
def annotations_jsonld(request, pk):
    clip = get_object_or_404(Clip, pk=pk)
    body = json.dumps(clip_annotations(clip, request), ensure_ascii=False, indent=1)
    response = HttpResponse(body, content_type=CONTENT_TYPE)
    response["Access-Control-Allow-Origin"] = "*"  # public data, for annotation tools elsewhere
    return response
