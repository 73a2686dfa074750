from django.urls import path

from . import views

app_name = "evidence"

urlpatterns = [
    path(
        "reviews/<int:pk>/suggestions/not-relevant/",
        views.suggestion_not_relevant,
        name="not_relevant",
    ),
]
