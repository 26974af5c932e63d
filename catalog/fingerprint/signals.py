"""Sent after a fingerprint or thumbnail hash of a clip changed (on commit).

catalog.matching listens to keep its index in step: `clip_id` and `kind`
("media" or "thumbnail") say what to index again; the stored row is the
MediaFingerprint or ThumbnailHash `instance`, ok or failed.
"""

from django.dispatch import Signal

fingerprint_changed = Signal()
