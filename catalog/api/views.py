"""Read-only viewsets; the clip list reuses the pages' ClipFilter (search included)."""

import django_filters
from django.db.models import Prefetch, Q
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    extend_schema,
    extend_schema_field,
    extend_schema_view,
)
from rest_framework import viewsets

from catalog.filters import ClaimFilter, ClipFilter, TagsFilter
from catalog.models import Channel, Claim, Clip, ClipRelation, StoryThread, Tag, ThreadClip

from .pagination import (
    IdCursorPagination,
    NewestFirstPagination,
    NewestIdPagination,
    SlugCursorPagination,
)
from .serializers import (
    ChannelSerializer,
    ClaimSerializer,
    ClipSerializer,
    RelationSerializer,
    StoryThreadSerializer,
    TagSerializer,
)

# ?tag=a&tag=b takes several values; the schema generator cannot infer that from
# the custom filter, so it is declared here, keeping catalog.filters free of API code.
extend_schema_field({"type": "array", "items": {"type": "string"}})(TagsFilter)


class ApiClipFilter(ClipFilter):
    """The pages' filters; the order is always newest first, since cursor pages need a
    stable key and a relevance rank is none, so the API offers no `sort`."""

    sort = None

    class Meta(ClipFilter.Meta):
        fields = [name for name in ClipFilter.Meta.fields if name != "sort"]


class ClipViewSet(viewsets.ReadOnlyModelViewSet):
    """Clips, newest first; the same filters as the site (?q= with #tag and @channel)."""

    queryset = Clip.objects.for_list().with_moments().with_claims()
    serializer_class = ClipSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ApiClipFilter
    pagination_class = NewestFirstPagination


class ClaimViewSet(viewsets.ReadOnlyModelViewSet):
    """Claims made in clips with their fact-checks, newest first; the claims page's filters
    (?q=, rating, organisation, language)."""

    queryset = Claim.objects.for_list()
    serializer_class = ClaimSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = ClaimFilter
    pagination_class = NewestIdPagination


class ChannelViewSet(viewsets.ReadOnlyModelViewSet):
    queryset = Channel.objects.all()
    serializer_class = ChannelSerializer
    pagination_class = SlugCursorPagination
    lookup_field = "slug"


@extend_schema_view(
    list=extend_schema(
        parameters=[OpenApiParameter("q", OpenApiTypes.STR, description="Part of a tag's name.")]
    )
)
class TagViewSet(viewsets.ReadOnlyModelViewSet):
    """Tags that have clips, with their counts; ?q= narrows as on the tag page."""

    serializer_class = TagSerializer
    pagination_class = SlugCursorPagination
    lookup_field = "slug"

    def get_queryset(self):
        tags = Tag.objects.with_clip_counts()
        query = self.request.query_params.get("q", "").strip()
        if query:
            tags = tags.filter(Q(slug__contains=Tag.normalise(query)) | Q(name__icontains=query))
        return tags


class RelationFilter(django_filters.FilterSet):
    clip = django_filters.NumberFilter(
        method="filter_clip", label="A clip's id: its relations on either side."
    )
    kind = django_filters.ChoiceFilter(choices=ClipRelation.Kind.choices)

    class Meta:
        model = ClipRelation
        fields = ["clip", "kind"]

    def filter_clip(self, queryset, name, value):
        return queryset.involving(int(value))


class RelationViewSet(viewsets.ReadOnlyModelViewSet):
    """Confirmed relations between clips ("from_clip is <kind> of to_clip"); suggestions
    waiting for an editor are not published."""

    queryset = ClipRelation.objects.confirmed().select_related("from_clip", "to_clip")
    serializer_class = RelationSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = RelationFilter
    pagination_class = IdCursorPagination


class StoryThreadViewSet(viewsets.ReadOnlyModelViewSet):
    """Published story threads with their clips; /api/v1/clips/?thread=<slug> gives the
    clips in full."""

    queryset = (
        StoryThread.objects.public()
        .with_counts()
        .prefetch_related(
            Prefetch("thread_clips", queryset=ThreadClip.objects.select_related("clip"))
        )
    )
    serializer_class = StoryThreadSerializer
    pagination_class = SlugCursorPagination
    lookup_field = "slug"
