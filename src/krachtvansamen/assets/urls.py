from django.urls import path

from krachtvansamen.assets import views

app_name = "assets"

# Mounted under /buurten/ (see krachtvansamen/urls.py).
urlpatterns = [
    path("<str:cbs_code>/krachten/nieuw/", views.asset_create, name="asset_create"),
    path("<str:cbs_code>/krachten/<int:pk>/wijzigen/", views.asset_update, name="asset_update"),
    path("<str:cbs_code>/krachten/<int:pk>/verwijderen/", views.asset_delete, name="asset_delete"),
    path("<str:cbs_code>/activiteiten/nieuw/", views.activity_create, name="activity_create"),
    path("<str:cbs_code>/activiteiten/<int:pk>/wijzigen/", views.activity_update, name="activity_update"),
    path("<str:cbs_code>/activiteiten/<int:pk>/verwijderen/", views.activity_delete, name="activity_delete"),
]
