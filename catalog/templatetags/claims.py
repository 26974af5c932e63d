"""Claims and fact-checks on the clip page, at their moments, and their schema.org data."""

from django import template

from catalog.factcheck_meta import fact_checks_json_ld
from catalog.models import MediaReview

register = template.Library()


@register.inclusion_tag("catalog/includes/clip_claims.html", takes_context=True)
def clip_fact_checks(context, clip):
    claims = list(clip.claims.for_clip_page()) if clip.may_have("claims") else []
    review = (
        MediaReview.objects.filter(clip=clip).first() if clip.may_have("media_review") else None
    )
    request = context.get("request")
    page_url = request.build_absolute_uri(clip.get_absolute_url()) if request else ""
    return {
        "clip": clip,
        "claims": claims,
        "media_review": review,
        "json_ld": fact_checks_json_ld(claims, review, page_url),
    }
