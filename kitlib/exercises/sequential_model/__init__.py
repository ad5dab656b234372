"""Exercises of part 1, "The Sequential model" (``course/source/sequential_model/``).

One module per chapter notebook, named like it (``04_debugging_workflow.py``),
each with a list ``EXERCISES``; ids ``seq01_...`` to ``seq07_...``. These
modules hold only what the student's self-check needs: how an answer is
recorded and the visible checks. Expected literal answers are here only as
salted digests; hidden checks, planted wrong answers, other correct solutions
and the plain expected values are course-side, in
``course/hidden/sequential_model/<chapter>.py``.
"""
