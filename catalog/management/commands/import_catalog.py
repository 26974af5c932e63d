from django.core.management.base import BaseCommand, CommandError

from catalog.backup import ArchiveError, import_catalog


class Command(BaseCommand):
    help = (
        "Restore a catalogue written by export_catalog into an empty database, in one "
        "transaction: a malformed line is reported by number and nothing is written."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE")
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete the catalogue already in the database first (same transaction).",
        )

    def handle(self, *args, file, replace, **options):
        try:
            with open(file, encoding="utf-8") as lines:
                counts = import_catalog(lines, replace=replace)
        except OSError as error:
            raise CommandError(f"{file}: cannot be read ({error.strerror})") from None
        except UnicodeDecodeError as error:
            raise CommandError(f"{file}: not UTF-8 text ({error.reason})") from None
        except ArchiveError as error:
            raise CommandError(f"{file}: {error}; nothing was imported") from None
        summary = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        self.stdout.write(f"imported {summary or 'an empty catalogue'}")
