from django.urls import path

from krachtvansamen.network import views

app_name = "network"

# Mounted under /buurten/ (see krachtvansamen/urls.py).
urlpatterns = [
    path("<str:cbs_code>/relaties/", views.relation_list, name="relation_list"),
    path("<str:cbs_code>/relaties/nieuw/", views.relation_create, name="relation_create"),
    path("<str:cbs_code>/relaties/<int:pk>/wijzigen/", views.relation_update, name="relation_update"),
    path("<str:cbs_code>/relaties/<int:pk>/verwijderen/", views.relation_delete, name="relation_delete"),
]
