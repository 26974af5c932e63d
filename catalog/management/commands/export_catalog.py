from pathlib import Path

from django.core.management.base import BaseCommand

from catalog.backup import export_catalog


class Command(BaseCommand):
    help = (
        "Write the whole catalogue (clips, channels, tags, related links, transcripts, "
        "revisions, availability history, followed sources) to FILE as JSON Lines; '-' for stdout."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")

    def handle(self, *args, file, **options):
        if file == "-":
            counts = export_catalog(self.stdout)
        else:
            # Written beside the target and renamed: a failed export never leaves half a backup.
            target = Path(file)
            partial = target.with_name(target.name + ".partial")
            try:
                with partial.open("w", encoding="utf-8") as out:
                    counts = export_catalog(out)
            except BaseException:
                partial.unlink(missing_ok=True)
                raise
            partial.replace(target)
        counts.pop("newsclips-catalog")
        summary = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        self.stderr.write(f"exported {summary or 'an empty catalogue'}")
