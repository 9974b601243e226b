"""Pages to list, add, change and delete the relations of one neighbourhood."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from krachtvansamen.core.exports import export_filename, export_format, export_links, export_response
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
    kind = export_format(request)
    if kind:
        return export_response(
            kind,
            name=export_filename(_("relations"), n.name, year),
            header=_relation_export_header(),
            rows=[_relation_export_row(relation) for relation in relations],
        )
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
    context = {"n": n, "year": year, "years": years, "rows": rows, "download": export_links(request)}
    return render(request, "network/relation_list.html", context)


def _relation_export_header() -> list[str]:
    return [_("Year"), _("From"), _("To"), _("Kind of tie"), _("New tie"), _("Activity"), _("Place"),
            _("Via person")]  # fmt: skip


def _relation_export_row(relation: Relation) -> list[object]:
    """The page's row as cells: persons by pseudonym (their ``str``), as the page shows them."""
    return [
        relation.year,
        str(relation.source),
        str(relation.target),
        str(KIND_PLAIN[relation.capital_type]).capitalize(),
        _("yes") if relation.is_new else _("no"),
        relation.hook_activity.title if relation.hook_activity else "",
        relation.hook_place.name if relation.hook_place else "",
        str(relation.hook_person) if relation.hook_person else "",
    ]
