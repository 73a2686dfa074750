"""Reminders by email, each sent once per trigger.

A reminder is a row first: its unique constraint (person, kind, object, trigger) lets only one
worker ever insert it, even across restarts and duplicate beat messages, and the email goes out
only after that insert commits. A send that fails is tried again on a later run.
"""

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from policies.models import Membership, PolicyDocument
from reviews.models import Review, ReviewCycle, SelfAssessment

from ..models import Action, SentReminder

logger = logging.getLogger(__name__)
Kind = SentReminder.Kind

REVIEW_THRESHOLDS = (1, 7, 14)
ACTION_DUE_WITHIN_DAYS = 7
RETRY_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class Reminder:
    recipient_id: int
    email: str
    kind: str
    object_type: str
    object_id: str
    trigger: str
    subject: str
    body: str

    @property
    def key(self) -> tuple:
        return (self.recipient_id, self.kind, self.object_type, self.object_id, self.trigger)


def _days(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def review_reminders(today: date) -> Iterator[Reminder]:
    """Reviewers: reviews due in 14, 7 and 1 days, and overdue ones."""
    reviews = Review.objects.select_related(
        "reviewer", "agency", "policy_version__document"
    ).filter(
        state__in=Review.EDITABLE_STATES,
        due_on__lte=today + timedelta(days=max(REVIEW_THRESHOLDS)),
        reviewer__is_active=True,
    )
    for review in reviews:
        left = (review.due_on - today).days
        what = f"the review {review.reference} of {review.agency.name}'s policy"
        due = f"{review.due_on:%-d %B %Y}"
        if left < 0:
            kind, trigger = Kind.REVIEW_OVERDUE, f"overdue since {review.due_on}"
            subject = f"Overdue: {what}"
            body = f"{what[0].upper()}{what[1:]} was due on {due} and is not yet submitted."
        else:
            threshold = min(t for t in REVIEW_THRESHOLDS if t >= left)
            kind, trigger = Kind.REVIEW_DUE, f"{_days(threshold)} before {review.due_on}"
            subject = f"Due on {due}: {what}"
            body = (
                f"{what[0].upper()}{what[1:]} is due on {due}, in {_days(left)}."
                if left
                else f"{what[0].upper()}{what[1:]} is due today, {due}."
            )
        yield Reminder(
            recipient_id=review.reviewer_id,
            email=review.reviewer.email,
            kind=kind,
            object_type="reviews.review",
            object_id=str(review.pk),
            trigger=trigger,
            subject=subject,
            body=body + "\n\nSign in to the policy review service to continue it.",
        )


def _members_by_agency(agency_ids: Iterable[int]) -> dict[int, list]:
    members = defaultdict(list)
    for membership in Membership.objects.select_related("user").filter(
        agency_id__in=set(agency_ids), user__is_active=True
    ):
        members[membership.agency_id].append(membership.user)
    return members


def action_reminders(today: date) -> Iterator[Reminder]:
    """Agency members: their agency's actions due soon and overdue."""
    actions = list(
        Action.objects.select_related("finding__expectation", "review__cycle")
        .exclude(status=Action.Status.DONE)
        .filter(due_on__lte=today + timedelta(days=ACTION_DUE_WITHIN_DAYS))
    )
    members = _members_by_agency(a.agency_id for a in actions)
    for action in actions:
        code = action.finding.expectation.code
        due = f"{action.due_on:%-d %B %Y}"
        if action.due_on < today:
            kind, trigger = Kind.ACTION_OVERDUE, f"overdue since {action.due_on}"
            subject = f"Overdue action on expectation {code}"
            lead = f"Your agency's action on expectation {code} was due on {due}."
        else:
            kind, trigger = Kind.ACTION_DUE, f"due {action.due_on}"
            subject = f"Action on expectation {code} due on {due}"
            lead = f"Your agency's action on expectation {code} is due on {due}."
        body = (
            f"{lead}\n\nWhat will be done: {action.description}\nOwner: {action.owner}\n"
            f"Review cycle: {action.review.cycle.name}\n\n"
            "Sign in to the policy review service to update its status."
        )
        for person in members[action.agency_id]:
            yield Reminder(
                recipient_id=person.pk,
                email=person.email,
                kind=kind,
                object_type="summaries.action",
                object_id=str(action.pk),
                trigger=trigger,
                subject=subject,
                body=body,
            )


def policy_reminders(today: date) -> Iterator[Reminder]:
    """Agency members: policies past their own next review date."""
    documents = list(
        PolicyDocument.objects.select_related("current_version").filter(
            current_version__next_review_date__lt=today
        )
    )
    members = _members_by_agency(d.agency_id for d in documents)
    for document in documents:
        version = document.current_version
        when = version.next_review_as_given
        for person in members[document.agency_id]:
            yield Reminder(
                recipient_id=person.pk,
                email=person.email,
                kind=Kind.POLICY_PAST_REVIEW,
                object_type="policies.policyversion",
                object_id=str(version.pk),
                trigger=f"past {version.next_review_date}",
                subject=f"{document.title} is past its review date",
                body=(
                    f"Your agency's {document.title} (version {version.version_label}) was due "
                    f"for its own review on {when}.\n\nUpload the reviewed version to the policy "
                    "review service when it is ready."
                ),
            )


def self_assessment_reminders(today: date) -> Iterator[Reminder]:
    """Agency members: their agency's self-assessment due in 14, 7 and 1 days, until it is
    submitted. Once its deadline passes it is closed, so there is nothing to remind of."""
    cycles = list(
        ReviewCycle.objects.filter(
            self_assessment_due_on__gte=today,
            self_assessment_due_on__lte=today + timedelta(days=max(REVIEW_THRESHOLDS)),
        ).prefetch_related("agencies")
    )
    submitted = set(
        SelfAssessment.objects.filter(
            cycle__in=cycles, state=SelfAssessment.State.SUBMITTED
        ).values_list("cycle_id", "agency_id")
    )
    waiting = [
        (cycle, agency)
        for cycle in cycles
        for agency in cycle.agencies.all()
        if (cycle.pk, agency.pk) not in submitted
    ]
    members = _members_by_agency(agency.pk for _, agency in waiting)
    for cycle, agency in waiting:
        due_on = cycle.self_assessment_due_on
        left = (due_on - today).days
        threshold = min(t for t in REVIEW_THRESHOLDS if t >= left)
        due = f"{due_on:%-d %B %Y}"
        when = f"in {_days(left)}" if left else "today"
        for person in members[agency.pk]:
            yield Reminder(
                recipient_id=person.pk,
                email=person.email,
                kind=Kind.SELF_ASSESSMENT_DUE,
                object_type="reviews.reviewcycle",
                object_id=f"{cycle.pk}/{agency.pk}",
                trigger=f"{_days(threshold)} before {due_on}",
                subject=f"Self-assessment due on {due}: {cycle.name}",
                body=(
                    f"{agency.name}'s self-assessment for {cycle.name} is due on {due}, {when}. "
                    "After that date it closes and can no longer be submitted.\n\nSign in to "
                    "the policy review service and open Self-assessments to rate your policy."
                ),
            )


def digest_reminders(today: date) -> Iterator[Reminder]:
    """Board admins: a weekly digest of everything overdue."""
    year, week, _ = today.isocalendar()
    reviews = list(
        Review.objects.select_related("agency", "reviewer")
        .filter(state__in=Review.EDITABLE_STATES, due_on__lt=today)
        .order_by("due_on", "agency__name")
    )
    actions = list(
        Action.objects.select_related("agency", "finding__expectation")
        .exclude(status=Action.Status.DONE)
        .filter(due_on__lt=today)
        .order_by("due_on", "agency__name")
    )
    policies = list(
        PolicyDocument.objects.select_related("agency", "current_version")
        .filter(current_version__next_review_date__lt=today)
        .order_by("current_version__next_review_date", "agency__name")
    )
    lines = [f"Overdue on {today:%-d %B %Y}.", "", f"Reviews overdue: {len(reviews)}"]
    lines += [f"- {r.agency.name}: {r.reference}, due {r.due_on}, {r.reviewer}" for r in reviews]
    lines += ["", f"Agencies' actions overdue: {len(actions)}"]
    lines += [
        f"- {a.agency.name}: {a.finding.expectation.code}, due {a.due_on}, {a.owner}"
        for a in actions
    ]
    lines += ["", f"Policies past their own review date: {len(policies)}"]
    lines += [
        f"- {d.agency.name}: {d.title}, review date {d.current_version.next_review_as_given}"
        for d in policies
    ]
    body = "\n".join(lines)
    for admin in get_user_model().objects.filter(is_board_admin=True, is_active=True):
        yield Reminder(
            recipient_id=admin.pk,
            email=admin.email,
            kind=Kind.WEEKLY_DIGEST,
            object_type="board",
            object_id="overdue",
            trigger=f"{year}-W{week:02d}",
            subject=f"Weekly digest: {len(reviews)} reviews, {len(actions)} actions and "
            f"{len(policies)} policies overdue",
            body=body,
        )


def _already_sent(reminders: list[Reminder]) -> set[tuple]:
    if not reminders:
        return set()
    existing = SentReminder.objects.filter(
        kind__in={r.kind for r in reminders},
        object_id__in={r.object_id for r in reminders},
        recipient_id__in={r.recipient_id for r in reminders},
    ).values_list("recipient_id", "kind", "object_type", "object_id", "trigger")
    return set(existing)


def reminders_record(reminders: Iterable[Reminder]) -> list[int]:
    """Insert each reminder not yet recorded and send it once the insert commits."""
    reminders = list(reminders)
    done = _already_sent(reminders)
    recorded = []
    for reminder in reminders:
        if reminder.key in done:
            continue
        try:
            with transaction.atomic():
                row = SentReminder.objects.create(
                    recipient_id=reminder.recipient_id,
                    kind=reminder.kind,
                    object_type=reminder.object_type,
                    object_id=reminder.object_id,
                    trigger=reminder.trigger,
                    subject=reminder.subject[:300],
                    body=reminder.body,
                )
                transaction.on_commit(lambda pk=row.pk: reminder_deliver(reminder_id=pk))
        except IntegrityError:
            # Another worker recorded it first: it is theirs to send.
            continue
        recorded.append(row.pk)
    return recorded


def reminder_deliver(*, reminder_id: int) -> bool:
    """Send one recorded reminder, if no one has sent it yet."""
    claimed = SentReminder.objects.filter(pk=reminder_id, sent_at__isnull=True).update(
        sent_at=timezone.now()
    )
    if not claimed:
        return False
    row = SentReminder.objects.select_related("recipient").get(pk=reminder_id)
    try:
        send_mail(
            row.subject,
            row.body,
            settings.DEFAULT_FROM_EMAIL,
            [row.recipient.email],
            fail_silently=False,
        )
    except Exception as error:
        logger.warning("Reminder %s not sent: %s", reminder_id, error)
        SentReminder.objects.filter(pk=reminder_id).update(
            sent_at=None, last_error=f"{type(error).__name__}: {error}"[:500]
        )
        return False
    return True


def reminders_retry_unsent() -> int:
    """Send again the reminders whose email failed, or whose worker stopped before sending."""
    cutoff = timezone.now() - RETRY_AFTER
    ids = SentReminder.objects.filter(sent_at__isnull=True, created_at__lt=cutoff).values_list(
        "pk", flat=True
    )
    return sum(reminder_deliver(reminder_id=pk) for pk in list(ids))


def reminders_send_due(*, today: date | None = None) -> int:
    today = today or timezone.localdate()
    sent = reminders_retry_unsent()
    for source in (
        review_reminders,
        action_reminders,
        policy_reminders,
        self_assessment_reminders,
    ):
        sent += len(reminders_record(source(today)))
    return sent


def digest_send(*, today: date | None = None) -> int:
    return len(reminders_record(digest_reminders(today or timezone.localdate())))
