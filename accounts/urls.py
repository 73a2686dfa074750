from django.urls import path

from . import views
from .oidc import OrganisationCallbackView, OrganisationSignInView

urlpatterns = [
    path("sign-in/code/", views.second_factor_code, name="second_factor_code"),
    path("account/second-factor/", views.second_factor, name="second_factor"),
    path("account/second-factor/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path(
        "account/second-factor/reset/<int:user_id>/",
        views.second_factor_reset,
        name="second_factor_reset",
    ),
    path("oidc/authenticate/", OrganisationSignInView.as_view(), name="oidc_authentication_init"),
    path("oidc/callback/", OrganisationCallbackView.as_view(), name="oidc_authentication_callback"),
]
