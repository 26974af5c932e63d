"""Finding copies of clips: re-uploads, excerpts and the same thumbnail.

The index (catalog.models.match_index, kept by `index_clip`) finds candidate
clips sub-linearly; alignment (catalog.matching.align) verifies them on the
full fingerprints and says where they match. `index_and_suggest(clip)` records
what it finds as suggested ClipRelations for editors.
"""

from .index import index_clip, reindex
from .lookup import Match, match_clip, match_print
from .suggest import index_and_suggest, match_file, match_url

__all__ = [
    "Match",
    "index_and_suggest",
    "index_clip",
    "match_clip",
    "match_file",
    "match_print",
    "match_url",
    "reindex",
]
