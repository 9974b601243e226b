"""What the API shows of a submission's answers: the answers as given, less what the resident has since taken
back. The rule is the submission page's too, and lives with it: ``instruments.selectors.answers_now`` (age
group, origin and gender only while the demographics consent stands; a long answer that became a fragment as
the fragment's words now, and nothing once the fragment is gone).

A submission where the resident said no to keeping their words kept none (``instruments.services``).
"""

from __future__ import annotations

from typing import Any

from krachtvansamen.instruments.models import Submission
from krachtvansamen.instruments.selectors import answers_now, with_demographics_consent

__all__ = ["answers_shown", "with_demographics_consent"]


def answers_shown(submission: Submission) -> dict[str, Any]:
    """The answers as the API shows them (``instruments.selectors.answers_now``). Needs
    ``with_demographics_consent`` and the fragment links (with their fragments) prefetched."""
    return answers_now(submission).answers
