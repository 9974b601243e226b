"""Name the source of the fragments that came from this app, for the workbench's context view."""

from django.db import migrations


def forwards(apps, schema_editor):
    Fragment = apps.get_model("coding", "Fragment")
    DocumentFragment = apps.get_model("documents", "DocumentFragment")
    # The database being migrated, also when it is not the default one (kvs move-database).
    db = schema_editor.connection.alias
    rows = [
        Fragment(pk=fragment_id, source=f"document:{document_id}", position=position)
        for fragment_id, document_id, position in DocumentFragment.objects.using(db).values_list(
            "fragment_id", "document_id", "position"
        )
    ]
    Fragment.objects.using(db).bulk_update(rows, ["source", "position"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("documents", "0001_initial"), ("coding", "0002_workbench")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
