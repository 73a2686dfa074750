"""An agency's own results beside the board-wide picture, which never names or singles out
another agency."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from audit.services import access_refused

from .. import charts, figures, selectors

# Below this many counted agencies, board-wide figures could reveal one agency's ratings.
MIN_AGENCIES = 5


@login_required
def comparison_latest(request):
    review = selectors.agency_reviews_for_actions(user=request.user).first()
    if review is None:
        raise access_refused(
            request,
            reason="no signed-off review of the person's agencies",
        )
    return redirect("summaries:comparison", pk=review.pk)


@login_required
def comparison(request, pk: int):
    review = selectors.agency_review_get(request, pk)
    counted = figures.counted_reviews([review.cycle]).count()
    shown = counted >= MIN_AGENCIES
    board = figures.ratings_by_expectation([review.cycle]) if shown else []
    labels = dict(figures.RATINGS)
    own = {
        code: labels.get(rating, "Not rated")
        for code, rating in review.findings.values_list("expectation__code", "rating")
    }
    rows = [
        {
            "code": row.code,
            "own": own.get(row.code, "Not rated"),
            "shares": [
                round(100 * row.count(rating) / row.total) if row.total else 0
                for rating, _ in figures.RATINGS
            ],
        }
        for row in board
    ]
    return render(
        request,
        "summaries/comparison.html",
        {
            "review": review,
            "reviews": selectors.agency_reviews_for_actions(user=request.user),
            "shown": shown,
            "counted": counted,
            "minimum": MIN_AGENCIES,
            "rows": rows,
            "own": sorted(own.items(), key=lambda item: [int(p) for p in item[0].split(".")]),
            "ratings": figures.RATINGS,
            "chart": charts.ratings_chart(board, prefix="board") if shown else "",
        },
    )
