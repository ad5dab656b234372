"""The ``kit`` command line.

    kit doctor                      check that this machine can run the course
    kit lab [--no-browser] [--port N] [--exchange DIR] [JUPYTERLAB OPTIONS]
                                    open the student view of the course in JupyterLab
    kit release [ASSIGNMENT ...] [--course DIR] [--self-study]
                                    make the student versions (nbgrader generate_assignment)
    kit grade [ASSIGNMENT ...] [--course DIR] [--jobs N] [--timeout SECONDS]
              [--memory-mb MB] [--processes N] [--disk-mb MB] [--cluster tcp://HOST:PORT] [--resume]
                                    grade every submission, in parallel and isolated (here, or on
                                    the kit workers of a Dask scheduler); --resume finishes an
                                    interrupted run
    kit worker tcp://HOST:PORT [--jobs N]
                                    check this machine, then grade for a Dask scheduler
    kit test-exercises [ASSIGNMENT ...] [--course DIR] [--jobs N]
                                    mutation-test the exercises' checks (kitlib.mutation)
    kit report [ASSIGNMENT ...]     the reports and grades.csv again from the gradebook (manual grades,
                                    comments, extensions), without grading
    kit students import ROSTER.csv | kit students list
                                    the class list (the gradebook's students)
    kit due ASSIGNMENT "2026-12-01 17:00 UTC"      the due date (nbgrader's)
    kit extend STUDENT ASSIGNMENT --days N         one student's extension
    kit export canvas|moodle [ASSIGNMENT ...] [--out FILE]
                                    grades as a CSV an LMS gradebook imports

Every command but worker acts on one course: --course DIR, else $KIT_COURSE, else the folder it runs
in when that holds nbgrader_config.py (as nbgrader's own commands), else the c.CourseDirectory.root of
the teacher's nbgrader config (~/.jupyter); the first line it prints (on stderr) names the course. With
none of these it says how to point at one and exits 1.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from kitlib.grading.course import CourseError, find_course, missing_instructor_material

# Commands that act on a course: it is --course DIR, $KIT_COURSE or the folder kit runs in (the one with
# nbgrader_config.py, as for nbgrader's own commands); the first line they print (stderr) names it.
COURSE_COMMANDS = ("doctor", "lab", "release", "grade", "test-exercises", "report", "students", "due", "extend",
                   "export")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kit", description="The Keras teaching kit.")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    doctor = sub.add_parser("doctor", help="check that this machine can run the course")
    doctor.add_argument("--json", action="store_true", help="print the report as JSON")
    doctor.add_argument("--course", type=Path, default=None, help="the course directory")

    lab = sub.add_parser("lab", help="open the student view of the course in JupyterLab")
    lab.add_argument("--course", type=Path, default=None, help="the course directory")
    lab.add_argument("--workspace", type=Path, default=None,
                     help="the student's working copy (default: ./student next to the course)")
    lab.add_argument("--no-browser", action="store_true", help="do not open a browser window")
    lab.add_argument("--port", type=int, default=None)
    lab.add_argument("--exchange", type=Path, default=None,
                     help="nbgrader's exchange folder, for the Assignments tab (default: $KIT_EXCHANGE; none: no tab)")

    release = sub.add_parser("release", help="generate the student versions into COURSE/release/")
    release.add_argument("assignments", nargs="*", metavar="ASSIGNMENT")
    release.add_argument("--course", type=Path, default=None, help="the course directory")
    release.add_argument("--self-study", action="store_true",
                         help="add the worked solutions, shown after a first attempt (default: course/kit.toml)")

    grade = sub.add_parser("grade", help="grade every submission in COURSE/submitted/")
    grade.add_argument("assignments", nargs="*", metavar="ASSIGNMENT")
    grade.add_argument("--course", type=Path, default=None, help="the course directory")
    grade.add_argument("--jobs", type=int, default=None, help="submissions graded at once (default: cores)")
    grade.add_argument("--timeout", type=float, default=None,
                       help="seconds one submission may run in all (default: 1800)")
    grade.add_argument("--memory-mb", type=int, default=None,
                       help="memory of one submission, its in-memory files included (default: 4096)")
    grade.add_argument("--processes", type=int, default=None,
                       help="processes and threads of one submission (default: 512)")
    grade.add_argument("--disk-mb", type=int, default=None,
                       help="size of one submission's working space, in memory (default: 1024)")
    grade.add_argument("--cluster", metavar="tcp://HOST:PORT", default=None,
                       help="grade on the kit workers of this Dask scheduler instead of this machine")
    grade.add_argument("--resume", action="store_true",
                       help="finish the last (interrupted) run: submissions it recorded are not graded again "
                            "unless their files changed")

    worker = sub.add_parser("worker", help="grade for a Dask scheduler (kit grade --cluster) on this machine")
    worker.add_argument("scheduler", metavar="tcp://HOST:PORT", help="the Dask scheduler's address")
    worker.add_argument("--jobs", type=int, default=None, help="submissions graded at once here (default: cores)")
    worker.add_argument("--name", default=None, help="this worker's name in the cluster (default: kit-HOST-PID)")
    worker.add_argument("--allow-unisolated", action="store_true",
                        help="join even where bubblewrap cannot isolate student code (resource limits only)")
    _add_test_exercises(sub)
    from kitlib.grading.term import add_parsers

    add_parsers(sub)  # report, students, due, extend, export
    return parser


def _add_test_exercises(sub) -> None:
    """``kit test-exercises`` (run by :mod:`kitlib.mutation`, imported only when it runs)."""
    test = sub.add_parser("test-exercises", help="mutation-test the exercises' checks against the course")
    test.add_argument("assignments", nargs="*", metavar="ASSIGNMENT")
    test.add_argument("--course", type=Path, default=None, help="the course directory")
    test.add_argument("--jobs", type=int, default=None, help="notebooks run at once (default: 2)")
    test.add_argument("--only", action="append", default=None, metavar="ID", help="only these exercises")
    test.add_argument("--no-mutants", action="store_true", help="reference, wrong and other solutions only")
    test.add_argument("--json", default=None, help="also write every outcome to this file")
    test.add_argument("--verbose", action="store_true", help="list every variant, not only failures")


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, extra = parser.parse_known_args(argv)
    if extra and args.command != "lab":
        parser.error(f"unrecognized arguments: {' '.join(extra)}")
    args.jupyter_args = extra  # kit lab passes other options on to JupyterLab
    if args.command is None:
        parser.print_help()
        return 2
    if args.command in COURSE_COMMANDS:
        try:
            args.course = find_course(getattr(args, "course", None))
        except CourseError as error:
            print(f"kit {args.command}: {error}", file=sys.stderr, flush=True)
            if args.command != "doctor":
                return 1
            args.course = None  # the doctor still checks the machine; its course line fails (exit 1)
        else:
            print(f"kit {args.command}: course {args.course}", file=sys.stderr, flush=True)
    if args.command in ("lab", "release", "grade", "test-exercises"):
        missing = missing_instructor_material(args.course)
        if missing:  # a student copy (Binder): say so instead of grading or releasing nothing
            print(f"kit {args.command}: {missing}", file=sys.stderr)
            return 1
    if args.command == "doctor":
        from kitlib.doctor import run_doctor

        return run_doctor(args)
    if args.command == "lab":
        from kitlib.lab import run_lab

        return run_lab(args)
    if args.command in ("release", "grade", "worker"):
        from kitlib.grading import skip_slow_optional_imports

        skip_slow_optional_imports()
    if args.command == "release":
        from kitlib.grading.release import run_release

        return run_release(args)
    if args.command == "test-exercises":
        from kitlib.mutation.command import run_test_exercises

        return run_test_exercises(args)
    if args.command == "grade":
        from kitlib.grading.grade import run_grade

        return run_grade(args)
    if args.command == "worker":
        from kitlib.grading.cluster import run_worker

        return run_worker(args)
    from kitlib.grading.term import RUNNERS

    if args.command in RUNNERS:
        return RUNNERS[args.command](args)
    parser.error(f"unknown command {args.command}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
