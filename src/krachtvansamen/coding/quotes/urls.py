"""Quote review under /coderen/citaten/."""

from django.urls import URLPattern, path

from krachtvansamen.coding.quotes import views

urlpatterns: list[URLPattern] = [
    path("citaten/", views.review_list, name="quotes"),
    path("citaten/<int:pk>/", views.review_decide, name="quote_decide"),
]
