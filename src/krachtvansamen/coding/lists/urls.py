"""The lists under /coderen/: all fragments with a code (and their downloads) and the palet."""

from django.urls import URLPattern, path

from krachtvansamen.coding.lists import views

urlpatterns: list[URLPattern] = [
    path("codes/<str:key>/", views.code_fragments, name="code_fragments"),
    path("palet/", views.palet, name="palet"),
]
