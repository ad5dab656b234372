"""The Part 1 ("The Sequential model") audit gallery as a regression test: the tests are tests/exercise_gallery/suite.py's
(one owner for both parts), the cases tests/exercise_gallery/sequential_model's, the cases judged wrongly today
(xfail, strict) ``exercise_gallery.sequential_model.known.KNOWN``.
"""
from __future__ import annotations

from exercise_gallery.suite import (kernel, pytest_generate_tests, test_case_is_judged_right,  # noqa: F401
                                    test_gallery_covers_every_exercise, verifier)

PART = "sequential_model"
MIN_WRONG_VARIANTS = 5  # typical mistakes of different classes per exercise
INDEPENDENT_OF_HIDDEN = True  # written apart from the hidden part's planted answers: a held-out test
