"""No network at run time unless the user names a remote model and allows the download.

The real ``crosscheck check`` command (click's runner, in one fresh Python process, so the two
runs pay the imports once) runs where sockets refuse to connect: a ``sitecustomize`` module on
PYTHONPATH replaces ``socket.socket.connect``/``connect_ex``, ``socket.create_connection`` and
``socket.getaddrinfo`` with functions that record the attempt and raise. Where ``unshare -n``
works (root on Linux) the process also runs in a network namespace without interfaces. The
Hugging Face offline switches are taken out of the environment and the embedding cache is
empty, so the bundled model really loads and crosscheck must keep the hub offline by itself.
(With ``--allow-download`` the same guard records connections to huggingface.co:443.)
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from functools import lru_cache
from pathlib import Path

ARTICLE = """---
title: Baidu buys PPS video business
outlet: {outlet}
published: 2013-05-07
---

Baidu bought PPS for {price}, the company said on Tuesday.

The deal makes Baidu's iQiyi the largest online video platform in China.
"""

GUARD = '''
import os, socket

_LOG = os.environ["CROSSCHECK_TEST_NET_LOG"]
_LOCAL = {getattr(socket, "AF_UNIX", None)}


def _record(what, target):
    with open(_LOG, "a", encoding="utf-8") as handle:
        handle.write(f"{what} {target!r}\\n")
    raise OSError(101, f"network disabled by the test ({what} {target!r})")


_connect, _connect_ex = socket.socket.connect, socket.socket.connect_ex


def connect(self, address):
    if self.family in _LOCAL:
        return _connect(self, address)
    _record("connect", address)


def connect_ex(self, address):
    if self.family in _LOCAL:
        return _connect_ex(self, address)
    _record("connect_ex", address)


socket.socket.connect, socket.socket.connect_ex = connect, connect_ex
socket.create_connection = lambda address, *a, **k: _record("create_connection", address)
socket.getaddrinfo = lambda host, port, *a, **k: _record("getaddrinfo", (host, port))
with open(_LOG, "a", encoding="utf-8") as handle:
    handle.write("guard loaded\\n")
'''


@lru_cache(maxsize=1)
def _unshare_works() -> bool:
    if not sys.platform.startswith("linux") or shutil.which("unshare") is None:
        return False
    try:
        return subprocess.run(["unshare", "-n", "true"], capture_output=True, timeout=10).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


DRIVER = """
import json, sys, time
from click.testing import CliRunner
from crosscheck.cli import main
out = []
for args in json.loads(sys.argv[1]):
    started = time.perf_counter()
    r = CliRunner().invoke(main, args)
    crash = r.exception if r.exception and not isinstance(r.exception, SystemExit) else None
    out.append({"exit_code": r.exit_code, "stdout": r.stdout, "stderr": r.stderr,
                "crash": repr(crash) if crash else None,
                "seconds": time.perf_counter() - started})
print(json.dumps(out))
"""


def offline_runs(tmp_path: Path, *runs: list[str]) -> tuple[list[dict], list[str]]:
    """``crosscheck check ARGS`` for each run, in one fresh process with the network blocked;
    the results and every connection attempt made."""
    guard = tmp_path / "guard"
    guard.mkdir()
    (guard / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
    log = tmp_path / "net.log"
    env = {k: v for k, v in os.environ.items()
           if k not in ("HF_HUB_OFFLINE", "TRANSFORMERS_OFFLINE", "HF_DATASETS_OFFLINE", "PYTHONPATH")}
    env.update(PYTHONPATH=str(guard), CROSSCHECK_TEST_NET_LOG=str(log), CROSSCHECK_CACHE_DIR=str(tmp_path / "cache"),
               HF_HOME=str(tmp_path / "hf"), NO_COLOR="1")
    commands = [["check", "--isolated", "--quiet", *args] for args in runs]
    command = [sys.executable, "-c", DRIVER, json.dumps(commands)]
    if _unshare_works():
        command = ["unshare", "-n", *command]
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)
    lines = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    assert lines[:1] == ["guard loaded"], "the socket guard did not load: " + result.stderr[-2000:]
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.splitlines()[-1]), lines[1:]


def articles(tmp_path: Path) -> list[str]:
    a = tmp_path / "a.md"
    b = tmp_path / "b.md"
    a.write_text(ARTICLE.format(outlet="Tech Daily", price="$370 million"), encoding="utf-8")
    b.write_text(ARTICLE.format(outlet="Market Wire", price="$470 million"), encoding="utf-8")
    return [str(a), str(b)]


def test_no_network_by_default_and_a_remote_model_needs_allow_download(tmp_path):
    """In one process (HF offline switches unset): naming an unknown hub model fails fast with E41x
    naming it, then the default run (bundled model, empty cache) checks the articles; no connection
    is attempted by either."""
    model = "no-such-org/no-such-model-x1"
    (unknown, default), attempts = offline_runs(tmp_path, ["--model", model, *articles(tmp_path)],
                                                ["--format", "json", *articles(tmp_path)])
    assert attempts == [], attempts

    assert unknown["crash"] is None and unknown["exit_code"] == 2, unknown["stderr"][-3000:]
    errors = [line for line in unknown["stderr"].splitlines() if line.startswith("crosscheck: error: [E41")]
    assert len(errors) == 1 and model in errors[0], unknown["stderr"][-3000:]
    assert "--allow-download" in unknown["stderr"]
    assert unknown["seconds"] < 60

    assert default["crash"] is None and default["exit_code"] == 1, default["stderr"][-3000:]
    report = json.loads(default["stdout"])
    assert report["summary"]["documents"] == 2 and report["summary"]["contradiction"] == 1
    assert not any((tmp_path / "hf").rglob("*.safetensors"))  # nothing was fetched into the hub cache
