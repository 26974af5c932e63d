"""The read-only JSON API, /api/v1/: clips, channels, tags, relations and story threads, filtered like the pages."""
