"""Name the source of the fragments that came from this app, for the workbench's context view."""

from django.db import migrations


def forwards(apps, schema_editor):
    Fragment = apps.get_model("coding", "Fragment")
    Story = apps.get_model("effectenplein", "Story")
    # The database being migrated, also when it is not the default one (kvs move-database).
    db = schema_editor.connection.alias
    rows = [
        Fragment(pk=fragment_id, source=f"meeting:{meeting_id}", position=position)
        for position, (fragment_id, meeting_id) in enumerate(
            Story.objects.using(db).filter(fragment__isnull=False)
            .order_by("meeting_id", "created_at", "pk")
            .values_list("fragment_id", "meeting_id"),
            start=1,
        )
    ]
    Fragment.objects.using(db).bulk_update(rows, ["source", "position"], batch_size=500)


class Migration(migrations.Migration):
    dependencies = [("effectenplein", "0001_initial"), ("coding", "0002_workbench")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
