"""The API's shapes. Dates keep their precision: "2023" for a year, never 2023-01-01."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from catalog.models import (
    Channel,
    Claim,
    ClaimReview,
    Clip,
    ClipRelation,
    Moment,
    StoryThread,
    Tag,
    ThreadClip,
)


@extend_schema_field(OpenApiTypes.URI)
class PageUrlField(serializers.Field):
    """The absolute URL of the object's page on the site."""

    def __init__(self, **kwargs):
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, obj):
        request = self.context.get("request")
        url = obj.get_absolute_url()
        return request.build_absolute_uri(url) if request else url


class ChannelRefSerializer(serializers.ModelSerializer):
    page_url = PageUrlField()

    class Meta:
        model = Channel
        fields = ["slug", "name", "url", "page_url"]


class ChannelSerializer(ChannelRefSerializer):
    clip_count = serializers.IntegerField(read_only=True)

    class Meta(ChannelRefSerializer.Meta):
        fields = [
            *ChannelRefSerializer.Meta.fields,
            "handle",
            "platform",
            "description",
            "clip_count",
        ]


class TagSerializer(serializers.ModelSerializer):
    clip_count = serializers.IntegerField(read_only=True)
    page_url = PageUrlField()

    class Meta:
        model = Tag
        fields = ["slug", "name", "clip_count", "page_url"]


class MomentSerializer(serializers.ModelSerializer):
    tags = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    page_url = PageUrlField(help_text="The clip's page with the player at the moment's start.")

    class Meta:
        model = Moment
        fields = [
            "id",
            "kind",
            "start",
            "end",
            "title",
            "description",
            "tags",
            "language",
            "page_url",
        ]
        read_only_fields = fields


class ClaimReviewSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClaimReview
        fields = ["rating", "organisation", "url", "published"]
        read_only_fields = fields


class ClipClaimSerializer(serializers.ModelSerializer):
    """A claim in its clip: where it is made and every fact-check of it."""

    start = serializers.FloatField(
        source="moment.start", read_only=True, allow_null=True, default=None,
        help_text="Seconds into the clip where the claim is made, if known.",
    )  # fmt: skip
    page_url = PageUrlField(help_text="The clip's page at the claim (and its time).")
    reviews = ClaimReviewSerializer(many=True, read_only=True)

    class Meta:
        model = Claim
        fields = ["id", "text", "claimant", "claimed_on", "language", "start", "page_url"]
        fields += ["reviews"]
        read_only_fields = fields


class ClipRefSerializer(serializers.ModelSerializer):
    """A clip named by another object (a claim, a relation, a thread): enough to show it
    and to fetch the rest."""

    published = serializers.CharField(source="published_iso", read_only=True)
    page_url = PageUrlField()

    class Meta:
        model = Clip
        fields = ["id", "title", "language", "published", "page_url"]
        read_only_fields = fields


class ClaimSerializer(ClipClaimSerializer):
    """A claim on its own (the claims endpoint): with the clip it is made in."""

    clip = ClipRefSerializer(read_only=True)

    class Meta(ClipClaimSerializer.Meta):
        fields = [*ClipClaimSerializer.Meta.fields, "clip"]
        read_only_fields = fields


class ClipSerializer(serializers.ModelSerializer):
    channel = ChannelRefSerializer(read_only=True, allow_null=True)
    published = serializers.CharField(
        source="published_iso",
        read_only=True,
        help_text="At its precision: 2023, 2023-05, 2023-05-17 or a full timestamp; '' if unknown.",
    )
    duration_seconds = serializers.IntegerField(source="duration", read_only=True, allow_null=True)
    tags = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    page_url = PageUrlField()
    moments = MomentSerializer(many=True, read_only=True)
    claims = ClipClaimSerializer(many=True, read_only=True)

    class Meta:
        model = Clip
        fields = [
            "id",
            "platform",
            "external_id",
            "url",
            "title",
            "description",
            "channel",
            "published",
            "published_precision",
            "duration_seconds",
            "language",
            "tags",
            "thumbnail_url",
            "availability",
            "page_url",
            "moments",
            "claims",
        ]
        read_only_fields = fields


class RelationSerializer(serializers.ModelSerializer):
    """A confirmed relation: from_clip is <kind> of to_clip; times in seconds in each clip."""

    from_clip = ClipRefSerializer(read_only=True)
    to_clip = ClipRefSerializer(read_only=True)

    class Meta:
        model = ClipRelation
        fields = [
            "id",
            "kind",
            "from_clip",
            "to_clip",
            "from_start",
            "from_end",
            "to_start",
            "to_end",
            "origin",
            "score",
            "reviewed_at",
        ]
        read_only_fields = fields


class ThreadClipSerializer(serializers.ModelSerializer):
    clip = ClipRefSerializer(read_only=True)

    class Meta:
        model = ThreadClip
        fields = ["clip", "note", "position"]
        read_only_fields = fields


class StoryThreadSerializer(serializers.ModelSerializer):
    clip_count = serializers.IntegerField(source="clip_total", read_only=True)
    page_url = PageUrlField()
    clips = ThreadClipSerializer(source="thread_clips", many=True, read_only=True)

    class Meta:
        model = StoryThread
        fields = ["slug", "name", "description", "clip_count", "updated_at", "page_url", "clips"]
        read_only_fields = fields
