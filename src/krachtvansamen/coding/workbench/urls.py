"""The workbench under /coderen/: the queue, a fragment, coding writes, disagreements, memos on a code."""

from django.urls import URLPattern, path

from krachtvansamen.coding.workbench import settling, views

urlpatterns: list[URLPattern] = [
    path("", views.queue, name="queue"),
    path("blind/", views.blind_switch, name="blind"),
    path("fragment/<int:pk>/", views.fragment_page, name="fragment"),
    path("fragment/<int:pk>/coderen/", views.coding_new, name="coding_add"),
    path("fragment/<int:pk>/voorstel/", views.suggestion_answer, name="suggestion"),
    path("fragment/<int:pk>/codering/<int:coding_pk>/weg/", views.coding_delete, name="coding_remove"),
    path("fragment/<int:pk>/klaar/", views.fragment_done, name="done"),
    path("fragment/<int:pk>/memo/", views.fragment_memo, name="fragment_memo"),
    path("fragment/<int:pk>/bijzonder/", views.fragment_special, name="special"),
    path("fragment/<int:pk>/volgende/", views.fragment_next, name="next"),
    path("fragment/<int:pk>/vorige/", views.fragment_previous, name="previous"),
    path("fragment/<int:pk>/beslissen/", settling.settle, name="settle"),
    path("verschillen/", settling.disputes, name="disputes"),
    path("code/<str:key>/memo/", settling.code_memos, name="code_memos"),
]
