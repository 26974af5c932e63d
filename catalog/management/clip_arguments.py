"""`CLIP_ID ... | --all`: the clip arguments of the commands that work on chosen clips."""

from django.core.management.base import CommandError

from catalog.models import Clip


def add_clip_arguments(parser, *, every_help="Every clip."):
    parser.add_argument("ids", nargs="*", type=int, metavar="CLIP_ID")
    parser.add_argument("--all", action="store_true", dest="every_clip", help=every_help)


def chosen_clip_ids(ids, every_clip, *, verb):
    """The ids given (all of them existing clips), or None for --all; CommandError if not."""
    if bool(ids) == every_clip:
        raise CommandError(f"name the clips to {verb} (CLIP_ID ...) or --all, not both")
    if every_clip:
        return None
    missing = sorted(set(ids) - set(Clip.objects.filter(pk__in=ids).values_list("pk", flat=True)))
    if missing:
        raise CommandError(f"no clip with id {', '.join(map(str, missing))}")
    return ids
