from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from accounts.views import SignInView
from people.home import home
from people.views_own import accessibility_statement, privacy_notice

urlpatterns = [
    path("", home, name="home"),
    path("sign-in/", SignInView.as_view(), name="login"),
    path("sign-out/", auth_views.LogoutView.as_view(), name="logout"),
    path("", include("accounts.urls")),
    path("policies/", include("policies.urls")),
    path("audit/", include("audit.urls")),
    path("outcomes/", include("outcomes.urls")),
    path("", include("reviews.urls")),
    path("evidence/", include("evidence.urls")),
    path("summaries/", include("summaries.urls")),
    path("people/", include("people.urls")),
    path("privacy/", privacy_notice, name="privacy"),
    path("accessibility/", accessibility_statement, name="accessibility"),
    # One way in, with the second factor: the admin's own sign-in form would skip it.
    path("admin/login/", RedirectView.as_view(pattern_name="login", query_string=True)),
    path("admin/", admin.site.urls),
]
