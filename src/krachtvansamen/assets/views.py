"""Pages to add, change and delete the assets and activities of one neighbourhood, through the shared record
views of ``core.records``; access is decided by ``people.access``."""

from __future__ import annotations

from django.utils.translation import gettext_lazy

from krachtvansamen.assets import services
from krachtvansamen.assets.forms import ActivityForm, AssetForm
from krachtvansamen.assets.models import Activity, Asset
from krachtvansamen.assets.selectors import activity_dependants, asset_dependants
from krachtvansamen.core.records import RecordKind, create_view, delete_view, update_view
from krachtvansamen.people.access import neighbourhood_get_for_user, record_may_change, record_may_delete
from krachtvansamen.privacy.changes import changes_for

ASSET = RecordKind(
    model=Asset,
    form=AssetForm,
    template="assets/asset_form.html",
    anchor="krachten",
    what=gettext_lazy("asset"),
    add_title=gettext_lazy("Add an asset"),
    change_title=gettext_lazy("Change an asset"),
    find_neighbourhood=neighbourhood_get_for_user,
    may_change=record_may_change,
    may_delete=record_may_delete,
    history=changes_for,
    create=services.asset_create,
    update=lambda asset, **kwargs: services.asset_update(asset=asset, **kwargs),
    delete=lambda asset, **kwargs: services.asset_delete(asset=asset, **kwargs),
    dependants=lambda asset: asset_dependants(asset=asset),
)
ACTIVITY = RecordKind(
    model=Activity,
    form=ActivityForm,
    template="assets/activity_form.html",
    anchor="activiteiten",
    what=gettext_lazy("activity"),
    add_title=gettext_lazy("Add an activity"),
    change_title=gettext_lazy("Change an activity"),
    find_neighbourhood=neighbourhood_get_for_user,
    may_change=record_may_change,
    may_delete=record_may_delete,
    history=changes_for,
    create=services.activity_create,
    update=lambda activity, **kwargs: services.activity_update(activity=activity, **kwargs),
    delete=lambda activity, **kwargs: services.activity_delete(activity=activity, **kwargs),
    dependants=lambda activity: activity_dependants(activity=activity),
)

asset_create, asset_update, asset_delete = create_view(ASSET), update_view(ASSET), delete_view(ASSET)
activity_create, activity_update, activity_delete = (
    create_view(ACTIVITY),
    update_view(ACTIVITY),
    delete_view(ACTIVITY),
)
