"""Agencies' own ratings against the board's, per expectation and per agency: where an agency
rated itself higher than the board found is what a board looks for first.

Counted as the board's figures are (`figures.counted_findings`: signed off or outcome issued),
and only where the agency submitted a self-assessment. One query whatever the scope; the
dashboard and the exports both take their numbers from here.
"""

from dataclasses import dataclass, field

from django.db.models import OuterRef, QuerySet, Subquery

from reviews.models import Finding, SelfAssessment, SelfRating

from .figures import counted_findings

Rating = Finding.Rating
# Higher is better; Not applicable is not on the scale, so a pair with it is not compared.
SCALE = {Rating.NOT_MET: 0, Rating.PARTIALLY_MET: 1, Rating.MET: 2}
LABELS = dict(Rating.choices)


def with_self_ratings(findings: QuerySet[Finding]) -> QuerySet[Finding]:
    """The findings with the agency's own submitted rating of the same expectation in the same
    cycle, and its quote and page, as `self_rating`, `self_quote` and `self_page`."""
    own = SelfRating.objects.filter(
        assessment__cycle_id=OuterRef("review__cycle_id"),
        assessment__agency_id=OuterRef("review__agency_id"),
        assessment__state=SelfAssessment.State.SUBMITTED,
        expectation_id=OuterRef("expectation_id"),
    )
    return findings.annotate(
        self_rating=Subquery(own.values("rating")[:1]),
        self_quote=Subquery(own.values("evidence_quote")[:1]),
        self_page=Subquery(own.values("evidence_page")[:1]),
    )


@dataclass
class Tally:
    """How an agency's own ratings compare with the board's, over some findings."""

    compared: int = 0
    same: int = 0
    higher: int = 0
    lower: int = 0
    challenged: int = 0

    def add(self, *, board: str, own: str, view: str) -> int:
        """Count one pair; gives back how far the agency rated itself above the board."""
        self.challenged += view == Finding.SelfAssessmentView.CHALLENGE
        if board not in SCALE or own not in SCALE:
            return 0
        self.compared += 1
        difference = SCALE[own] - SCALE[board]
        self.same += difference == 0
        self.higher += difference > 0
        self.lower += difference < 0
        return difference


@dataclass
class ExpectationTally(Tally):
    code: str = ""
    text: str = ""
    order: int = 0


@dataclass
class Overrating:
    code: str
    own: str
    board: str


@dataclass
class AgencyTally(Tally):
    agency: str = ""
    # The expectations where the agency rated itself higher than the board, in framework order.
    overrated: list[Overrating] = field(default_factory=list)


@dataclass
class SelfAssessmentComparison:
    by_expectation: list[ExpectationTally]
    by_agency: list[AgencyTally]

    @property
    def shown(self) -> bool:
        return bool(self.by_agency)

    @property
    def higher(self) -> int:
        return sum(agency.higher for agency in self.by_agency)


def self_assessment_comparison(cycles) -> SelfAssessmentComparison:
    rows = (
        with_self_ratings(counted_findings(cycles))
        .filter(self_rating__isnull=False)
        .exclude(rating="")
        .order_by("review__agency__name", "expectation__order")
        .values_list(
            "review__agency__name",
            "expectation__code",
            "expectation__text",
            "expectation__order",
            "rating",
            "self_rating",
            "self_assessment_view",
        )
    )
    by_expectation: dict[str, ExpectationTally] = {}
    by_agency: dict[str, AgencyTally] = {}
    for agency, code, text, order, board, own, view in rows:
        expectation = by_expectation.setdefault(
            code, ExpectationTally(code=code, text=text, order=order)
        )
        expectation.add(board=board, own=own, view=view)
        tally = by_agency.setdefault(agency, AgencyTally(agency=agency))
        if tally.add(board=board, own=own, view=view) > 0:
            tally.overrated.append(Overrating(code=code, own=LABELS[own], board=LABELS[board]))
    return SelfAssessmentComparison(
        by_expectation=sorted(by_expectation.values(), key=lambda row: row.order),
        by_agency=list(by_agency.values()),
    )
