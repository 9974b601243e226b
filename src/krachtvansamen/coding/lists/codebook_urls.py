"""/codeboek/: the codebook page, a coding view because it shows (and adds) the programmes' own codes.
Included without a namespace, so the page keeps its name ``codebook``."""

from django.urls import URLPattern, path

from krachtvansamen.coding.lists import views

urlpatterns: list[URLPattern] = [path("", views.codebook_page, name="codebook")]
