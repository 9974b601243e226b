from django.urls import URLPattern, path

from krachtvansamen.coding.agreement import views

urlpatterns: list[URLPattern] = [
    path("overeenstemming/", views.agreement, name="agreement"),
]
