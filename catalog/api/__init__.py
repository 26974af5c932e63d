"""The read-only JSON API, /api/v1/: clips, channels and tags, filtered like the pages."""
