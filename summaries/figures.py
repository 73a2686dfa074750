"""The board's figures for a cycle or a year, counted by the database.

Every read here is one aggregate query whatever the number of agencies, and the dashboard, the
workbook, the CSV and the PDF all take their numbers from here, so they agree with each other.
A review counts once its findings are final: signed off (where the agency may reply, once its
reply has closed) or its outcome issued; a withdrawn review never counts.
"""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from reviews.models import Expectation, Finding, Review, ReviewCycle

from .models import Action

COUNTED_STATES = (Review.State.SIGNED_OFF, Review.State.OUTCOME_ISSUED)
RATINGS = [
    (Finding.Rating.MET, "Met"),
    (Finding.Rating.PARTIALLY_MET, "Partially met"),
    (Finding.Rating.NOT_MET, "Not met"),
    (Finding.Rating.NOT_APPLICABLE, "Not applicable"),
]
GAP_RATINGS = (Finding.Rating.PARTIALLY_MET, Finding.Rating.NOT_MET)
# How much each gap weighs when ranking the most common gaps: a Not met is the more serious.
GAP_WEIGHTS = {Finding.Rating.NOT_MET: 2, Finding.Rating.PARTIALLY_MET: 1}
# Fewer agencies than this counted in both cycles and a change would describe one or two
# agencies rather than the board, so none is shown.
MIN_AGENCIES_TO_COMPARE = 3


def cycles_of_year(year: int) -> QuerySet[ReviewCycle]:
    return ReviewCycle.objects.select_related("framework").filter(opens_on__year=year)


def final(prefix: str = "") -> Q:
    """Reviews whose findings are final: signed off or issued, or in reply with the reply
    closed and the outcome being prepared. `prefix` reaches the review from another model."""
    return Q(**{f"{prefix}state__in": COUNTED_STATES}) | Q(
        **{f"{prefix}state": Review.State.IN_REPLY, f"{prefix}reply_closed_at__isnull": False}
    )


def counted_reviews(cycles) -> QuerySet[Review]:
    return Review.objects.filter(final(), cycle__in=cycles)


def counted_findings(cycles) -> QuerySet[Finding]:
    return Finding.objects.filter(final("review__"), review__cycle__in=cycles)


@dataclass
class Coverage:
    in_scope: int = 0
    assigned: int = 0
    not_assigned: int = 0
    not_started: int = 0
    in_progress: int = 0
    submitted: int = 0
    # Signed off and open for the agency's reply: the findings may still change, so they are
    # not counted yet. Once the reply closes the review counts as signed off.
    in_reply: int = 0
    signed_off: int = 0
    outcome_issued: int = 0
    overdue: int = 0

    @property
    def counted(self) -> int:
        return self.signed_off + self.outcome_issued

    def rows(self) -> list[tuple[str, int]]:
        return [
            ("Agencies in scope", self.in_scope),
            ("Reviews assigned", self.assigned),
            ("Not yet assigned", self.not_assigned),
            ("Assigned, not started", self.not_started),
            ("In progress (including returned)", self.in_progress),
            ("Submitted, waiting for moderation", self.submitted),
            ("Open for reply", self.in_reply),
            ("Signed off, outcome not yet issued", self.signed_off),
            ("Outcome issued", self.outcome_issued),
            ("Counted in these figures (signed off or outcome issued)", self.counted),
            ("Overdue", self.overdue),
        ]


def coverage(cycles, *, today: date | None = None) -> Coverage:
    today = today or timezone.localdate()
    cycle_ids = [c.pk for c in cycles]
    in_scope = ReviewCycle.agencies.through.objects.filter(reviewcycle_id__in=cycle_ids).count()
    State = Review.State
    live = Review.objects.filter(cycle_id__in=cycle_ids).exclude(state=State.WITHDRAWN)
    counts = live.aggregate(
        assigned=Count("pk"),
        not_started=Count("pk", filter=Q(state=State.ASSIGNED)),
        in_progress=Count("pk", filter=Q(state__in=(State.IN_PROGRESS, State.RETURNED))),
        submitted=Count("pk", filter=Q(state=State.SUBMITTED)),
        in_reply=Count("pk", filter=Q(state=State.IN_REPLY, reply_closed_at=None)),
        signed_off=Count("pk", filter=final() & ~Q(state=State.OUTCOME_ISSUED)),
        outcome_issued=Count("pk", filter=Q(state=State.OUTCOME_ISSUED)),
        overdue=Count("pk", filter=Q(state__in=Review.EDITABLE_STATES, due_on__lt=today)),
    )
    return Coverage(in_scope=in_scope, not_assigned=max(in_scope - counts["assigned"], 0), **counts)


@dataclass
class ExpectationRow:
    code: str
    text: str
    order: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def gaps(self) -> int:
        return sum(self.counts.get(r, 0) for r in GAP_RATINGS)

    @property
    def gap_score(self) -> int:
        return sum(self.counts.get(r, 0) * weight for r, weight in GAP_WEIGHTS.items())

    @property
    def not_met(self) -> int:
        return self.counts.get(Finding.Rating.NOT_MET, 0)

    @property
    def partially_met(self) -> int:
        return self.counts.get(Finding.Rating.PARTIALLY_MET, 0)

    @property
    def applicable(self) -> int:
        return self.total - self.counts.get(Finding.Rating.NOT_APPLICABLE, 0)

    @property
    def met_percent(self) -> float | None:
        if not self.applicable:
            return None
        return round(100 * self.counts.get(Finding.Rating.MET, 0) / self.applicable, 1)

    def count(self, rating: str) -> int:
        return self.counts.get(rating, 0)

    @property
    def ordered_counts(self) -> list[int]:
        return [self.count(r) for r, _ in RATINGS]


def _expectation_rows(cycles) -> dict[str, ExpectationRow]:
    """Every expectation of the scope's frameworks, by code, in the framework's order."""
    frameworks = {c.framework_id for c in cycles}
    rows: dict[str, ExpectationRow] = {}
    for expectation in Expectation.objects.filter(framework_id__in=frameworks).order_by(
        "order", "-framework__version"
    ):
        rows.setdefault(
            expectation.code,
            ExpectationRow(code=expectation.code, text=expectation.text, order=expectation.order),
        )
    return rows


def ratings_by_expectation(cycles) -> list[ExpectationRow]:
    rows = _expectation_rows(cycles)
    counts = (
        counted_findings(cycles)
        .exclude(rating="")
        .values("expectation__code", "rating")
        .annotate(n=Count("pk"))
    )
    for row in counts:
        entry = rows.get(row["expectation__code"])
        if entry is not None:
            entry.counts[row["rating"]] = row["n"]
    return sorted(rows.values(), key=lambda r: r.order)


def common_gaps(rows: list[ExpectationRow], *, limit: int = 5) -> list[ExpectationRow]:
    """Expectations ranked by severity: each Not met weighs 2 and each Partially met 1; a tie goes
    to the one with more Not met, then to the framework's order."""
    with_gaps = [r for r in rows if r.gaps]
    return sorted(with_gaps, key=lambda r: (-r.gap_score, -r.not_met, r.order))[:limit]


@dataclass
class HeatMap:
    codes: list[str]
    # (agency name, {expectation code: rating}) in agency name order.
    rows: list[tuple[str, dict[str, str]]]

    def table(self) -> list[tuple[str, list[str]]]:
        """Each agency's rating per expectation as words, in the order of `codes`."""
        labels = dict(RATINGS)
        return [
            (agency, [labels.get(ratings.get(code, ""), "No rating") for code in self.codes])
            for agency, ratings in self.rows
        ]


def heat_map(cycles) -> HeatMap:
    """Each agency's rating per expectation, from its latest counted review in the scope."""
    codes = [r.code for r in sorted(_expectation_rows(cycles).values(), key=lambda r: r.order)]
    by_agency: dict[str, dict[str, str]] = {}
    latest_review: dict[str, int] = {}
    findings = counted_findings(cycles).values_list(
        "review__agency__name", "review_id", "expectation__code", "rating"
    )
    for agency, review_id, code, rating in findings.order_by(
        "review__cycle__opens_on", "review_id"
    ):
        if latest_review.get(agency) != review_id:
            latest_review[agency] = review_id
            by_agency[agency] = {}
        by_agency[agency][code] = rating
    return HeatMap(codes=codes, rows=sorted(by_agency.items()))


def previous_cycle(cycle: ReviewCycle) -> ReviewCycle | None:
    """The last cycle of the same framework that opened before this one."""
    return (
        ReviewCycle.objects.filter(
            framework__code=cycle.framework.code, opens_on__lt=cycle.opens_on
        )
        .order_by("-opens_on", "-pk")
        .first()
    )


@dataclass
class Change:
    label: str
    before: float | None
    after: float | None

    @property
    def difference(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return round(self.after - self.before, 1)


def _met_by(cycles, key: str, agency_ids) -> dict:
    """Per value of `key`, the percentage of applicable findings rated Met, of these agencies."""
    rows = (
        counted_findings(cycles)
        .filter(review__agency_id__in=agency_ids)
        .exclude(rating="")
        .values(key)
        .annotate(
            met=Count("pk", filter=Q(rating=Finding.Rating.MET)),
            applicable=Count("pk", filter=~Q(rating=Finding.Rating.NOT_APPLICABLE)),
        )
    )
    return {
        row[key]: round(100 * row["met"] / row["applicable"], 1) if row["applicable"] else None
        for row in rows
    }


@dataclass
class Comparison:
    """Change since the previous cycle, counting only agencies counted in both."""

    agencies: int = 0
    by_expectation: list[Change] = field(default_factory=list)
    by_agency: list[Change] = field(default_factory=list)
    minimum: int = MIN_AGENCIES_TO_COMPARE

    @property
    def shown(self) -> bool:
        return self.agencies >= self.minimum


def change_since(cycles, previous) -> Comparison:
    """Per expectation and per agency: the share of applicable findings met, before and now,
    of the agencies counted in both, so that like is compared with like."""
    if not previous:
        return Comparison()
    both = set(counted_reviews(cycles).values_list("agency_id", flat=True)) & set(
        counted_reviews(previous).values_list("agency_id", flat=True)
    )
    if len(both) < MIN_AGENCIES_TO_COMPARE:
        return Comparison(agencies=len(both))
    after_e = _met_by(cycles, "expectation__code", both)
    before_e = _met_by(previous, "expectation__code", both)
    after_a = _met_by(cycles, "review__agency__name", both)
    before_a = _met_by(previous, "review__agency__name", both)
    order = {r.code: r.order for r in _expectation_rows(cycles).values()}
    by_expectation = [
        Change(label=code, before=before_e.get(code), after=after_e.get(code))
        for code in sorted(set(after_e) | set(before_e), key=lambda c: (order.get(c, 999), c))
    ]
    by_agency = [
        Change(label=name, before=before_a.get(name), after=after_a.get(name))
        for name in sorted(set(after_a) | set(before_a))
    ]
    return Comparison(agencies=len(both), by_expectation=by_expectation, by_agency=by_agency)


@dataclass
class ActionFigures:
    planned: int = 0
    in_progress: int = 0
    done: int = 0
    overdue: int = 0
    findings_needing_action: int = 0
    findings_without_action: int = 0

    @property
    def outstanding(self) -> int:
        return self.planned + self.in_progress


def action_figures(cycles, *, today: date | None = None) -> ActionFigures:
    today = today or timezone.localdate()
    Status = Action.Status
    actions = Action.objects.filter(final("review__"), review__cycle__in=cycles)
    counts = actions.aggregate(
        planned=Count("pk", filter=Q(status=Status.PLANNED)),
        in_progress=Count("pk", filter=Q(status=Status.IN_PROGRESS)),
        done=Count("pk", filter=Q(status=Status.DONE)),
        overdue=Count("pk", filter=~Q(status=Status.DONE) & Q(due_on__lt=today)),
    )
    gaps = counted_findings(cycles).filter(rating__in=GAP_RATINGS)
    counts.update(
        gaps.aggregate(
            findings_needing_action=Count("pk", distinct=True),
            findings_without_action=Count("pk", filter=Q(actions__isnull=True), distinct=True),
        )
    )
    return ActionFigures(**counts)


@dataclass
class Summary:
    title: str
    cycles: list[ReviewCycle]
    coverage: Coverage
    expectations: list[ExpectationRow]
    gaps: list[ExpectationRow]
    heat_map: HeatMap
    previous: list[ReviewCycle]
    change: Comparison
    actions: ActionFigures
    # What the scope is: "cycle" or "year", as in "change since the previous cycle".
    period: str = "cycle"

    @property
    def change_by_expectation(self) -> list[Change]:
        return self.change.by_expectation

    @property
    def change_by_agency(self) -> list[Change]:
        return self.change.by_agency


def summary_of(
    *, cycles: list[ReviewCycle], title: str, previous: list[ReviewCycle], period: str = "cycle"
) -> Summary:
    expectations = ratings_by_expectation(cycles)
    return Summary(
        title=title,
        cycles=cycles,
        coverage=coverage(cycles),
        expectations=expectations,
        gaps=common_gaps(expectations),
        heat_map=heat_map(cycles),
        previous=previous,
        change=change_since(cycles, previous),
        actions=action_figures(cycles),
        period=period,
    )


def cycle_summary(cycle: ReviewCycle) -> Summary:
    previous = previous_cycle(cycle)
    return summary_of(cycles=[cycle], title=cycle.name, previous=[previous] if previous else [])


def year_summary(year: int) -> Summary:
    cycles = list(cycles_of_year(year))
    previous = list(cycles_of_year(year - 1))
    return summary_of(
        cycles=cycles, title=f"Review cycles opened in {year}", previous=previous, period="year"
    )
