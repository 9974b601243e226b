from django.urls import path

from krachtvansamen.reports import views

app_name = "reports"

# Mounted at /rapporten/ (see krachtvansamen/urls.py).
urlpatterns = [
    path("buurtbeeld/<str:cbs_code>/", views.buurtbeeld_latest, name="buurtbeeld_latest"),
    path("buurtbeeld/<str:cbs_code>/<int:year>/", views.buurtbeeld, name="buurtbeeld"),
    path("buurtbeeld/<str:cbs_code>/<int:year>/pdf/", views.buurtbeeld_pdf, name="buurtbeeld_pdf"),
    path("financiersrapport/<str:cbs_code>/", views.financier_latest, name="financier_latest"),
    path("financiersrapport/<str:cbs_code>/<int:year>/", views.financier, name="financier"),
    path("financiersrapport/<str:cbs_code>/<int:year>/pdf/", views.financier_pdf, name="financier_pdf"),
    path("portfolio/", views.portfolio_latest, name="portfolio_latest"),
    path("portfolio/<int:year>/", views.portfolio, name="portfolio"),
    path("portfolio/<int:year>/pdf/", views.portfolio_pdf, name="portfolio_pdf"),
    path("programmasynthese/<slug:slug>/", views.synthese_latest, name="synthese_latest"),
    path("programmasynthese/<slug:slug>/<int:year>/", views.synthese, name="synthese"),
    path("programmasynthese/<slug:slug>/<int:year>/pdf/", views.synthese_pdf, name="synthese_pdf"),
    path("bewijs/programma/<slug:slug>/<int:year>/", views.programme_evidence, name="programme_evidence"),
    path("bewijs/<str:cbs_code>/<int:year>/", views.evidence, name="evidence"),
]
