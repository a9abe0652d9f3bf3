"""``framing app``: loopback by default, a token for any other address, and the server stops with it.

The launcher tests start the real ``framing app`` (Streamlit serving ``framing/app/main.py``) on a
free port and read the listening address from the kernel (psutil); the gate tests drive the main
page with streamlit's AppTest.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import psutil
import pytest
from typer.testing import CliRunner

from framing.cli import app
from framing.cli import app_cmd

from _browser import free_port, wait_healthy

REPO = Path(__file__).resolve().parents[1]
MAIN = REPO / "framing" / "app" / "main.py"
TOKEN = "team-token-0123456789"
CHROMIUM = Path(os.environ.get("FRAMING_CHROMIUM", "/usr/bin/chromium"))



# ---------------------------------------------------------------- the launcher's checks (no server)
@pytest.fixture
def served(monkeypatch):
    """Record what ``framing app`` would run instead of starting Streamlit."""
    calls = []
    monkeypatch.setattr(app_cmd, "serve", lambda cmd, env: calls.append((cmd, env)) or 0)
    monkeypatch.delenv(app_cmd.TOKEN_ENV, raising=False)
    return calls


def _option(cmd: list[str], name: str) -> str:
    return cmd[cmd.index(name) + 1]


@pytest.mark.parametrize("host,loopback", [("127.0.0.1", True), ("127.0.0.2", True), ("localhost", True),
                                           ("::1", True), ("[::1]", True), ("0.0.0.0", False), ("::", False),
                                           ("192.168.1.5", False), ("example.org", False)])
def test_is_loopback(host, loopback):
    assert app_cmd.is_loopback(host) is loopback


def test_default_is_loopback_without_a_token(served):
    result = CliRunner().invoke(app, ["app", "--port", "8600"])
    assert result.exit_code == 0, result.output
    (cmd, env), = served
    assert _option(cmd, "--server.address") == "127.0.0.1"
    assert _option(cmd, "--server.port") == "8600"
    assert Path(cmd[cmd.index("run") + 1]) == MAIN
    assert _option(cmd, "--server.enableXsrfProtection") == "true"
    assert _option(cmd, "--browser.gatherUsageStats") == "false"
    assert not any(a.startswith("--server.enableCORS") for a in cmd)  # Streamlit's default (on)
    assert app_cmd.TOKEN_ENV not in env


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.168.1.5", "example.org"])
def test_refuses_other_hosts_without_a_token(served, host):
    result = CliRunner().invoke(app, ["app", "--host", host])
    assert result.exit_code == 2
    assert "not a loopback address" in result.output and "FRAMING_APP_TOKEN" in result.output
    assert served == []


def test_other_host_with_a_token(served, monkeypatch):
    result = CliRunner().invoke(app, ["app", "--host", "0.0.0.0", "--token", TOKEN])
    assert result.exit_code == 0, result.output
    monkeypatch.setenv(app_cmd.TOKEN_ENV, TOKEN + "-env")
    result = CliRunner().invoke(app, ["app", "--host", "0.0.0.0"])
    assert result.exit_code == 0, result.output
    (cmd1, env1), (cmd2, env2) = served
    assert _option(cmd1, "--server.address") == _option(cmd2, "--server.address") == "0.0.0.0"
    assert env1[app_cmd.TOKEN_ENV] == TOKEN and env2[app_cmd.TOKEN_ENV] == TOKEN + "-env"
    assert TOKEN not in cmd1  # the server gets the token in its environment, not on its command line


def test_refuses_a_short_token(served):
    result = CliRunner().invoke(app, ["app", "--host", "0.0.0.0", "--token", "abc"])
    assert result.exit_code == 2 and "at least 8" in result.output
    assert served == []


def test_version():
    import framing

    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.output.strip() == f"framing {framing.__version__}"


# ---------------------------------------------------------------- the real server
def _launch(tmp_path: Path, *args: str, token: str | None = None) -> tuple[subprocess.Popen, Path]:
    env = {k: v for k, v in os.environ.items()
           if k not in (app_cmd.TOKEN_ENV, "FRAMING_APP_PATHS", "FRAMING_APP_RESULTS")}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(REPO), env.get("PYTHONPATH")) if p)
    env["FRAMING_DB"] = str(tmp_path / "store.duckdb")
    if token:
        env[app_cmd.TOKEN_ENV] = token
    log = tmp_path / "app.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-c", "from framing.cli import main; main()", "app", *args],
                                cwd=tmp_path, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)  # its own process group, like a terminal job
    return proc, log


def _wait_healthy(proc: subprocess.Popen, log: Path, port: int, timeout: float = 120) -> None:
    wait_healthy(f"http://127.0.0.1:{port}", proc, log, timeout)


def _listening(pids: list[int], port: int) -> set[str]:
    addresses = set()
    for pid in pids:
        try:
            conns = psutil.Process(pid).net_connections(kind="tcp")
        except psutil.NoSuchProcess:
            continue
        addresses |= {c.laddr.ip for c in conns if c.status == psutil.CONN_LISTEN and c.laddr.port == port}
    return addresses


def _stop_all(proc: subprocess.Popen) -> None:
    """Clean-up after a failed test: the launcher's whole process group."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=10)


def _all_gone(procs: list[psutil.Process], timeout: float = 30) -> list[psutil.Process]:
    """The processes still running after ``timeout`` seconds."""
    _, alive = psutil.wait_procs(procs, timeout=timeout)
    return alive


def test_serves_on_loopback_and_sigterm_stops_the_server(tmp_path):
    port = free_port()
    proc, log = _launch(tmp_path, "--port", str(port))
    try:
        _wait_healthy(proc, log, port)
        launcher = psutil.Process(proc.pid)
        servers = launcher.children(recursive=True)
        assert servers, "framing app runs Streamlit as a child process"
        assert any(str(MAIN) in " ".join(s.cmdline()) for s in servers)
        assert _listening([proc.pid] + [s.pid for s in servers], port) == {"127.0.0.1"}
        proc.send_signal(signal.SIGTERM)  # to the launcher only, as a service manager would
        assert proc.wait(timeout=30) == 128 + signal.SIGTERM
        assert _all_gone(servers) == [], log.read_text(errors="replace")[-2000:]
    finally:
        _stop_all(proc)


@pytest.mark.slow
@pytest.mark.browser
def test_all_interfaces_with_a_token_and_ctrl_c_stops_it(tmp_path):
    port = free_port()
    proc, log = _launch(tmp_path, "--host", "0.0.0.0", "--port", str(port), token=TOKEN)
    try:
        _wait_healthy(proc, log, port)
        servers = psutil.Process(proc.pid).children(recursive=True)
        assert _listening([proc.pid] + [s.pid for s in servers], port) == {"0.0.0.0"}
        assert all(s.environ().get(app_cmd.TOKEN_ENV) == TOKEN for s in servers)
        if CHROMIUM.exists():
            _token_prompt_in_browser(f"http://127.0.0.1:{port}")
        os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C in a terminal reaches the whole foreground group
        assert proc.wait(timeout=30) == 128 + signal.SIGINT
        assert _all_gone(servers) == [], log.read_text(errors="replace")[-2000:]
    finally:
        _stop_all(proc)


def _token_prompt_in_browser(url: str) -> None:
    """The page asks for the token (password field) and shows the app only after it."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM),
                                     args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"])
        try:
            page = browser.new_page()
            page.set_default_timeout(60_000)
            page.goto(url)
            field = page.get_by_label("Access token")
            field.wait_for()
            assert field.get_attribute("type") == "password"
            assert page.get_by_test_id("stSidebarNav").count() == 0
            field.fill("wrong-token-123")
            page.get_by_role("button", name="Continue").click()
            page.get_by_text("Wrong token.").wait_for()
            assert page.get_by_test_id("stSidebarNav").count() == 0
            page.get_by_label("Access token").fill(TOKEN)
            page.get_by_role("button", name="Continue").click()
            page.get_by_test_id("stSidebarNav").get_by_text("Corpus", exact=True).wait_for()
            # the prompt goes when the first page's script run ends (it scores the demo corpus first)
            page.get_by_label("Access token").wait_for(state="detached", timeout=180_000)
        finally:
            browser.close()


# ---------------------------------------------------------------- the token gate on the main page
@pytest.fixture
def gated(monkeypatch, tmp_path):
    pytest.importorskip("streamlit")
    monkeypatch.setenv("FRAMING_APP_TOKEN", TOKEN)
    monkeypatch.setenv("FRAMING_DB", str(tmp_path / "store.duckdb"))
    monkeypatch.delenv("FRAMING_APP_PATHS", raising=False)
    monkeypatch.delenv("FRAMING_APP_RESULTS", raising=False)
    monkeypatch.setattr("framing.app.auth._FAIL_DELAY_S", 0.0)

    def make(**query):
        from streamlit.testing.v1 import AppTest

        at = AppTest.from_file(str(MAIN), default_timeout=120)
        at.query_params.update(query)
        at.session_state["_goto_page"] = "corpus"  # a page that needs no scoring, once past the gate
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return make


def _prompted(at) -> bool:
    """Only the token prompt is on the page: a password field, no page title, no sidebar."""
    fields = [t for t in at.text_input if t.label == "Access token"]
    return (len(fields) == 1 and fields[0].proto.type == fields[0].proto.PASSWORD
            and [t.value for t in at.title] == ["framing"] and len(at.text_input) == 1
            and len(at.main.children) == 3 + len(at.error) and len(at.sidebar.children) == 0)


def test_token_prompt_before_any_page(gated):
    at = gated()
    assert _prompted(at)
    at.text_input[0].input("not-the-token")
    at.button[0].click()
    at.run()
    assert [e.value for e in at.error] == ["Wrong token."] and _prompted(at)
    at.text_input[0].input(TOKEN)
    at.button[0].click()
    at.run()
    assert not at.exception and not _prompted(at)
    assert [t.value for t in at.title] == ["Corpus"]
    at.run()  # the session stays signed in
    assert [t.value for t in at.title] == ["Corpus"]


def test_token_in_the_link_once(gated):
    at = gated(token=TOKEN)
    assert not _prompted(at) and [t.value for t in at.title] == ["Corpus"]
    assert "token" not in at.query_params  # dropped from the address bar
    wrong = gated(token="nope-nope-nope")
    assert _prompted(wrong) and "not this server's token" in wrong.error[0].value


def test_no_token_no_gate(gated, monkeypatch):
    monkeypatch.delenv("FRAMING_APP_TOKEN")
    at = gated()
    assert not _prompted(at) and [t.value for t in at.title] == ["Corpus"]


def test_token_matches():
    from framing.app.auth import token_matches

    assert token_matches(TOKEN, TOKEN)
    assert not token_matches(TOKEN[:-1], TOKEN)
    assert not token_matches("", "")
    assert not token_matches("ü-token-1234", "u-token-1234")
