from django.urls import path

from .views import actions, carry_forward, comparison, dashboard, exports, reminders

app_name = "summaries"

urlpatterns = [
    # Agency members: their action plan; board admins: every action.
    path("actions/", actions.action_plan, name="actions"),
    path("actions/all/", actions.actions_board, name="actions_board"),
    path("actions/reviews/<int:pk>/", actions.review_actions, name="review_actions"),
    path("actions/findings/<int:finding_pk>/new/", actions.action_new, name="action_new"),
    path("actions/<int:pk>/", actions.action_detail, name="action"),
    path("comparison/", comparison.comparison_latest, name="comparison_latest"),
    path("comparison/<int:pk>/", comparison.comparison, name="comparison"),
    # Board admins: the dashboard per cycle.
    path("dashboard/", dashboard.dashboard_index, name="dashboard_index"),
    path("dashboard/cycles/<int:pk>/", dashboard.dashboard, name="dashboard"),
    path(
        "dashboard/cycles/<int:pk>/carry-forward/",
        carry_forward.carry_forward,
        name="carry_forward",
    ),
    # Board admins: exports built in the background.
    path("exports/", exports.export_list, name="exports"),
    # Everyone: the reminders emailed to them.
    path("messages/", reminders.messages_sent, name="messages"),
    path("exports/<int:pk>/", exports.export_detail, name="export"),
    path("exports/<int:pk>/status/", exports.export_status, name="export_status"),
    path("exports/<int:pk>/download/", exports.export_download, name="export_download"),
]
