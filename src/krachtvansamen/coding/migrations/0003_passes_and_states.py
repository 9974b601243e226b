"""Give every coder with codings a pass over the fragment, and set each fragment's coding state.

A frozen copy of the rule in ``coding.services.fragments_state_refresh`` (migrations do not import services):
no settled fragments exist yet, so a fragment is uncoded, coded (one coder) or agreed/disputed (several).
"""

from collections import defaultdict

from django.db import migrations


def forwards(apps, schema_editor):
    Coding = apps.get_model("coding", "Coding")
    CodingPass = apps.get_model("coding", "CodingPass")
    Fragment = apps.get_model("coding", "Fragment")
    # The database being migrated, also when it is not the default one (kvs move-database).
    db = schema_editor.connection.alias
    codes = defaultdict(lambda: defaultdict(set))
    for fragment_id, coder_id, code_id in Coding.objects.using(db).filter(origin="human").values_list(
        "fragment_id", "coder_id", "code_id"
    ):
        codes[fragment_id][coder_id].add(code_id)
    CodingPass.objects.using(db).bulk_create(
        [
            CodingPass(fragment_id=fragment_id, coder_id=coder_id)
            for fragment_id, per_coder in codes.items()
            for coder_id in per_coder
            if coder_id is not None
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )
    by_state = defaultdict(list)
    for fragment_id, per_coder in codes.items():
        if len(per_coder) == 1:
            by_state["coded"].append(fragment_id)
        else:
            same = len({frozenset(c) for c in per_coder.values()}) == 1
            by_state["agreed" if same else "disputed"].append(fragment_id)
    for state, ids in by_state.items():
        for i in range(0, len(ids), 500):
            Fragment.objects.using(db).filter(pk__in=ids[i : i + 500]).update(coding_state=state)


class Migration(migrations.Migration):
    dependencies = [("coding", "0002_workbench")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
