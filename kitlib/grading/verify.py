"""The trusted re-check: judge the answers' records in a fresh process, with the hidden checks.

``python -m kitlib.grading.verify ANSWER_DIR ID [ID ...] [--hidden DIR] [--seed N]`` prints one
JSON object ``{id: {"status": "passed" | "failed" | "missing" | "unverifiable" | "error",
"message": str, "evidence": [...]}}`` (see :mod:`kitlib.exercises.trusted`, which holds the
judgement: "failed" messages start with "re-check disagreed: ", and with "tampering: " only where
the record carries evidence of replaced kitlib objects). No student code runs here: records are read
with :func:`kitlib.exercises.answers.decode` (no pickle, Keras ``safe_mode``).

``python -m kitlib.grading.verify --serve`` is the form ``kit grade`` uses: a
warm server (one per job slot, in its own sandbox) that reads one request per
line, ``{"dir": ANSWER_DIR, "ids": [...], "hidden": HIDDEN_CHECKS_DIR or null,
"seed": KIT_PROBE_SEED}`` (``hidden``: ``COURSE/hidden`` or one assignment's folder in it;
``seed``: the probe seed the kernel was given, so records made with another one are refused), and
answers the same JSON object. It pays the imports (the exercise modules, Keras when an answer
needs it) once, then forks a fresh child per request, with memory and CPU limits, so that no
submission's answers can leave anything behind for the next one. A re-check then costs about
0.1 s instead of a new Python with TensorFlow (about 4 s).

Example::

    recheck(Path("answers"), ["mini_sum"])   # {'mini_sum': {'status': 'passed', 'message': '...'}}
"""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from kitlib.grading.helper_process import HelperProcess

def recheck(directory: Path, exercise_ids: list[str], hidden: Path | str | None = None,
            seed: int | None = None) -> dict[str, dict]:
    """Verdict per exercise id (see :func:`kitlib.exercises.trusted.recheck`)."""
    from kitlib.exercises.trusted import recheck as judge

    return judge(Path(directory), exercise_ids, hidden_dir=hidden, seed=seed)


def _failed(ids: list[str], message: str) -> dict[str, dict[str, str]]:
    """Verdicts when the re-check itself broke down (status "error": nobody could verify)."""
    return {exercise_id: {"status": "error", "message": message} for exercise_id in ids}


def _needs_keras(directory: Path, ids: list[str]) -> bool:
    """Whether judging these answers imports Keras (imported once in the server, not per child)."""
    from kitlib.exercises.trusted import needs_keras

    return needs_keras(directory, ids)


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


def recheck_in_child(directory: Path, ids: list[str], memory_mb: int, cpu_seconds: int,
                     hidden: Path | str | None = None, seed: int | None = None) -> dict:
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
                _eager_after_fork()
                verdicts = recheck(directory, ids, hidden, seed)
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


def _eager_after_fork() -> None:
    """TensorFlow's thread pools do not survive fork(): a forked child runs tf.functions eagerly."""
    if "tensorflow" in sys.modules:
        sys.modules["tensorflow"].config.run_functions_eagerly(True)


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
            hidden = request.get("hidden") or None
            seed = request.get("seed")
            seed = int(seed) if seed is not None else None
        except (ValueError, KeyError, TypeError):
            reply.write(json.dumps({"error": "bad request"}) + "\n")
            continue
        if "keras" not in sys.modules and _needs_keras(directory, ids):
            _import_keras()
        if hidden:
            try:
                from kitlib.exercises.hidden import load

                load(hidden)  # parsed once in the server: every child inherits it
            except Exception as error:  # noqa: BLE001 - a broken hidden module is the teacher's to fix
                reply.write(json.dumps(_failed(ids, f"the course's hidden checks cannot be loaded: {error}"[:300]))
                            + "\n")
                continue
        reply.write(json.dumps(recheck_in_child(directory, ids, memory_mb, cpu_seconds, hidden, seed)) + "\n")
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
    import argparse

    parser = argparse.ArgumentParser(prog="python -m kitlib.grading.verify")
    parser.add_argument("directory", type=Path)
    parser.add_argument("ids", nargs="+")
    parser.add_argument("--hidden", default=None, help="the course's hidden checks (COURSE/hidden)")
    parser.add_argument("--seed", type=int, default=None, help="the probe seed kit grade gave the kernel")
    args = parser.parse_args(argv)
    print(json.dumps(recheck(args.directory, args.ids, args.hidden, args.seed)))
    return 0


# --------------------------------------------------------------------- kit grade's client

class Verifier(HelperProcess):
    """The trusted re-check server of one job slot (``python -m kitlib.grading.verify --serve``),
    in a read-only sandbox that sees the answers to re-check but not the course.

    The client side of :func:`serve`: one request per submission, a fresh limited child each.
    Its process management is :class:`kitlib.grading.helper_process.HelperProcess`'s; the sandbox is
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
