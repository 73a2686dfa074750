"""Each person's home page: their agencies' policies, the reviews waiting for them and, for board
admins, the board's figures. It sits here, above the apps it draws on, so none of them need to
know about the others."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from policies import selectors
from policies.models import PolicyVersion
from policies.rules import member_agency_ids
from reviews.models import Review


@login_required
def home(request):
    user = request.user
    context = {
        "member_agencies": selectors.agencies_for_user(user).filter(pk__in=member_agency_ids(user))
    }
    if member_agency_ids(user):
        context["agency_documents"] = selectors.document_list(user=user).filter(
            agency_id__in=member_agency_ids(user)
        )[:20]
    if user.is_reviewer or user.is_moderator:
        context["review_counts"] = {
            "to_do": Review.objects.filter(reviewer=user, state__in=Review.EDITABLE_STATES).count(),
            "to_moderate": Review.objects.filter(
                moderator=user, state=Review.State.SUBMITTED
            ).count(),
        }
    if user.is_board_admin:
        documents = selectors.documents_for_user(user)
        context["board"] = {
            "agencies": selectors.agencies_for_user(user).filter(is_active=True).count(),
            "policies": documents.count(),
            "checking": PolicyVersion.objects.filter(status=PolicyVersion.Status.CHECKING).count(),
            "past_review": selectors.documents_past_review(user=user).count(),
        }
    return render(request, "home.html", context)
