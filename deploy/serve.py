"""N copies of the app behind HAProxy on one machine: `make serve REPLICAS=4`, or

    python -m deploy.serve --replicas 4 [--port 8501] [--no-redis] [--memory-mb 690] [--pin]

What the copies share, and how:
- sessions stick to a copy: HAProxy sets a cookie (NNSERVER) on the first answer and sends every
  later request of that browser (page, websocket, uploads) to the same copy; a new browser goes to
  the copy with the fewest connections (balance leastconn: one websocket per open tab);
- the class-link key: one secret for all (NN_CLASSROOM_KEY; made once and kept in
  .streamlit/classroom_key when none is set), so a link signed through one copy works on every copy;
- the class poll's answers: one Redis (Debian's redis-server, started here; NN_POLL_REDIS_URL),
  so answers sent through every copy are counted together.
Per copy: its sessions, their models and runs, its training slots and line (max_trainings each),
its memory budget (--memory-mb, or the container's limit).
Faults: HAProxy checks /_stcore/health every 2 s; a copy that fails two checks gets no new
requests, and its browsers' next requests go to another copy (option redispatch), where the
app says the session is a fresh one (server/reconnects.py); a copy that comes back is taken back
after two good checks. `Deployment` is what tests and benchmarks start (kill, restart a copy).
Leaves out: TLS (put it in front of HAProxy, or add a `bind ... ssl crt` line), containers
(Dockerfile, compose.yaml, kubernetes.yaml beside this file).
"""
from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
COOKIE = "NNSERVER"
KEY_FILE = ROOT / ".streamlit" / "classroom_key"


def haproxy_config(backends: list[tuple[str, str, int]], port: int, bind: str = "127.0.0.1",
                   stats_socket: str | None = None) -> str:
    """An HAProxy config: one frontend on bind:port, the copies (name, host, port) behind it."""
    lines = [
        "global",
        "    maxconn 4096",
        *([f"    stats socket {stats_socket} mode 600 level admin"] if stats_socket else []),
        "defaults",
        "    mode http",
        "    option redispatch",              # a request for a copy that is down goes to another one
        "    retries 2",
        "    timeout connect 3s",
        "    timeout client 60s",
        "    timeout server 60s",
        "    timeout tunnel 2h",              # a websocket lives as long as its tab (a lesson)
        "    timeout http-request 10s",
        "frontend app",
        f"    bind {bind}:{port}",
        "    default_backend copies",
        "backend copies",
        "    balance leastconn",              # one long-lived websocket per tab: spread the tabs
        f"    cookie {COOKIE} insert indirect nocache httponly",
        "    option httpchk GET /_stcore/health",
        "    http-check expect status 200",
        "    default-server inter 2s fall 2 rise 2",  # down after 2 failed checks (4 s), back after 2 good ones
        "    http-response set-header X-Served-By %[srv_name]",
        *[f"    server {name} {host}:{p} check cookie {name}" for name, host, p in backends],
    ]
    return "\n".join(lines) + "\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_health(url: str, timeout: float, proc: subprocess.Popen | None = None) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        if proc is not None and proc.poll() is not None:
            raise RuntimeError(f"{url} exited with code {proc.returncode}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} not healthy after {timeout:.0f} s")
        time.sleep(0.2)


def class_key() -> str:
    """NN_CLASSROOM_KEY, or the key kept in .streamlit/classroom_key (made now if there is none)."""
    key = os.environ.get("NN_CLASSROOM_KEY", "").strip()
    if key:
        return key
    if KEY_FILE.exists() and len(KEY_FILE.read_text().strip()) >= 32:
        return KEY_FILE.read_text().strip()
    key = secrets.token_hex(32)
    KEY_FILE.parent.mkdir(exist_ok=True)
    tmp = KEY_FILE.with_suffix(".tmp")
    tmp.write_text(key)
    tmp.replace(KEY_FILE)
    return key


class Deployment:
    """Redis, N copies and HAProxy, as processes of this one; `stop()` ends them all."""

    def __init__(self, replicas: int = 2, port: int | None = None, redis: bool = True, root: Path = ROOT,
                 env: dict | None = None, logs: Path | None = None, pin: bool = False, python: str = sys.executable):
        self.replicas, self.port, self.use_redis, self.root = replicas, port or free_port(), redis, root
        self.env, self.pin, self.python = dict(env or {}), pin, python
        self.dir = Path(tempfile.mkdtemp(prefix="nn-serve-"))
        self.logs = logs or self.dir
        self.logs.mkdir(parents=True, exist_ok=True)
        self.url = f"http://127.0.0.1:{self.port}"
        self.copies: list[dict] = []     # name, port, proc, log
        self.redis: subprocess.Popen | None = None
        self.redis_url = ""
        self.haproxy: subprocess.Popen | None = None
        self.stats_socket = str(self.dir / "haproxy.sock")

    # -------------------------------------------------- the parts
    def _copy_env(self, name: str) -> dict:
        env = {**os.environ, "NN_CLASSROOM_KEY": self.key, "NN_SERVER_NAME": name, **self.env}
        if self.redis_url:
            env["NN_POLL_REDIS_URL"] = self.redis_url
        return env

    def start_copy(self, i: int) -> dict:
        """Start copy i (again, on its port, if it ran before)."""
        name = f"app{i + 1}"
        port = self.copies[i]["port"] if i < len(self.copies) else free_port()
        log = open(self.logs / f"{name}.log", "a")
        cpus = sorted(os.sched_getaffinity(0))
        preexec = (lambda c=cpus[i % len(cpus)]: os.sched_setaffinity(0, {c})) if self.pin else None
        proc = subprocess.Popen(
            [self.python, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.port", str(port),
             "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
             "--server.fileWatcherType", "none"],
            cwd=self.root, env=self._copy_env(name), stdout=log, stderr=subprocess.STDOUT, preexec_fn=preexec)
        copy = {"name": name, "port": port, "proc": proc, "log": Path(log.name), "url": f"http://127.0.0.1:{port}"}
        if i < len(self.copies):
            self.copies[i] = copy
        else:
            self.copies.append(copy)
        return copy

    def kill_copy(self, i: int, sig: int = signal.SIGKILL) -> None:
        """A copy dies (SIGKILL: no goodbye to its browsers)."""
        proc = self.copies[i]["proc"]
        if proc.poll() is None:
            proc.send_signal(sig)
            proc.wait(20)

    def start_redis(self, port: int | None = None) -> None:
        """Redis for the class poll (memory only: a class's answers last a lesson), on `port`
        (again after it stopped: the copies find it again within a second), else a free one."""
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        rport = port or free_port()
        self.redis = subprocess.Popen([binary, "--port", str(rport), "--bind", "127.0.0.1", "--save", "",
                                       "--appendonly", "no", "--loglevel", "warning"],
                                      stdout=open(self.logs / "redis.log", "a"), stderr=subprocess.STDOUT)
        self.redis_url = f"redis://127.0.0.1:{rport}/0"

    def start(self, timeout: float = 120) -> "Deployment":
        self.key = class_key() if "NN_CLASSROOM_KEY" not in self.env else self.env["NN_CLASSROOM_KEY"]
        if self.use_redis:
            self.start_redis()
        for i in range(self.replicas):
            self.start_copy(i)
        for c in self.copies:
            _wait_health(c["url"], timeout, c["proc"])
        cfg = self.dir / "haproxy.cfg"
        cfg.write_text(haproxy_config([(c["name"], "127.0.0.1", c["port"]) for c in self.copies], self.port,
                                      stats_socket=self.stats_socket))
        binary = shutil.which("haproxy") or "/usr/sbin/haproxy"
        subprocess.run([binary, "-c", "-q", "-f", str(cfg)], check=True)
        self.haproxy = subprocess.Popen([binary, "-db", "-f", str(cfg)], stdout=open(self.logs / "haproxy.log", "a"),
                                        stderr=subprocess.STDOUT)
        _wait_health(self.url, timeout, self.haproxy)
        self.wait_servers_up(timeout)
        return self

    def servers(self) -> dict[str, str]:
        """HAProxy's view: copy name -> "UP", "DOWN", ... (its stats socket)."""
        with socket.socket(socket.AF_UNIX) as s:
            s.connect(self.stats_socket)
            s.sendall(b"show stat\n")
            data = b""
            while chunk := s.recv(65536):
                data += chunk
        out = {}
        for line in data.decode().splitlines():
            f = line.split(",")
            if len(f) > 17 and f[0] == "copies" and f[1] not in ("BACKEND", "FRONTEND"):
                out[f[1]] = f[17].split(" ")[0]
        return out

    def wait_servers_up(self, timeout: float = 60, names: set[str] | None = None) -> float:
        """Seconds until HAProxy counts these copies (all by default) as UP."""
        t0, names = time.monotonic(), names or {c["name"] for c in self.copies}
        while True:
            state = self.servers()
            if all(state.get(n) == "UP" for n in names):
                return time.monotonic() - t0
            if time.monotonic() - t0 > timeout:
                raise RuntimeError(f"copies not up after {timeout:.0f} s: {state}")
            time.sleep(0.2)

    def stop(self) -> None:
        for p in [self.haproxy, *(c["proc"] for c in self.copies), self.redis]:
            if p is not None and p.poll() is None:
                p.terminate()
        for p in [self.haproxy, *(c["proc"] for c in self.copies), self.redis]:
            if p is not None:
                try:
                    p.wait(15)
                except subprocess.TimeoutExpired:
                    p.kill()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> "Deployment":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--replicas", type=int, default=2)
    ap.add_argument("--port", type=int, default=8501, help="where the proxy listens")
    ap.add_argument("--bind", default="127.0.0.1", help="the proxy's address (0.0.0.0: every interface)")
    ap.add_argument("--no-redis", action="store_true", help="keep the class poll in each copy (not shared)")
    ap.add_argument("--memory-mb", type=int, default=0, help="each copy's memory budget (NN_MEMORY_MB)")
    ap.add_argument("--pin", action="store_true", help="pin copy i to core i (mod the cores there are)")
    args = ap.parse_args()
    env = {"NN_MEMORY_MB": str(args.memory_mb)} if args.memory_mb else {}
    d = Deployment(args.replicas, port=args.port, redis=not args.no_redis, env=env, pin=args.pin,
                   logs=ROOT / "artifacts" / "serve")
    try:
        d.start()
        if args.bind != "127.0.0.1":  # again, listening where asked
            d.haproxy.terminate()
            d.haproxy.wait(10)
            cfg = d.dir / "haproxy.cfg"
            cfg.write_text(haproxy_config([(c["name"], "127.0.0.1", c["port"]) for c in d.copies], args.port,
                                          bind=args.bind, stats_socket=d.stats_socket))
            d.haproxy = subprocess.Popen([shutil.which("haproxy") or "/usr/sbin/haproxy", "-db", "-f", str(cfg)])
        print(f"{args.replicas} copies behind HAProxy at http://{args.bind}:{args.port} "
              f"({', '.join(c['url'] for c in d.copies)}); class poll: "
              f"{d.redis_url or 'in each copy'}; logs in {d.logs}. Ctrl-C stops everything.", flush=True)
        while all(p.poll() is None for p in [d.haproxy]):
            time.sleep(1)
    except KeyboardInterrupt:
        pass
    finally:
        d.stop()


if __name__ == "__main__":
    main()
