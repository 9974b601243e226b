from django.urls import URLPattern, path
from django.views.generic import TemplateView

# Placeholder until the workbench lands: the menu links to coding:queue.
urlpatterns: list[URLPattern] = [
    path("", TemplateView.as_view(template_name="coding/workbench/queue.html"), name="queue"),
]
