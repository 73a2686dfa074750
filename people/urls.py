from django.urls import path

from . import views, views_own

app_name = "people"

urlpatterns = [
    # Board admins: people, their roles and memberships, and agencies.
    path("", views.person_list, name="list"),
    path("invite/", views.person_invite, name="invite"),
    path("<int:pk>/", views.person_detail, name="person"),
    path("<int:pk>/details/", views.person_edit, name="person_edit"),
    path("<int:pk>/roles/", views.person_roles, name="roles"),
    path("<int:pk>/memberships/add/", views.membership_add, name="membership_add"),
    path(
        "<int:pk>/memberships/<int:membership_pk>/end/",
        views.membership_end,
        name="membership_end",
    ),
    path("<int:pk>/deactivate/", views.person_deactivate, name="deactivate"),
    path("<int:pk>/reactivate/", views.person_reactivate, name="reactivate"),
    path("<int:pk>/invitation/", views.invitation_resend, name="invitation_resend"),
    path("agencies/", views.agency_list, name="agencies"),
    path("agencies/new/", views.agency_new, name="agency_new"),
    path("agencies/<int:pk>/", views.agency_edit, name="agency_edit"),
    # Everyone: their own account.
    path("account/", views_own.account, name="account"),
    path("account/sign-out-everywhere/", views_own.sign_out_everywhere, name="sign_out_everywhere"),
    # Invited people, before they can sign in.
    path("invitation/<str:token>/", views_own.invitation_accept, name="invitation_accept"),
]
