"""The accreditation fixtures live in tests/fixtures/accreditation.py.

What remains here serves tests/accreditation/test_notifications.py only, which is being rewritten
on another branch with the email mechanism: the old bundled fixtures, expressed through the
one-object fixtures, and its helpers re-exported. Delete this file once that test uses
``lead_a``, ``criteria_a``, ``round_a`` and ``assessor_a``.
"""

import pytest

from tests.fixtures.accreditation import complete, judge_all

__all__ = ["complete", "judge_all"]


@pytest.fixture
def applicant(applicant_a, lead_a):
    return applicant_a, lead_a


@pytest.fixture
def ready(criteria_a, round_a, published_a):
    return {"criteria": criteria_a, "round": round_a, "version": published_a}


@pytest.fixture
def assessors(assessor_a, lived_assessor_a):
    return assessor_a, lived_assessor_a
