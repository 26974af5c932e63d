"""What an import reports back: per item, and added up for a batch."""

import logging
from collections import Counter
from dataclasses import dataclass, field
from enum import StrEnum

logger = logging.getLogger(__name__)


class IngestError(Exception):
    """A source that cannot become a clip. The message is shown to the editor as is."""

    def __init__(self, reason, *, name=""):
        super().__init__(reason)
        self.reason = reason
        self.name = name

    def __str__(self):
        return f"{self.name}: {self.reason}" if self.name else self.reason


class Outcome(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    FAILED = "failed"


@dataclass(frozen=True, slots=True)
class ClipRef:
    """A stored clip by id and title only: what a large batch keeps of each clip.

    Holding every imported Clip (with its raw metadata) would make a batch's
    memory grow with its size; `Clip.objects.get(pk=ref.pk)` gives the clip back.
    """

    pk: int
    title: str

    @property
    def id(self):
        return self.pk

    def __str__(self):
        return self.title


@dataclass
class ItemResult:
    name: str  # what the editor gave: a file name, a URL, "pasted text"
    outcome: Outcome
    clip: object = None  # the stored Clip, unless the item failed
    reason: str = ""  # why it failed

    def compact(self):
        """This result with its clip as a ClipRef (same name, outcome, reason, text)."""
        clip = self.clip
        if clip is not None and not isinstance(clip, ClipRef):
            clip = ClipRef(pk=clip.pk, title=str(clip))
        return ItemResult(name=self.name, outcome=self.outcome, clip=clip, reason=self.reason)

    def __str__(self):
        if self.outcome is Outcome.FAILED:
            return f"{self.name}: failed: {self.reason}"
        return f"{self.name}: {self.outcome}: {self.clip}"


@dataclass
class Summary:
    """What a batch did: every result, or with keep_all=False the failures only (and counts)."""

    results: list[ItemResult] = field(default_factory=list)
    keep_all: bool = True
    _counts: Counter = field(default_factory=Counter, repr=False, compare=False)

    def add(self, result):
        self._counts[result.outcome.value] += 1
        if self.keep_all or result.outcome is Outcome.FAILED:
            self.results.append(result)
        return result

    def extend(self, other):
        """Add another summary's counts and kept results to this one."""
        self._counts.update(other._counts)
        self.results += [r for r in other.results if self.keep_all or r.outcome is Outcome.FAILED]

    @property
    def counts(self):
        return {outcome.value: self._counts[outcome.value] for outcome in Outcome}

    @property
    def total(self):
        return sum(self._counts.values())

    @property
    def failed(self):
        return [result for result in self.results if result.outcome is Outcome.FAILED]

    def __str__(self):
        return ", ".join(f"{count} {outcome}" for outcome, count in self.counts.items())


def guarded(name, import_one, *args, **kwargs):
    """Run one item of a batch: its failure is reported by name and reason, never raised.

    An IngestError carries a reason meant for the editor; anything else is a bug,
    logged with its traceback, and still must not stop the rest of the batch.
    """
    try:
        result = import_one(*args, **kwargs)
    except IngestError as error:
        return ItemResult(name=name, outcome=Outcome.FAILED, reason=error.reason)
    except Exception as error:
        logger.exception("import of %s failed", name)
        return ItemResult(
            name=name, outcome=Outcome.FAILED, reason=f"internal error ({type(error).__name__})"
        )
    result.name = name
    return result
