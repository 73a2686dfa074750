from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from accounts.views import SignInView, home

urlpatterns = [
    path("", home, name="home"),
    path("sign-in/", SignInView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("policies/", include("policies.urls")),
    path("audit/", include("audit.urls")),
    path("outcomes/", include("outcomes.urls")),
    path("", include("reviews.urls")),
    path("summaries/", include("summaries.urls")),
    path("admin/", admin.site.urls),
]
