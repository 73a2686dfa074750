from django.urls import path

from .views import (
    cycles,
    framework_editor,
    frameworks,
    moderation,
    replies,
    reviewing,
    self_assessments,
)

app_name = "reviews"

# A framework version, as the editor and its exports address it.
DRAFT = "frameworks/<slug:code>/<int:version>/"

urlpatterns = [
    path("frameworks/", frameworks.framework_list, name="frameworks"),
    path("frameworks/<slug:code>/<int:version>/", frameworks.framework_detail, name="framework"),
    # Board admins: write a draft version, preview, publish; import and export data files.
    path("frameworks/new/", frameworks.framework_new, name="framework_new"),
    path("frameworks/import/", frameworks.framework_import, name="framework_import"),
    path(
        "frameworks/<slug:code>/new-version/",
        frameworks.framework_version_new,
        name="framework_version_new",
    ),
    path(f"{DRAFT}preview/", frameworks.framework_preview, name="framework_preview"),
    path(f"{DRAFT}export/<str:kind>/", frameworks.framework_export, name="framework_export"),
    path(f"{DRAFT}edit/", framework_editor.framework_edit, name="framework_edit"),
    path(f"{DRAFT}publish/", framework_editor.framework_publish_confirm, name="framework_publish"),
    path(f"{DRAFT}discard/", framework_editor.framework_discard_confirm, name="framework_discard"),
    path(f"{DRAFT}sections/new/", framework_editor.section_new, name="framework_section_new"),
    path(
        f"{DRAFT}sections/<int:number>/",
        framework_editor.section_edit,
        name="framework_section",
    ),
    path(
        f"{DRAFT}sections/<int:number>/remove/",
        framework_editor.section_remove,
        name="framework_section_remove",
    ),
    path(
        f"{DRAFT}sections/<int:number>/move/",
        framework_editor.section_move,
        name="framework_section_move",
    ),
    path(
        f"{DRAFT}sections/<int:number>/expectations/new/",
        framework_editor.expectation_new,
        name="framework_expectation_new",
    ),
    path(
        f"{DRAFT}expectations/<int:pk>/",
        framework_editor.expectation_edit,
        name="framework_expectation",
    ),
    path(
        f"{DRAFT}expectations/<int:pk>/remove/",
        framework_editor.expectation_remove,
        name="framework_expectation_remove",
    ),
    path(
        f"{DRAFT}expectations/<int:pk>/move/",
        framework_editor.expectation_move,
        name="framework_expectation_move",
    ),
    # Board admins: cycles and their agencies, assignment, reassignment and withdrawal.
    path("cycles/", cycles.cycle_list, name="cycles"),
    path("cycles/new/", cycles.cycle_new, name="cycle_new"),
    path("cycles/<int:pk>/", cycles.cycle_detail, name="cycle"),
    path("cycles/<int:pk>/assign/", cycles.cycle_assign, name="cycle_assign"),
    path("cycles/<int:pk>/agencies/add/", cycles.cycle_agencies_new, name="cycle_agencies_add"),
    path("cycles/<int:pk>/settings/", cycles.cycle_settings, name="cycle_settings"),
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
    # The agency's reply to the signed-off findings: it replies on the review's page; the
    # reviewer answers and the moderator decides on amendments on the replies page.
    path(
        "reviews/<int:pk>/findings/<int:finding_pk>/reply/",
        replies.finding_reply,
        name="finding_reply",
    ),
    path("reviews/<int:pk>/reply/finished/", replies.reply_finished, name="reply_finished"),
    path("reviews/<int:pk>/replies/", replies.review_replies, name="replies"),
    path(
        "reviews/<int:pk>/replies/<int:reply_pk>/answer/",
        replies.reply_answer_view,
        name="reply_answer",
    ),
    path(
        "reviews/<int:pk>/replies/<int:reply_pk>/decide/",
        replies.reply_decide,
        name="reply_decide",
    ),
    # Agencies: their self-assessment, one step per section, check and submit; read by the
    # board and by the reviewer and moderator of the agency's review.
    path("self-assessments/", self_assessments.self_assessment_list, name="self_assessments"),
    path(
        "self-assessments/<int:pk>/",
        self_assessments.self_assessment_overview,
        name="self_assessment",
    ),
    path(
        "self-assessments/<int:pk>/section/<int:number>/",
        self_assessments.self_assessment_section,
        name="self_assessment_section",
    ),
    path(
        "self-assessments/<int:pk>/check/",
        self_assessments.self_assessment_check,
        name="self_assessment_check",
    ),
]
