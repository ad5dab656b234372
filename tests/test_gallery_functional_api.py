"""The Part 2 ("The Functional API") audit gallery as a regression test: the tests are tests/exercise_gallery/suite.py's
(one owner for both parts), the cases tests/exercise_gallery/functional_api's, the cases judged wrongly today
(xfail, strict) ``exercise_gallery.functional_api.known.KNOWN``.
"""
from __future__ import annotations

from exercise_gallery.suite import (kernel, pytest_generate_tests, test_case_is_judged_right,  # noqa: F401
                                    test_gallery_covers_every_exercise, verifier)

PART = "functional_api"
MIN_WRONG_VARIANTS = 3  # typical mistakes of different classes per exercise
