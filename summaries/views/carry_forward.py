from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_POST

from audit.decorators import permission_required
from reviews.models import ReviewCycle

from ..services.carry_forward import CarryForwardRefused, reviews_carry_forward


@require_POST
@permission_required("summaries.carry_forward")
def carry_forward(request, pk: int):
    cycle = get_object_or_404(ReviewCycle, pk=pk)
    try:
        count = reviews_carry_forward(cycle=cycle, by=request.user, request=request)
    except CarryForwardRefused as refusal:
        messages.error(request, refusal.reason)
    else:
        if count:
            messages.success(
                request,
                f"{count} review{'s' if count != 1 else ''} now start from the agency's previous "
                "review, marked carried forward for the reviewer to confirm",
            )
        else:
            messages.info(
                request,
                "No review changed: only reviews not yet started, of agencies with a signed-off "
                "review in an earlier cycle, can start from it",
            )
    return redirect("summaries:dashboard", pk=cycle.pk)
