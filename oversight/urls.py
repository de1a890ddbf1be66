from django.contrib import admin
from django.urls import include, path

from oversight import views

admin.site.site_header = "National Oversight Group: secretariat"
admin.site.site_title = "National Oversight Group admin"
admin.site.index_title = "Records"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("admin/", admin.site.urls),
    path("updates/", include("reports.urls")),
    path("recommendations/", include("recommendations.urls")),
    # Browsers ask for /favicon.ico on pages that name none, such as the admin's.
    path("favicon.ico", views.favicon),
]
