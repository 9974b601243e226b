"""The menu's "My jobs" link: how many of the reader's jobs are still waiting or running (one COUNT query,
asked only when the menu shows the link)."""

from __future__ import annotations

from django import template

from krachtvansamen.core.types import User
from krachtvansamen.jobs.models import Job

register = template.Library()


@register.simple_tag
def jobs_unfinished_count(user: User) -> int:
    if not user.is_authenticated:
        return 0
    return Job.objects.filter(owner_id=user.pk, state__in=[Job.State.QUEUED, Job.State.RUNNING]).count()
