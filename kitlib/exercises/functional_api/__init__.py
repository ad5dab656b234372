"""Exercises of part 2, "The Functional API" (``course/source/functional_api/``).

One module per chapter notebook, named like it (``06b_toy_resnet.py``), each with a list ``EXERCISES``;
ids ``fn01_...`` to ``fn11_...``. These modules hold only what the student's self-check needs: how an
answer is recorded (models as plain descriptions with the notebook's given objects labelled, functions
and classes probed on kit-made inputs) and the visible checks. Expected literal answers are here only as
salted digests; hidden checks, planted wrong answers, other correct solutions and the plain expected values
are course-side, in ``course/hidden/functional_api/<chapter>.py``. ``_forms`` says what form an answer
should have (a function, a class) in the student's terms.
"""
