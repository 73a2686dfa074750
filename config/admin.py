from django.contrib import admin


class BoardAdminSite(admin.AdminSite):
    site_header = "Safeguarding Policy Review administration"
    site_title = "Policy review admin"

    def has_permission(self, request):
        user = request.user
        return user.is_active and (user.is_staff or getattr(user, "is_board_admin", False))
