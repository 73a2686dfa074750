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
        code: (text, labels.get(rating, "Not rated"))
        for code, text, rating in review.findings.order_by("expectation__order").values_list(
            "expectation__code", "expectation__text", "rating"
        )
    }
    rows = [
        {
            "code": row.code,
            "text": row.text,
            "own": own[row.code][1] if row.code in own else "Not rated",
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
            "own": [
                {"code": code, "text": text, "own": label} for code, (text, label) in own.items()
            ],
            "ratings": figures.RATINGS,
            "chart": charts.ratings_chart(board, prefix="board") if shown else "",
        },
    )
