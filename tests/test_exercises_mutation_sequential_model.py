"""``kit test-exercises sequential_model``: the tests of tests/mutation_outcomes.py on this assignment's run."""
from mutation_outcomes import *  # noqa: F401,F403 - the tests, parametrized for ASSIGNMENT

ASSIGNMENT = "sequential_model"
