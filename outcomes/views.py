from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_ratelimit.core import get_usage

from audit.services import access_refused
from config.request_limits import retry_later_response, server_slot
from reviews.services import TransitionRefused

from .checking import outcome_check
from .forms import CheckForm
from .selectors import outcome_get_for_user
from .services import outcome_record_download, outcome_retry


@require_GET
@login_required
def outcome_status(request, pk: int):
    outcome = outcome_get_for_user(request, pk)
    # "checking" while it is being prepared: the page's poller reloads on anything else.
    status = "checking" if outcome.is_preparing else outcome.status
    return JsonResponse({"status": status, "label": outcome.get_status_display()})


@require_GET
@login_required
def outcome_download(request, pk: int):
    outcome = outcome_get_for_user(request, pk)
    if not outcome.is_ready:
        raise Http404("The outcome is not ready yet.")
    outcome_record_download(outcome=outcome, request=request)
    response = FileResponse(
        outcome.file.open("rb"),
        as_attachment=True,
        filename=outcome.download_name,
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_POST
@login_required
def outcome_retry_view(request, pk: int):
    outcome = outcome_get_for_user(request, pk)
    review = outcome.review
    if not request.user.is_board_admin:
        raise access_refused(
            request,
            obj=review,
            agency=review.agency,
            reason="only a board admin prepares an outcome again",
        )
    try:
        outcome_retry(review=review, by=request.user, request=request)
    except TransitionRefused as refusal:
        messages.error(request, refusal.reason)
    else:
        messages.success(request, "The outcome is being prepared again.")
    return redirect(review.get_absolute_url())


@require_http_methods(["GET", "POST"])
def outcome_check_view(request):
    """Open to anyone: is this PDF a genuine, unaltered outcome of this board?

    Each check starts a parser child, so an address may make only a few a minute, and only a few
    run at once on the server.
    """
    result = None
    if request.method == "POST":
        usage = get_usage(
            request,
            group="outcomes:check",
            key="ip",
            rate=settings.OUTCOME_CHECK_RATE,
            method="POST",
            increment=True,
        )
        if usage is not None and usage["should_limit"]:
            return retry_later_response(request, "429.html", status=429, seconds=usage["time_left"])
        form = CheckForm(request.POST, request.FILES)
        if form.is_valid():
            uploaded = form.cleaned_data["file"]
            with server_slot(
                "outcome-check",
                slots=settings.OUTCOME_CHECK_CONCURRENCY,
                expiry_seconds=settings.OUTCOME_CHECK_TIMEOUT_SECONDS + 30,
            ) as free:
                if not free:
                    return retry_later_response(request, "503.html", status=503, seconds=60)
                result = outcome_check(data=uploaded.read())
            form = CheckForm()
    else:
        form = CheckForm()
    status = 400 if form.errors else 200
    return render(request, "outcomes/check.html", {"form": form, "result": result}, status=status)
