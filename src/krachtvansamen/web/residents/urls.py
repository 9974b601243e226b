from django.urls import URLPattern, path

from krachtvansamen.web.residents import views

urlpatterns: list[URLPattern] = [
    path("mijn-gegevens/", views.code_page, name="resident_code"),
    path("mijn-gegevens/overzicht/", views.overview, name="resident_overview"),
    path("mijn-gegevens/wijzigen/", views.change, name="resident_change"),
    path("mijn-gegevens/verwijderen/", views.erase, name="resident_erase"),
    path("mijn-gegevens/klaar/", views.done, name="resident_done"),
]
