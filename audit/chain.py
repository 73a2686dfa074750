"""Checking the audit trail's hash chain: every event's hash covers its content and the hash of
the event before it, so a changed or removed event breaks the chain at that point."""

from dataclasses import dataclass

from .models import AuditEvent

# Where a retention run removed the oldest events, its own event names the hash of the last one
# removed: the first event kept must follow on from it.
TRIMMED_HASH = "removed_through_hash"


@dataclass(frozen=True)
class ChainBreak:
    event_id: int
    at: str
    problem: str

    def __str__(self) -> str:
        return f"Event #{self.event_id} at {self.at}: {self.problem}"


@dataclass(frozen=True)
class ChainReport:
    checked: int
    first_break: ChainBreak | None

    @property
    def intact(self) -> bool:
        return self.first_break is None


def trail_starts() -> set[str]:
    """The hashes the oldest event kept may follow: none, or the last one retention removed."""
    anchors = AuditEvent.objects.filter(action=AuditEvent.Action.RETENTION_APPLIED).values_list(
        "detail", flat=True
    )
    return {""} | {d[TRIMMED_HASH] for d in anchors if isinstance(d, dict) and d.get(TRIMMED_HASH)}


def chain_verify() -> ChainReport:
    """Walk the trail oldest first and stop at the first event that does not check out."""
    starts = trail_starts()
    previous: AuditEvent | None = None
    checked = 0
    for event in AuditEvent.objects.order_by("pk").iterator(chunk_size=2000):
        at = event.at.isoformat()
        if previous is None:
            if event.previous_hash not in starts:
                return ChainReport(
                    checked,
                    ChainBreak(
                        event.pk,
                        at,
                        "it is the oldest event kept, but it follows an event that is missing "
                        "and no retention run removed it",
                    ),
                )
        elif event.previous_hash != previous.hash:
            return ChainReport(
                checked,
                ChainBreak(
                    event.pk,
                    at,
                    f"it does not follow on from event #{previous.pk}: an event between them "
                    "has been removed, or #"
                    f"{previous.pk}'s stored hash has been changed",
                ),
            )
        if event.compute_hash() != event.hash:
            return ChainReport(
                checked,
                ChainBreak(
                    event.pk, at, "its content no longer matches its hash: it has been changed"
                ),
            )
        previous = event
        checked += 1
    return ChainReport(checked, None)
