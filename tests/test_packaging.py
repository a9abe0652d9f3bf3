"""The wheel works on its own: built from the repo, installed into a fresh virtual environment.

The new environment does not see the repo (no editable install, no PYTHONPATH, its working
directory is outside the repo). To avoid reinstalling ~1.8 GB of dependencies it reads them from
the site-packages of the environment running the tests, through a ``.pth`` file with a plain path
line (which does not run that environment's editable finder): ``framing`` itself must come from
the wheel. There: ``framing codebooks`` lists the built-ins, ``framing --version`` prints the
version, and ``framing app`` serves the demo until SIGTERM stops it and its server.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import sysconfig
import urllib.request
from pathlib import Path

import psutil
import pytest

import framing

from _browser import free_port, wait_healthy

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]
BUILTINS = {"south-asia-security", "policy-frames", "generic-frames"}
CHROMIUM = Path(os.environ.get("FRAMING_CHROMIUM", "/usr/bin/chromium"))


def _run(cmd, **kw) -> subprocess.CompletedProcess:
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kw)
    assert proc.returncode == 0, f"{cmd}\n{proc.stdout[-3000:]}\n{proc.stderr[-3000:]}"
    return proc


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> dict:
    """A fresh venv with the wheel installed; returns its python, bin folder, env and working dir."""
    tmp = tmp_path_factory.mktemp("wheel")
    # build from a copy of the sources, so the build leaves nothing (build/, *.egg-info) in the repo
    src = tmp / "src"
    src.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy2(REPO / name, src / name)
    shutil.copytree(REPO / "framing", src / "framing", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    dist = tmp / "dist"
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index",
          "-w", str(dist), str(src)], cwd=tmp)
    wheel, = dist.glob("framing-*.whl")

    env_dir = tmp / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(env_dir)])
    python = env_dir / "bin" / "python"
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip())
    deps = Path(sysconfig.get_paths()["purelib"])  # the running environment's site-packages
    assert deps.is_dir() and deps != site
    (site / "_framing_test_deps.pth").write_text(f"{deps}\n")
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", str(wheel)])

    work = tmp / "work"
    work.mkdir()
    env = {k: v for k, v in os.environ.items()
           if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "PYTHONSTARTUP") and not k.startswith("FRAMING_")}
    env.update(PATH=f"{env_dir / 'bin'}{os.pathsep}{env.get('PATH', '')}", VIRTUAL_ENV=str(env_dir),
               FRAMING_DB=str(tmp / "store.duckdb"), HF_HUB_OFFLINE="1", XDG_DATA_HOME=str(tmp / "data"))
    return {"python": python, "bin": env_dir / "bin", "root": env_dir, "env": env, "cwd": work, "wheel": wheel}


def _in_venv(venv, *args: str) -> subprocess.CompletedProcess:
    return _run([str(venv["bin"] / "framing"), *args], env=venv["env"], cwd=venv["cwd"])


def test_the_wheel_holds_the_codebooks_the_app_and_the_licence(venv):
    import zipfile

    names = set(zipfile.ZipFile(venv["wheel"]).namelist())
    assert {f"framing/codebooks/{c}.yaml" for c in BUILTINS} <= names
    assert {"framing/app/main.py", "framing/app/auth.py", "framing/data/demo/latest-news-iskp.txt"} <= names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)
    assert not any(n.startswith(("models/", "tests/", "bench/")) for n in names)


def test_framing_comes_from_the_new_venv(venv):
    code = ("import framing, framing.paths as p, importlib.metadata as m; "
            "print(framing.__file__); print(p.codebooks_dir()); print(p.app_script()); print(m.version('framing'))")
    out = _run([str(venv["python"]), "-c", code], env=venv["env"], cwd=venv["cwd"]).stdout.split("\n")
    root = venv["root"].resolve()
    for line in out[:3]:
        assert Path(line).resolve().is_relative_to(root), (line, root)
        assert not Path(line).resolve().is_relative_to(REPO)
    assert out[3] == framing.__version__


def test_codebooks_and_version(venv):
    listed = _in_venv(venv, "codebooks").stdout
    assert all(c in listed for c in BUILTINS), listed
    assert _in_venv(venv, "--version").stdout.strip() == f"framing {framing.__version__}"



def test_app_serves_the_demo_and_stops_with_sigterm(venv):
    port = free_port()
    log = venv["cwd"] / "app.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([str(venv["bin"] / "framing"), "app", "--port", str(port)], env=venv["env"],
                                cwd=venv["cwd"], stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, proc, log)  # the health endpoint answers "ok"
        with urllib.request.urlopen(url, timeout=10) as resp:
            assert resp.status == 200 and b'id="root"' in resp.read()
        servers = psutil.Process(proc.pid).children(recursive=True)
        scripts = [a for s in servers for a in s.cmdline() if a.endswith("main.py")]
        assert scripts and all(Path(a).resolve().is_relative_to(venv["root"].resolve()) for a in scripts), scripts
        if CHROMIUM.exists():
            _demo_in_browser(url)
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=30) == 128 + signal.SIGTERM
        _, alive = psutil.wait_procs(servers, timeout=30)
        assert alive == [], f"still running after SIGTERM: {alive}"
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)


def _demo_in_browser(url: str) -> None:
    """The Events page of the demo corpus renders (scored by the installed package)."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM),
                                     args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        try:
            page = browser.new_page()
            page.goto(url)
            page.locator(".outlet-name").first.wait_for(timeout=180_000)
            assert page.get_by_test_id("stSidebarNav").get_by_text("Codebook", exact=True).is_visible()
            assert page.get_by_test_id("stException").count() == 0
        finally:
            browser.close()
