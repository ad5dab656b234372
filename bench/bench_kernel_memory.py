"""What one notebook tab's kernel costs in memory; prints one JSON document.

    .venv/bin/python bench/bench_kernel_memory.py

Starts ``kit lab`` (the student's JupyterLab, as the README says) on a fresh workspace built
from ``course/``, then does what JupyterLab's notebook panel does when it opens (or restores)
a chapter: ``POST /api/sessions`` for the notebook, which starts its kernel. Measures, with
psutil, the resident memory (RSS, and USS: memory no other process shares) of

- ``bare``: each of two kernels right after start, no cell run (what a restored tab costs);
- ``setup``: one of them after running the chapter's first cell, ``import kitlib; kitlib.setup()``
  (TensorFlow and Keras imported);
- ``chapter``: the same kernel after running every code cell of the first chapter of Part 1
  (a chapter the student has worked through; answers left as released, errors ignored).

The numbers are this machine's (Linux, CPU TensorFlow); a Binder pod or hub user has the same
kernel processes.
"""
from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
MB = 1024 * 1024


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _api(url, token, path, method="GET", body=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(f"{url}/api/{path}", data=data, method=method,
                                     headers={"Authorization": f"token {token}",
                                              "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=60) as response:
        payload = response.read()
    return json.loads(payload) if payload else None


def _kernel_process(server, kernel_id):
    import psutil

    for child in psutil.Process(server.pid).children(recursive=True):
        try:
            if any(kernel_id in part for part in child.cmdline()):
                return child
        except psutil.NoSuchProcess:
            continue
    raise RuntimeError(f"no process for kernel {kernel_id}")


def _memory(process) -> dict:
    info = process.memory_full_info()
    return {"rss_mb": round(info.rss / MB, 1), "uss_mb": round(info.uss / MB, 1)}


def _client(runtime_dir: Path, kernel_id: str):
    from jupyter_client import BlockingKernelClient

    client = BlockingKernelClient()
    client.load_connection_file(str(runtime_dir / f"kernel-{kernel_id}.json"))
    client.start_channels()
    client.wait_for_ready(timeout=120)
    return client


def _run(client, code: str) -> str:
    reply = client.execute_interactive(code, timeout=600, output_hook=lambda msg: None)
    return reply["content"]["status"]


def main() -> int:
    from kitlib.lab import lab_command, lab_environment, make_workspace, configure_student_jupyter, \
        student_config_dir

    tmp = Path(tempfile.mkdtemp(prefix="kernel-memory-"))
    workspace = tmp / "student"
    make_workspace(ROOT / "course", workspace)
    configure_student_jupyter(student_config_dir(workspace), ROOT / "course")
    chapters = sorted(workspace.glob("sequential_model/*.ipynb"))[:2]
    port, token = _free_port(), secrets.token_hex(16)
    runtime = tmp / "runtime"
    env = dict(lab_environment(workspace), JUPYTER_RUNTIME_DIR=str(runtime), KITLIB_OFFLINE="1",
               TF_CPP_MIN_LOG_LEVEL="3", PYTHONPATH=str(ROOT))
    command = lab_command(workspace, no_browser=True, port=port,
                          extra=["--ServerApp.ip=127.0.0.1", f"--IdentityProvider.token={token}"])
    log = open(tmp / "server.log", "wb")
    server = subprocess.Popen(command, cwd=workspace, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    result: dict = {"python": sys.version.split()[0]}
    try:
        for _ in range(240):
            try:
                _api(url, token, "status")
                break
            except OSError:
                time.sleep(0.5)
        sessions = []
        for chapter in chapters:  # what a (restored) notebook tab asks the server for
            rel = chapter.relative_to(workspace).as_posix()
            sessions.append(_api(url, token, "sessions", "POST",
                                 {"path": rel, "type": "notebook", "name": chapter.name,
                                  "kernel": {"name": "python3"}}))
        clients = [_client(runtime, s["kernel"]["id"]) for s in sessions]
        time.sleep(2)
        result["bare"] = [_memory(_kernel_process(server, s["kernel"]["id"])) for s in sessions]
        kernel = _kernel_process(server, sessions[0]["kernel"]["id"])
        started = time.perf_counter()
        result["setup_status"] = _run(clients[0], "import kitlib; kitlib.setup()")
        result["setup_s"] = round(time.perf_counter() - started, 1)
        result["setup"] = _memory(kernel)
        cells = [c for c in json.loads(chapters[0].read_text())["cells"] if c["cell_type"] == "code"]
        statuses = [_run(clients[0], "".join(c["source"])) for c in cells[1:]]
        result["chapter"] = dict(_memory(kernel), notebook=chapters[0].name, cells=len(cells),
                                 cells_ok=statuses.count("ok") + 1)
        for client in clients:
            client.stop_channels()
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
