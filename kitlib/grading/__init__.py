"""Grading on top of nbgrader: ``kit release`` and ``kit grade``.

- :mod:`kitlib.grading.release`: student versions, verified free of solutions and hidden tests.
- :mod:`kitlib.grading.grade`: parallel, isolated autograding merged into one gradebook.
- :mod:`kitlib.grading.sandbox`: bubblewrap + resource limits around the student's kernel.
- :mod:`kitlib.grading.feedback`: feedback HTML without hidden tests.
- :mod:`kitlib.grading.report`: the teacher's per-assignment report.
"""
