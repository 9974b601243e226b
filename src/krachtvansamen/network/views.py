"""Pages to list, add, change and delete the relations of one neighbourhood."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from krachtvansamen.core.records import RecordKind, create_view, delete_view, update_view
from krachtvansamen.network import services
from krachtvansamen.network.forms import RelationForm
from krachtvansamen.network.models import Relation
from krachtvansamen.network.selectors import KIND_PLAIN, relation_years, relations_for_year
from krachtvansamen.people.access import neighbourhood_get_for_user, record_may_change, record_may_delete
from krachtvansamen.privacy.changes import changes_for, changes_for_records


def relation_label(relation: Relation) -> str:
    return _("%(source)s and %(target)s") % {"source": relation.source, "target": relation.target}


RELATION = RecordKind(
    model=Relation,
    form=RelationForm,
    template="network/relation_form.html",
    anchor="netwerk",
    what=gettext_lazy("relation"),
    add_title=gettext_lazy("Add a relation"),
    change_title=gettext_lazy("Change a relation"),
    find_neighbourhood=neighbourhood_get_for_user,
    may_change=record_may_change,
    may_delete=record_may_delete,
    history=changes_for,
    create=services.relation_create,
    update=lambda relation, **kwargs: services.relation_update(relation=relation, **kwargs),
    delete=lambda relation, **kwargs: services.relation_delete(relation=relation, **kwargs),
    label=relation_label,
)

relation_create, relation_update, relation_delete = (
    create_view(RELATION),
    update_view(RELATION),
    delete_view(RELATION),
)


@login_required
def relation_list(request: HttpRequest, cbs_code: str) -> HttpResponse:
    n = neighbourhood_get_for_user(user=request.user, cbs_code=cbs_code)
    years = relation_years(neighbourhood=n)
    year_text = request.GET.get("jaar", "")
    year = int(year_text) if year_text.isdigit() else (years[-1] if years else None)
    relations = list(relations_for_year(neighbourhood=n, year=year))
    history = changes_for_records(relations)
    rows = [
        (
            relation,
            f"{relation.source} — {relation.target}",
            str(KIND_PLAIN[relation.capital_type]).capitalize(),
            record_may_change(user=request.user, record=relation),
            record_may_delete(user=request.user, record=relation),
            history.get(("Relation", relation.pk), []),
        )
        for relation in relations
    ]
    return render(request, "network/relation_list.html", {"n": n, "year": year, "years": years, "rows": rows})
