from django.urls import path

from . import views

app_name = "policies"

urlpatterns = [
    path("", views.policy_list, name="list"),
    path("new/", views.policy_new, name="new"),
    path("past-review-date/", views.policies_past_review, name="past_review"),
    path("<int:pk>/", views.document_detail, name="document"),
    path("<int:pk>/versions/new/", views.version_new, name="version_new"),
    path("<int:pk>/versions/<int:number>/", views.version_detail, name="version"),
    path("<int:pk>/versions/<int:number>/status/", views.version_status, name="version_status"),
    path("<int:pk>/versions/<int:number>/download/", views.version_download, name="download"),
]
