from django.urls import path

from krachtvansamen.people import invitation_views

# Mounted at the root (see krachtvansamen/urls.py).
urlpatterns = [
    path("uitnodigingen/", invitation_views.invitation_list, name="invitations"),
    path("uitnodigingen/<int:pk>/intrekken/", invitation_views.invitation_revoke, name="invitation_revoke"),
    path("uitnodiging/<str:token>/", invitation_views.invitation_accept, name="invitation_accept"),
]
