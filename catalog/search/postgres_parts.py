"""PostgreSQL: a clip's tags and claims in its own document (migration 0019_clip_document).

Tags were indexed once per tag (catalog_tagsearch) and claims in their own table
(catalog_claimsearch), a clip found through them apart from its document. A word
was then matched three ways, and the several-words search had to know which clips
match it only by a tag or a claim (catalog.search.conjunction's "rest"): for a tag
of 100,000 clips, each looked up in its document, 1.5 s warm and 7 s cold at 1 M
clips, once per catalogue version; and its pages had to hash every match, where
the planner would rather walk the list. With their words in the clip's
`transcript` part (tags at weight B, as its moments and its channel; claims at D,
as what is said), the one GIN index answers for all of them.

Kept by triggers on the two tables the words come from, so each fires after they
changed: a clip tagged or untagged (per statement, so a bulk load reads each clip
once), a tag renamed (its clips), a claim written or deleted (its clip). Both
tables stay: catalog_tagsearch holds each tag's words under every stemming, which
the clips' documents take from it; catalog_claimsearch serves the claims page.
SQLite keeps its own plan (catalog.search.sqlite): claims are in the clip's row
already, and a tag's clips are read from its index entries.
"""

from .moment_index import transcript_function
from .postgres_schema import (
    RETRANSCRIBE,
    create_triggers,
    drop_triggers,
    retranscribe_triggers,
)

_PARTS = """
  || setweight(coalesce((SELECT newsclips_tsvector_agg(s.document)
     FROM catalog_cliptag t JOIN catalog_tagsearch s ON s.tag_id = t.tag_id
     WHERE t.clip_id = clip), ''), 'B')
  || setweight(coalesce((SELECT newsclips_tsvector_agg(s.document)
     FROM catalog_claimsearch s WHERE s.clip_id = clip), ''), 'D')"""

TRIGGERS = {
    **retranscribe_triggers("catalog_cliptag_search", "catalog_cliptag", "clip_id, tag_id"),
    "catalog_tagsearch_clips_update": (
        "AFTER UPDATE OF document ON catalog_tagsearch FOR EACH ROW",
        RETRANSCRIBE.format(clips="SELECT clip_id FROM catalog_cliptag WHERE tag_id = NEW.tag_id"),
    ),
    **retranscribe_triggers("catalog_claimsearch_clip", "catalog_claimsearch"),
}
# What already has tags or claims.
_EXISTING = "SELECT clip_id FROM catalog_cliptag UNION SELECT clip_id FROM catalog_claimsearch"


def install(cursor):
    cursor.execute(transcript_function(_PARTS))
    create_triggers(cursor, TRIGGERS)
    cursor.execute(RETRANSCRIBE.format(clips=_EXISTING))
    cursor.execute("ANALYZE catalog_clipsearch")


def uninstall(cursor):
    drop_triggers(cursor, TRIGGERS)
    cursor.execute(transcript_function())
    cursor.execute(RETRANSCRIBE.format(clips=_EXISTING))
