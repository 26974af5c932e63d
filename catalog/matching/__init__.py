"""Finding copies of clips: re-uploads, excerpts and the same thumbnail.

    keys     the index's keys: PDQ chunks, Chromaprint values
    index    the index kept in step (index_clip, reindex, stop keys) and its candidates
    align    where two fingerprints match, verified on the full prints
    lookup   match_print / match_clip: candidates aligned into Matches, best first
    suggest  index_and_suggest (matches as suggested ClipRelations), match_file, match_url
    tasks    the queue's side: the task and the receiver of fingerprint_changed
    report   a match as a line of `manage.py match`

Nothing is imported here: web processes import `tasks` (apps.ready connects its
receiver) and must not load numpy, which the other modules need.
"""
