"""Django's admin with this service's site (`oversight.admin_base.AdminSite`).

Kept apart from `admin_base`, which imports models: app configs are imported before models are.
"""

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """`django.contrib.admin`, with the site that guards every changelist against bad filters."""

    default_site = "oversight.admin_base.AdminSite"
