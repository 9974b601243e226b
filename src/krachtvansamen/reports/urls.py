from django.urls import path

from krachtvansamen.reports import publication_views as pv
from krachtvansamen.reports import views

app_name = "reports"
BUURTBEELD = "buurtbeeld/<str:cbs_code>/<int:year>"
VERSION = f"{BUURTBEELD}/versie/<int:number>"

# Mounted at /rapporten/ (see krachtvansamen/urls.py).
urlpatterns = [
    path("buurtbeeld/<str:cbs_code>/", views.buurtbeeld_latest, name="buurtbeeld_latest"),
    path("buurtbeeld/<str:cbs_code>/<int:year>/", views.buurtbeeld, name="buurtbeeld"),
    path("buurtbeeld/<str:cbs_code>/<int:year>/pdf/", views.buurtbeeld_pdf, name="buurtbeeld_pdf"),
    # A Buurtbeeld's way out: draft → checked with residents → published (reports.publication).
    path(f"{BUURTBEELD}/versies/", pv.version_start, name="buurtbeeld_version_start"),
    path(f"{VERSION}/", pv.version_page, name="buurtbeeld_version"),
    path(f"{VERSION}/pdf/", pv.version_pdf, name="buurtbeeld_version_pdf"),
    path(f"{VERSION}/opmerking/", pv.comment_add, name="buurtbeeld_comment_add"),
    path(
        f"{VERSION}/opmerking/<int:pk>/verbeterd/", pv.comment_corrected, name="buurtbeeld_comment_corrected"
    ),
    path(f"{VERSION}/nagekeken/", pv.version_check, name="buurtbeeld_version_check"),
    path(f"{VERSION}/publiceren/", pv.version_publish, name="buurtbeeld_version_publish"),
    path("financiersrapport/<str:cbs_code>/", views.financier_latest, name="financier_latest"),
    path("financiersrapport/<str:cbs_code>/<int:year>/", views.financier, name="financier"),
    path("financiersrapport/<str:cbs_code>/<int:year>/pdf/", views.financier_pdf, name="financier_pdf"),
    path("portfolio/", views.portfolio_latest, name="portfolio_latest"),
    path("portfolio/<int:year>/", views.portfolio, name="portfolio"),
    path("portfolio/<int:year>/pdf/", views.portfolio_pdf, name="portfolio_pdf"),
    path("beleidssignalen/<str:code>/", views.beleidssignalen_latest, name="beleidssignalen_latest"),
    path("beleidssignalen/<str:code>/<int:year>/", views.beleidssignalen, name="beleidssignalen"),
    path("beleidssignalen/<str:code>/<int:year>/pdf/", views.beleidssignalen_pdf, name="beleidssignalen_pdf"),
    path("programmasynthese/<slug:slug>/", views.synthese_latest, name="synthese_latest"),
    path("programmasynthese/<slug:slug>/<int:year>/", views.synthese, name="synthese"),
    path("programmasynthese/<slug:slug>/<int:year>/pdf/", views.synthese_pdf, name="synthese_pdf"),
    path("bewijs/programma/<slug:slug>/<int:year>/", views.programme_evidence, name="programme_evidence"),
    path("bewijs/<str:cbs_code>/<int:year>/", views.evidence, name="evidence"),
]
