"""Name the source of the fragments that came from this app, for the workbench's context view."""

from django.db import migrations


def forwards(apps, schema_editor):
    Fragment = apps.get_model("coding", "Fragment")
    SubmissionFragment = apps.get_model("instruments", "SubmissionFragment")
    # The database being migrated, also when it is not the default one (kvs move-database).
    db = schema_editor.connection.alias
    rows = [
        Fragment(pk=fragment_id, source=f"submission:{submission_id}", position=position)
        for position, (fragment_id, submission_id) in enumerate(
            SubmissionFragment.objects.using(db).order_by("submission_id", "pk").values_list("fragment_id", "submission_id"),
            start=1,
        )
    ]
    Fragment.objects.using(db).bulk_update(rows, ["source", "position"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("instruments", "0001_initial"), ("coding", "0002_workbench")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
