from django.urls import path

from . import views

app_name = "outcomes"

urlpatterns = [
    # Anyone, signed in or not: is this PDF a genuine outcome of the board?
    path("check/", views.outcome_check_view, name="check"),
    # The outcome of a review, for those who may see the review.
    path("<int:pk>/status/", views.outcome_status, name="status"),
    path("<int:pk>/download/", views.outcome_download, name="download"),
    path("<int:pk>/retry/", views.outcome_retry_view, name="retry"),
]
