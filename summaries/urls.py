from django.urls import path

from .views import actions

app_name = "summaries"

urlpatterns = [
    # Agency members: their action plan; board admins: every action.
    path("actions/", actions.action_plan, name="actions"),
    path("actions/all/", actions.actions_board, name="actions_board"),
    path("actions/reviews/<int:pk>/", actions.review_actions, name="review_actions"),
    path("actions/findings/<int:finding_pk>/new/", actions.action_new, name="action_new"),
    path("actions/<int:pk>/", actions.action_detail, name="action"),
]
