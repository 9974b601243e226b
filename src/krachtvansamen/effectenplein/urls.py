"""Mounted at /plein/. Short Dutch addresses: a participant may have to type one from the projector."""

from django.urls import path, register_converter

from krachtvansamen.effectenplein import views


class JoinCodeConverter:
    """Six letters and digits, any case (the view redirects lower case to the one upper-case address)."""

    regex = "[A-Za-z0-9]{6}"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(JoinCodeConverter, "plein_code")

app_name = "effectenplein"

urlpatterns = [
    path("", views.join, name="join"),
    path("bijeenkomst/nieuw/<str:cbs_code>/", views.meeting_new, name="new"),
    path("bijeenkomst/<int:pk>/", views.facilitate, name="facilitate"),
    path("bijeenkomst/<int:pk>/scherm/", views.projector, name="projector"),
    path("bijeenkomst/<int:pk>/scherm/bord/", views.board, name="board"),
    path("bijeenkomst/<int:pk>/stemronde/", views.start_voting, name="start_voting"),
    path("bijeenkomst/<int:pk>/afsluiten/", views.close, name="close"),
    path("bijeenkomst/<int:pk>/verhalen/", views.moderate, name="moderate"),
    path("bijeenkomst/<int:pk>/deelnemers/", views.set_max_participants, name="max_participants"),
    path("<plein_code:code>/", views.meeting_page, name="meeting"),
    path("<plein_code:code>/verhaal/", views.story_new, name="story"),
    path("<plein_code:code>/herken/", views.recognise, name="recognise"),
    path("<plein_code:code>/kiezen/", views.vote, name="vote"),
    path("<plein_code:code>/fase/", views.phase, name="phase"),
    path("<plein_code:code>/mijn-code/", views.personal_code, name="personal_code"),
]
