"""The custody log: one append-only line per action on a clip's captures."""

from catalog.models import CustodyEvent


def log_event(clip, action, *, capture=None, actor=None, detail=""):
    """Append who did what to the clip's custody log; anonymous users are logged as nobody."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        actor = None
    return CustodyEvent.objects.create(
        clip_id=getattr(clip, "pk", clip),
        capture=capture,
        actor=actor,
        action=action,
        detail=detail[:4000],
    )
