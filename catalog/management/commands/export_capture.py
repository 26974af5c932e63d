from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalog.capture import bundle
from catalog.models import Capture


class Command(BaseCommand):
    help = (
        "Write a capture's evidence bundle (a WACZ file: the files, the page as WARC records, "
        "the signed manifest, its timestamps, the custody log and a report on how to verify "
        "it with sha256sum and openssl). The clip's latest complete capture, or --capture ID."
    )

    def add_arguments(self, parser):
        parser.add_argument("clip_id", type=int, metavar="CLIP_ID")
        parser.add_argument("file", metavar="FILE", help="Where to write the .wacz file.")
        parser.add_argument("--capture", type=int, metavar="ID", help="This capture of the clip.")

    def handle(self, *args, clip_id, file, capture, **options):
        captures = Capture.objects.filter(clip_id=clip_id).select_related("clip")
        if capture is not None:
            chosen = captures.filter(pk=capture).first()
            if chosen is None:
                raise CommandError(f"clip {clip_id} has no capture {capture}")
        else:
            chosen = captures.complete().latest_first().first()
            if chosen is None:
                raise CommandError(f"clip {clip_id} has no complete capture")
        target = Path(file)
        if target.is_dir():
            target = target / bundle.bundle_name(chosen)
        if not target.parent.is_dir():
            raise CommandError(f"no folder {target.parent}")
        try:
            bundle.write_bundle(chosen, target)
        except bundle.BundleError as error:
            raise CommandError(f"capture {chosen.pk} of clip {clip_id}: {error}") from None
        self.stdout.write(f"capture {chosen.pk} of clip {clip_id} written to {target}")
