from django.urls import path

from . import views

app_name = "reviews"

urlpatterns = [
    path("frameworks/", views.framework_list, name="frameworks"),
    path("frameworks/<slug:code>/<int:version>/", views.framework_detail, name="framework"),
]
