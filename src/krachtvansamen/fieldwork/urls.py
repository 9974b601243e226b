from django.urls import path

from krachtvansamen.fieldwork import views

app_name = "fieldwork"

# Mounted under /veldwerk/ (see krachtvansamen/urls.py).
urlpatterns = [
    path("", views.overview, name="overview"),
    path("<slug:slug>/<int:year>/", views.progress, name="progress"),
    path("<slug:slug>/<int:year>/maken/", views.plan_create, name="create"),
    path("<slug:slug>/<int:year>/bewerken/", views.plan_edit, name="edit"),
]
