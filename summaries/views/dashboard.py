"""The board's dashboard per review cycle: figures counted by the database, charts and tables."""

from django.shortcuts import get_object_or_404, render

from audit.decorators import permission_required
from reviews.models import ReviewCycle
from reviews.selectors import cycles_for_admin

from .. import charts, figures
from ..self_assessment_figures import self_assessment_comparison

VIEW = "summaries.view_dashboard"


@permission_required(VIEW)
def dashboard_index(request):
    return render(
        request,
        "summaries/dashboard/index.html",
        {"cycles": cycles_for_admin().order_by("-opens_on")},
    )


@permission_required(VIEW)
def dashboard(request, pk: int):
    cycle = get_object_or_404(ReviewCycle.objects.select_related("framework"), pk=pk)
    summary = figures.cycle_summary(cycle)
    return render(
        request,
        "summaries/dashboard/cycle.html",
        {
            "cycle": cycle,
            "summary": summary,
            "ratings": figures.RATINGS,
            "ratings_chart": charts.ratings_chart(summary.expectations),
            "heat_map_chart": charts.heat_map_chart(summary.heat_map),
            "short": charts.SHORT,
            "self_assessment": self_assessment_comparison([cycle]),
        },
    )
