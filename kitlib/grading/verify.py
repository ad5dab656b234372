"""The trusted re-check: run an exercise's checks on exported answers in a fresh process.

``python -m kitlib.grading.verify ANSWER_DIR ID [ID ...]`` prints one JSON
object: ``{id: {"status": "passed" | "failed" | "missing" | "unverifiable" | "error",
"message": str}}`` ("error": the re-check itself broke down, e.g. a limit stopped it). No student code runs here: answers are read with
:func:`kitlib.grading.answers.decode` (no pickle, Keras ``safe_mode``).

``python -m kitlib.grading.verify --serve`` is the form ``kit grade`` uses: a
warm server (one per job slot, in its own sandbox) that reads one request per
line, ``{"dir": ANSWER_DIR, "ids": [...]}``, and answers the same JSON object.
It pays the imports (the exercise modules, Keras when an answer needs it) once,
then forks a fresh child per request, with memory and CPU limits, so that no
submission's answers can leave anything behind for the next one. A re-check
then costs about 0.1 s instead of a new Python with TensorFlow (about 4 s).

Example::

    recheck(Path("answers"), ["mini_sum"])   # {'mini_sum': {'status': 'passed', 'message': '...'}}
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from kitlib.grading.answers import Unsupported, decode
from kitlib.grading.worker import Worker


def recheck(directory: Path, exercise_ids: list[str]) -> dict[str, dict[str, str]]:
    """Verdict per exercise id (see module docstring)."""
    from kitlib.exercises.core import REGISTRY

    results: dict[str, dict[str, str]] = {}
    for exercise_id in exercise_ids:
        if not (Path(directory) / f"{exercise_id}.json").is_file():
            results[exercise_id] = {"status": "missing", "message": "no answer was recorded by the grade cell"}
            continue
        try:
            exercise = REGISTRY.get(exercise_id)
        except KeyError as error:
            results[exercise_id] = {"status": "unverifiable", "message": str(error)}
            continue
        try:
            subject = decode(directory, exercise_id)
        except Unsupported as why:
            results[exercise_id] = {"status": "unverifiable", "message": f"answer not exportable ({why})"}
            continue
        except Exception as error:  # e.g. a model with a custom layer defined in the notebook
            results[exercise_id] = {"status": "unverifiable",
                                    "message": f"recorded answer not readable outside the notebook: "
                                               f"{type(error).__name__}: {error}"[:300]}
            continue
        feedback = exercise.evaluate_prepared(subject, hidden=True)
        results[exercise_id] = {"status": "passed" if feedback.passed else "failed",
                                "message": " ".join(line.strip() for line in feedback.lines())[:400]}
    return results


def _failed(ids: list[str], message: str) -> dict[str, dict[str, str]]:
    """Verdicts when the re-check itself broke down (status "error": nobody could verify)."""
    return {exercise_id: {"status": "error", "message": message} for exercise_id in ids}


def _needs_keras(directory: Path, ids: list[str]) -> bool:
    """Whether decoding these answers imports Keras (anything but plain JSON or arrays)."""
    for exercise_id in ids:
        meta = Path(directory) / f"{exercise_id}.json"
        try:
            if meta.stat().st_size > 2**20:
                return True
            kind = json.loads(meta.read_text(encoding="utf-8")).get("kind")
        except (OSError, ValueError, AttributeError):
            continue
        if kind not in ("json", "npy", "unsupported"):
            return True
    return False


def _import_keras() -> None:
    from kitlib.environment import quiet_environment, silenced_stderr_fd

    quiet_environment()
    with silenced_stderr_fd():
        import keras  # noqa: F401 - paid once in the server, inherited by every child


def _lower_limit(which: int, value: int) -> None:
    """Lower a resource limit to ``value`` (never above the hard limit already set)."""
    import resource

    soft, hard = resource.getrlimit(which)
    if hard != resource.RLIM_INFINITY:
        value = min(value, hard)
    resource.setrlimit(which, (value, hard))


def recheck_in_child(directory: Path, ids: list[str], memory_mb: int, cpu_seconds: int) -> dict:
    """:func:`recheck` in a forked child with resource limits; the verdicts, or failures
    saying why the child gave none (killed by a limit, crashed)."""
    import resource
    import signal

    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: limits first, then the untrusted answers
        code = 0
        try:
            os.close(read_end)
            try:
                _lower_limit(resource.RLIMIT_AS, memory_mb * 2**20)
                _lower_limit(resource.RLIMIT_CPU, cpu_seconds)
                verdicts = recheck(directory, ids)
            except MemoryError:
                verdicts = _failed(ids, "the re-check ran out of memory")
            except Exception as error:
                verdicts = _failed(ids, f"the re-check raised {type(error).__name__}: {error}"[:300])
            data = json.dumps(verdicts).encode("utf-8")
            while data:
                data = data[os.write(write_end, data):]
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(write_end)
    chunks = []
    with os.fdopen(read_end, "rb") as pipe:
        for chunk in iter(lambda: pipe.read(65536), b""):
            chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    try:
        return json.loads(b"".join(chunks).decode("utf-8"))
    except ValueError:
        if os.WIFSIGNALED(status):
            sig = os.WTERMSIG(status)
            why = "its CPU time limit" if sig in (signal.SIGXCPU, signal.SIGKILL) else signal.Signals(sig).name
            return _failed(ids, f"the re-check was stopped ({why})")
        return _failed(ids, "the re-check crashed without a verdict")


def serve(memory_mb: int, cpu_seconds: int) -> int:
    """The warm re-check server (see the module docstring)."""
    reply = os.fdopen(os.dup(1), "w", buffering=1)
    quiet = os.open(os.devnull, os.O_WRONLY)
    os.dup2(quiet, 1)  # library chatter must not mix with the replies
    os.dup2(quiet, 2)
    from kitlib.exercises.core import REGISTRY

    REGISTRY.all()
    reply.write(json.dumps({"ready": True}) + "\n")
    for line in sys.stdin:
        try:
            request = json.loads(line)
            directory, ids = Path(request["dir"]), [str(i) for i in request["ids"]]
        except (ValueError, KeyError, TypeError):
            reply.write(json.dumps({"error": "bad request"}) + "\n")
            continue
        if "keras" not in sys.modules and _needs_keras(directory, ids):
            _import_keras()
        reply.write(json.dumps(recheck_in_child(directory, ids, memory_mb, cpu_seconds)) + "\n")
    reply.flush()
    os._exit(0)  # skip the slow interpreter teardown (TensorFlow's above all): nothing to clean up


def main(argv: list[str]) -> int:
    if argv[:1] == ["--serve"]:
        import argparse

        parser = argparse.ArgumentParser(prog="python -m kitlib.grading.verify --serve")
        parser.add_argument("--serve", action="store_true")
        parser.add_argument("--memory-mb", type=int, default=4096)
        parser.add_argument("--cpu-seconds", type=int, default=300)
        args = parser.parse_args(argv)
        return serve(args.memory_mb, args.cpu_seconds)
    directory, ids = Path(argv[0]), argv[1:]
    print(json.dumps(recheck(directory, ids)))
    return 0


# --------------------------------------------------------------------- kit grade's client

class Verifier(Worker):
    """The trusted re-check server of one job slot (``python -m kitlib.grading.verify --serve``),
    in a read-only sandbox that sees the answers to re-check but not the course.

    The client side of :func:`serve`: one request per submission, a fresh limited child each.
    Its process management is :class:`kitlib.grading.worker.Worker`'s; the sandbox is
    :func:`kitlib.grading.sandbox.tool_argv`'s (allow-listed read-only files, ``readable``
    folders read-only, no network, capabilities dropped, an unprivileged ``uid`` when root).

    Example::

        verifier = Verifier(answers_root, limits=Limits(), use_bwrap=True).spawn()
        verifier.check(answers_root / "ana", ["mini_sum"])    # {'mini_sum': {'status': 'passed', ...}}
    """

    RECHECK_TIMEOUT = 600.0

    def __init__(self, scratch_root: Path, hide=(), limits=None, use_bwrap: bool = True, uid: int | None = None,
                 readable: tuple = ()):
        from kitlib.grading import sandbox

        limits = limits or sandbox.Limits()
        args = ["--serve", f"--memory-mb={limits.memory_mb}", f"--cpu-seconds={min(limits.cpu_seconds, 300)}"]
        # ``hide`` is kept for old callers: the sandbox mounts an allow-list, nothing else is visible.
        argv = sandbox.tool_argv([Path(scratch_root), *readable], "kitlib.grading.verify", args, uid, use_bwrap)
        super().__init__(argv, preexec_fn=sandbox.limit_tool_process(limits))

    def check(self, directory: Path, exercise_ids: list[str], hidden: Path | None = None,
              seed: int | None = None) -> dict:
        """Verdicts per exercise id (see :func:`recheck`)."""
        request = {"dir": str(directory), "ids": list(exercise_ids), "hidden": str(hidden) if hidden else None,
                   "seed": seed}
        reply = self.request(request, self.RECHECK_TIMEOUT)
        if not isinstance(reply, dict) or "error" in reply:
            return {eid: {"status": "error", "message": "the re-check gave no verdict (it ran too long or died)"}
                    for eid in exercise_ids}
        return reply

if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
