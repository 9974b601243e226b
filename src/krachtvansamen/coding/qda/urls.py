from django.urls import URLPattern, path

from krachtvansamen.coding.qda import views

urlpatterns: list[URLPattern] = [
    path("uitwisselen/", views.qda_page, name="qda"),
    path("uitwisselen/codeboek.qdc", views.qda_codebook, name="qda_qdc"),
    path("uitwisselen/project.qdpx", views.qda_project, name="qda_qdpx"),
]
