"""Fingerprints on the admin clip page: what was computed from the clip's media and thumbnail."""

from django import template

from catalog.fingerprint.mediaprint import PDQ_BYTES, audio_seconds, usable_frame_count
from catalog.models import MediaFingerprint, ThumbnailHash

register = template.Library()


@register.inclusion_tag("admin/catalog/clip/fingerprints.html")
def clip_fingerprints(clip):
    """The tables: each media fingerprint (one per captured file) and the thumbnail's hash."""
    rows = [
        {
            "fingerprint": fingerprint,
            "frames": fingerprint.hash_bytes // PDQ_BYTES,
            "usable": usable_frame_count(fingerprint.frame_quality),
            "audio_seconds": audio_seconds(fingerprint.audio_bytes, fingerprint.audio_step),
        }
        for fingerprint in MediaFingerprint.objects.filter(clip=clip).with_sizes()
    ]
    thumbnail = ThumbnailHash.objects.filter(clip=clip).first()
    return {
        "rows": rows,
        "thumbnail": thumbnail,
        "pdq_hex": bytes(thumbnail.pdq).hex() if thumbnail else "",
    }
