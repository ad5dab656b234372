"""kit doctor: reports the machine, gives a fix for every problem, exit status means something."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest

from kitlib import doctor


@pytest.mark.fast
def test_widgets_versions_match_or_explain():
    assert doctor.widgets_mismatch("8.1.9", "3.0.17", "jupyterlab_widgets~=3.0.15") == ""
    assert "does not match" in doctor.widgets_mismatch("8.1.9", "3.0.10", "jupyterlab_widgets~=3.0.15")
    assert "needs 3.x" in doctor.widgets_mismatch("8.1.9", "1.1.0", "jupyterlab_widgets~=3.0.15")
    assert "ipywidgets 8" in doctor.widgets_mismatch("7.8.5", "3.0.17", "")


def test_missing_tensorflow_fails_with_a_fix(monkeypatch):
    real = doctor.installed_version
    monkeypatch.setattr(doctor, "installed_version", lambda d: None if d.startswith("tensorflow") else real(d))
    findings = doctor.check_keras()
    tf = findings[0]
    assert tf.area == "TensorFlow" and tf.status == "fail"
    assert "pip install" in tf.fix and "tensorflow>=2.16" in tf.fix


def test_missing_graphviz_is_a_warning_with_the_install_command(monkeypatch):
    monkeypatch.setattr(doctor.shutil, "which", lambda name: None)
    finding = [f for f in doctor.check_graphviz() if f.area == "graphviz"][0]
    assert finding.status == "warn"
    assert "apt-get install graphviz" in finding.fix
    assert "ModelGraph" in finding.detail


def test_a_crashing_check_becomes_a_failing_line(monkeypatch):
    def broken():
        raise RuntimeError("boom")

    monkeypatch.setattr(doctor, "CHECKS", (broken,))
    findings = doctor.diagnose()
    assert any(f.status == "fail" and "boom" in f.detail for f in findings)
    args = SimpleNamespace(json=False, course=None)
    assert doctor.run_doctor(args) == 1


def test_unknown_course_fails(tmp_path):
    finding = doctor.check_course(tmp_path)[0]
    assert finding.status == "fail" and "--course" in finding.fix


@pytest.mark.slow
def test_kit_doctor_command_on_this_machine():
    result = subprocess.run([sys.executable, "-m", "kitlib.cli", "doctor"], capture_output=True, text=True,
                            timeout=300, cwd=Path(__file__).resolve().parent.parent / "course")  # kit acts where it runs
    out = result.stdout
    for area in ("Python", "TensorFlow", "Keras", "JupyterLab", "ipywidgets", "nbgrader lab extension",
                 "nbgrader server extension", "pydot", "graphviz", "dataset MNIST", "dataset CIFAR-10",
                 "grading isolation", "grading system calls", "course", "formgrader"):
        assert f" {area}:" in out, f"doctor says nothing about {area}:\n{out}"
    assert result.returncode == (1 if "✘" in out else 0), out
    assert result.returncode == 0, f"this machine should be able to run the course:\n{out}"
