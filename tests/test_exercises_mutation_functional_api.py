"""``kit test-exercises functional_api``: the tests of tests/mutation_outcomes.py on this assignment's run."""
from mutation_outcomes import *  # noqa: F401,F403 - the tests, parametrized for ASSIGNMENT

ASSIGNMENT = "functional_api"
