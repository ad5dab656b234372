"""Moved to :mod:`kitlib.exercises.answers` (the student's kernel writes the format, the verifier reads it).

This alias keeps ``from kitlib.grading import answers`` working for code not yet updated.
"""
from kitlib.exercises.answers import *  # noqa: F401,F403
from kitlib.exercises.answers import Unsupported, decode, encode, read_meta  # noqa: F401
