"""The read-only JSON API, /api/v1/: clips, channels, tags, relations and story threads;
clips filtered like the pages."""
