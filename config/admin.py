from functools import wraps

from django.contrib import admin

from audit.services import access_refused


class BoardAdminSite(admin.AdminSite):
    """The service's technical tool, for superusers only: board admins manage people, roles,
    memberships and agencies in the app's own pages. Anyone else signed in who reaches it is
    refused with the 403 page (not sent to sign in again, which would send them straight back),
    and that is recorded."""

    site_header = "Safeguarding Policy Review administration"
    site_title = "Policy review admin"

    def has_permission(self, request):
        user = request.user
        return user.is_active and user.is_superuser

    def admin_view(self, view, cacheable=False):
        checked = super().admin_view(view, cacheable)

        @wraps(checked)
        def recorded(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                raise access_refused(request, reason="the Django admin is for superusers only")
            return checked(request, *args, **kwargs)

        return recorded
