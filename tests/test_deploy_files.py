"""The deployment recipes (deploy/), checked by each tool's own config validation.

HAProxy's `-c` on the compose proxy's config and on the one `make serve` writes; Compose's
`config` (Debian's docker-compose) on compose.yaml; kubernetes-validate (the API's schemas,
no cluster needed) on kubernetes.yaml; the Dockerfile's non-root user and health check. Building
and running the image needs a container engine: that test runs where `docker info` answers and
says why it skips where it does not (this machine has the docker client only).
"""
import os
import shutil
import subprocess
import sys

import pytest

from deploy.serve import COOKIE, haproxy_config
from devtools import services
from devtools.paths import ROOT

DEPLOY = ROOT / "deploy"
KEY = "k" * 40


def test_the_compose_proxy_config_is_valid():
    haproxy = services.require("haproxy")
    r = subprocess.run([haproxy, "-c", "-f", str(DEPLOY / "haproxy.cfg")], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    text = (DEPLOY / "haproxy.cfg").read_text()
    for must in ("cookie NNSERVER insert", "option httpchk GET /_stcore/health", "timeout tunnel", "option redispatch"):
        assert must in text


def test_the_proxy_config_make_serve_writes_is_valid(tmp_path):
    haproxy = services.require("haproxy")
    cfg = tmp_path / "h.cfg"
    cfg.write_text(haproxy_config([("app1", "127.0.0.1", 8601), ("app2", "127.0.0.1", 8602)], 8501,
                                  stats_socket=str(tmp_path / "s.sock")))
    r = subprocess.run([haproxy, "-c", "-f", str(cfg)], capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    text = cfg.read_text()
    assert f"cookie {COOKIE} insert" in text and "server app2 127.0.0.1:8602 check cookie app2" in text


@pytest.mark.slow  # ~2 s (make quick leaves it to test-core)
def test_the_compose_file_is_valid_and_needs_the_key():
    compose = shutil.which("docker-compose")
    if compose is None:
        if os.environ.get("CI"):
            pytest.fail("docker-compose not found: install Debian's docker-compose package (.ci/run does)")
        pytest.skip("docker-compose not found")
    f = str(DEPLOY / "compose.yaml")
    ok = subprocess.run([compose, "-f", f, "config"], capture_output=True, text=True,
                        env={**os.environ, "NN_CLASSROOM_KEY": KEY})
    assert ok.returncode == 0, ok.stderr
    assert "NN_POLL_REDIS_URL: redis://redis:6379/0" in ok.stdout and "haproxy" in ok.stdout
    env = {k: v for k, v in os.environ.items() if k != "NN_CLASSROOM_KEY"}
    missing = subprocess.run([compose, "-f", f, "config", "-q"], capture_output=True, text=True, env=env)
    assert missing.returncode != 0 and "NN_CLASSROOM_KEY" in missing.stderr  # one shared key, never a default


def test_the_kubernetes_example_is_valid():
    r = subprocess.run([sys.executable, "-m", "kubernetes_validate", str(DEPLOY / "kubernetes.yaml")],
                       capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
    text = (DEPLOY / "kubernetes.yaml").read_text()
    assert "sessionAffinity: ClientIP" in text and "/_stcore/health" in text and "runAsNonRoot: true" in text


def test_the_dockerfile_runs_as_a_user_and_checks_its_health():
    text = (DEPLOY / "Dockerfile").read_text()
    lines = [line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")]
    users = [line for line in lines if line.startswith("USER ")]
    assert users and users[-1] != "USER root" and "HEALTHCHECK" in text and "/_stcore/health" in text
    assert lines.index(users[-1]) < next(i for i, line in enumerate(lines) if line.startswith("CMD"))


def _engine() -> str:
    docker = shutil.which("docker")
    if docker is None:
        return "no docker client"
    r = subprocess.run([docker, "info"], capture_output=True, text=True)
    return "" if r.returncode == 0 else f"no container engine answers `docker info`: {r.stderr.strip()[:200]}"


@pytest.mark.slow
@pytest.mark.scale
def test_the_image_builds_runs_and_is_healthy():
    why = _engine()
    if why:
        pytest.skip(why)
    tag = "nn-explainer-test"
    subprocess.run(["docker", "build", "-f", str(DEPLOY / "Dockerfile"), "-t", tag, str(ROOT)], check=True)
    run = subprocess.run(["docker", "run", "-d", "-m", "690m", "-e", f"NN_CLASSROOM_KEY={KEY}", tag],
                         capture_output=True, text=True, check=True)
    cid = run.stdout.strip()
    try:
        for _ in range(90):
            state = subprocess.run(["docker", "inspect", "-f", "{{.State.Health.Status}}", cid],
                                   capture_output=True, text=True).stdout.strip()
            if state in ("healthy", "unhealthy"):
                break
            subprocess.run(["sleep", "2"])
        assert state == "healthy"
        user = subprocess.run(["docker", "exec", cid, "id", "-u"], capture_output=True, text=True).stdout.strip()
        assert user != "0"
    finally:
        subprocess.run(["docker", "rm", "-f", cid], capture_output=True)
