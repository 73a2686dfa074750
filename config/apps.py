from django.contrib.admin.apps import AdminConfig


class BoardAdminConfig(AdminConfig):
    default_site = "config.admin.BoardAdminSite"
