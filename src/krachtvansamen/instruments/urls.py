from django.urls import path

from krachtvansamen.instruments import training_views, views

app_name = "instruments"

urlpatterns = [
    path("", views.instruments_home, name="home"),
    path("formulier-importeren/", views.form_import, name="form_import"),
    path("antwoorden/<int:pk>/", views.submission_detail, name="submission"),
    path("antwoorden/<int:pk>/persoonlijke-code/", views.personal_code_new, name="personal_code"),
    path("praatplaat/<str:cbs_code>/", views.praatplaat, name="praatplaat"),
    # Before the form addresses below, which would take "uitleg" for a form's key.
    path("uitleg/", training_views.training_index, name="training_index"),
    path("uitleg/<slug:instrument>/", training_views.training_page, name="training"),
    path("uitleg/<slug:instrument>/oefenen/", training_views.practice, name="practice"),
    path("<slug:key>/xlsform/", views.xlsform_download, name="xlsform"),
    path("<slug:key>/<str:cbs_code>/", views.form_fill, name="fill"),
    path("<slug:key>/<str:cbs_code>/importeren/", views.answers_import_page, name="import_answers"),
]
