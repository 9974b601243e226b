from django.urls import path

from krachtvansamen.documents import views

app_name = "documents"

# Mounted under /documenten/ (see krachtvansamen/urls.py).
urlpatterns = [
    path("<str:cbs_code>/", views.document_list, name="list"),
    path("<str:cbs_code>/nieuw/", views.document_upload, name="upload"),
    path("<str:cbs_code>/nieuw/<str:token>/", views.document_preview, name="preview"),
    path("<str:cbs_code>/<int:pk>/", views.document_detail, name="detail"),
    path("<str:cbs_code>/<int:pk>/verwijderen/", views.document_delete, name="delete"),
]
