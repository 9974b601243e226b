from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy

from krachtvansamen.api.api import api
from krachtvansamen.core import views as core_views
from krachtvansamen.web import stories as web_stories
from krachtvansamen.web import views as web_views

admin.site.site_header = gettext_lazy("Kracht van Samen — administration")
admin.site.site_title = "Kracht van Samen"
admin.site.index_title = gettext_lazy("Administration")

urlpatterns = [
    path("", web_views.start, name="start"),
    path("inloggen/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("uitloggen/", auth_views.LogoutView.as_view(), name="logout"),
    path("wachtwoord/wijzigen/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("wachtwoord/gewijzigd/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("wachtwoord/vergeten/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("wachtwoord/verstuurd/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path(
        "wachtwoord/nieuw/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "wachtwoord/opgeslagen/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("", include("krachtvansamen.people.urls")),
    path("buurten/<str:cbs_code>/", web_views.neighbourhood_detail, name="neighbourhood"),
    path("buurten/<str:cbs_code>/verhaal/", web_stories.story_add, name="story_add"),
    path("buurten/", include("krachtvansamen.assets.urls")),
    path("buurten/", include("krachtvansamen.network.urls")),
    path("codeboek/", include("krachtvansamen.coding.lists.codebook_urls")),
    path("coderen/", include("krachtvansamen.coding.urls")),
    path("instrumenten/", include("krachtvansamen.instruments.urls")),
    path("plein/", include("krachtvansamen.effectenplein.urls")),
    path("documenten/", include("krachtvansamen.documents.urls")),
    path("rapporten/", include("krachtvansamen.reports.urls")),
    path("veldwerk/", include("krachtvansamen.fieldwork.urls")),
    path("taken/", include("krachtvansamen.jobs.urls")),
    path("", include("krachtvansamen.web.residents.urls")),
    path("gezond/", core_views.health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("beheer/", admin.site.urls),
    path("api/", api.urls),
]

handler403 = "krachtvansamen.core.views.permission_denied"
