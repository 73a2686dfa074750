from django.urls import path

from .views import cycles, frameworks, moderation, reviewing

app_name = "reviews"

urlpatterns = [
    path("frameworks/", frameworks.framework_list, name="frameworks"),
    path("frameworks/<slug:code>/<int:version>/", frameworks.framework_detail, name="framework"),
    # Board admins: cycles and their agencies, assignment, reassignment and withdrawal.
    path("cycles/", cycles.cycle_list, name="cycles"),
    path("cycles/new/", cycles.cycle_new, name="cycle_new"),
    path("cycles/<int:pk>/", cycles.cycle_detail, name="cycle"),
    path("cycles/<int:pk>/assign/", cycles.cycle_assign, name="cycle_assign"),
    path("cycles/<int:pk>/agencies/add/", cycles.cycle_agencies_new, name="cycle_agencies_add"),
    path(
        "cycles/<int:pk>/agencies/<int:agency_pk>/remove/",
        cycles.cycle_agency_remove_confirm,
        name="cycle_agency_remove",
    ),
    path("reviews/<int:pk>/manage/", cycles.review_manage, name="review_manage"),
    # Reviewers: their reviews, the task list, one step per section, outcome, check, submit.
    path("reviews/", reviewing.review_list, name="reviews"),
    path("reviews/<int:pk>/", reviewing.review_overview, name="review"),
    path("reviews/<int:pk>/section/<int:number>/", reviewing.review_section, name="section"),
    path("reviews/<int:pk>/outcome/", reviewing.review_outcome, name="outcome"),
    path("reviews/<int:pk>/check/", reviewing.review_check, name="check"),
    # Moderators: read a submitted review on one page; sign it off or return it.
    path("reviews/<int:pk>/moderate/", moderation.review_moderate, name="moderate"),
]
