"""The production topology of deploy/compose.yaml as plain processes on this machine (no container engine here).

The same commands as the compose file, with production settings: N daphne web processes behind nginx (the rules of
deploy/nginx.conf: websockets upgraded, /metrics kept off, X-Request-ID passed on), M task workers
(`manage.py run_worker`), K schedulers (`manage.py run_scheduler`), on the PostgreSQL, Redis, Elasticsearch and
MinIO that scripts/services runs. Its own database (`homeward_cluster`), Redis database 8, index prefix and bucket.

    eval "$(scripts/services env)"
    deploy/local-cluster start [--web 2 --workers 2 --schedulers 2]   # prepare as first-start does, then serve
    deploy/local-cluster stop

bench/cluster.py drives it to prove the multi-process guarantees; the test suite starts a small one.
"""

import argparse
import base64
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")
DAPHNE = str(ROOT / ".venv" / "bin" / "daphne")
STATE_FILE = "cluster.json"


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _database_url(url, name):
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def cluster_environment(run_dir, database="homeward_cluster", extra=None):
    """Production settings pointed at the services of scripts/services (whose variables must be exported)."""
    missing = [
        name
        for name in ("DATABASE_URL", "REDIS_URL", "ELASTICSEARCH_URL", "S3_TEST_ENDPOINT_URL")
        if not os.environ.get(name)
    ]
    if missing:
        raise SystemExit(f'local-cluster: {", ".join(missing)} not set: run eval "$(scripts/services env)" first.')
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(
            ("DJANGO_", "STRIPE_", "SEARCH_", "TASKS_", "MEDIA_", "AWS_", "PYTEST", "HOMEWARD_PROCESS")
        )
    }
    environment.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(60),
        TRACE_SIGNING_KEY=base64.b64encode(secrets.token_bytes(32)).decode(),
        DJANGO_ALLOWED_HOSTS="127.0.0.1,localhost",
        DJANGO_SECURE_SSL_REDIRECT="0",  # plain HTTP on loopback; production terminates TLS in front
        DATABASE_URL=_database_url(os.environ["DATABASE_URL"], database),
        REDIS_URL=urlunsplit(urlsplit(os.environ["REDIS_URL"])._replace(path="/8")),
        SEARCH_ENGINE="elasticsearch",
        ELASTICSEARCH_URL=os.environ["ELASTICSEARCH_URL"],
        SEARCH_INDEX_PREFIX=database.replace("_", "-"),
        TASKS_BACKEND="django_tasks_db.DatabaseBackend",
        MEDIA_STORAGE="s3",
        AWS_S3_ENDPOINT_URL=os.environ["S3_TEST_ENDPOINT_URL"],
        AWS_ACCESS_KEY_ID=os.environ["S3_TEST_ACCESS_KEY_ID"],
        AWS_SECRET_ACCESS_KEY=os.environ["S3_TEST_SECRET_ACCESS_KEY"],
        AWS_STORAGE_BUCKET_NAME=database.replace("_", "-"),
        STRIPE_SECRET_KEY="sk_test_cluster",  # noqa: S106 (stripe-mock or nothing; never Stripe)
        STRIPE_WEBHOOK_SECRET="whsec_cluster_homeward",  # noqa: S106 (a throwaway endpoint secret)
        STRIPE_API_BASE=os.environ.get("STRIPE_API_BASE", ""),
        EMAIL_BACKEND="django.core.mail.backends.console.EmailBackend",
        LOG_FORMAT="json",
        LOG_LEVEL="INFO",
        TASK_WORKER_HEARTBEAT_SECONDS="2",
        TASK_WORKER_LOST_AFTER_SECONDS="10",
        SITE_BASE_URL="http://127.0.0.1",
        SITE_BASE_URL_ALLOW_LOCAL="1",  # production settings refuse a loopback or http address without it
    )
    environment.update(extra or {})
    return environment


NGINX_MAIN = """
worker_processes 1;
pid {run}/nginx.pid;
error_log {run}/nginx-error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log {run}/nginx-access.log;
    client_body_temp_path {run}/nginx-body;
    proxy_temp_path {run}/nginx-proxy;
    fastcgi_temp_path {run}/nginx-fastcgi;
    uwsgi_temp_path {run}/nginx-uwsgi;
    scgi_temp_path {run}/nginx-scgi;
    upstream homeward_web {{
{servers}
    }}
    include {run}/site.conf;
}}
"""


def render_nginx_site(port, minio):
    """deploy/nginx.conf with loopback addresses: one file of rules for the container and the process topology."""
    text = (ROOT / "deploy" / "nginx.conf").read_text()
    text = "\n".join(line for line in text.splitlines() if not line.startswith("resolver "))
    text = text.replace("listen 80", f"listen 127.0.0.1:{port}")
    text = text.replace("set $web http://web:8000;", "set $web http://homeward_web;")
    return text.replace("set $store http://minio:9000;", f"set $store {minio};")


class LocalCluster:
    def __init__(self, run_dir, web=2, workers=2, schedulers=2, database="homeward_cluster", extra_env=None):
        self.run_dir = Path(run_dir)
        self.counts = {"web": web, "worker": workers, "scheduler": schedulers}
        self.env = cluster_environment(self.run_dir, database, extra_env)
        self.database = database
        self.processes = {}  # name -> Popen
        self.web_ports = []
        self.proxy_port = None
        self.metrics_ports = {"worker": [], "scheduler": []}

    # ---------------------------------------------------------------- first start
    def manage(self, *args, check=True, env=None):
        result = subprocess.run(  # noqa: S603 (our interpreter, fixed arguments)
            [PYTHON, "manage.py", *args], cwd=ROOT, env={**self.env, **(env or {})}, capture_output=True, text=True
        )
        if check and result.returncode != 0:
            raise SystemExit(
                f"local-cluster: manage.py {' '.join(args)} failed:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
            )
        return result

    def first_start(self, staff_email="staff@cluster.test", staff_password=None):
        """What deploy/first-start does, without a terminal: a fresh database, migrate, prepare, index, staff."""
        self.run_dir.mkdir(parents=True, exist_ok=True)
        self._recreate_database()
        self.manage("migrate", "--noinput")
        self.manage("prepare_site", "--skip-township-pages")
        self.manage("rebuild_search_index", env={"SEARCH_TIMEOUT_SECONDS": "60"})  # bulk requests of a rebuild
        self.manage(
            "createsuperuser",
            "--noinput",
            "--email",
            staff_email,
            env={"DJANGO_SUPERUSER_PASSWORD": staff_password or secrets.token_urlsafe(16)},
        )
        # Checked with HTTPS redirection on, as behind the TLS-terminating proxy of production; these loopback
        # processes serve plain HTTP with it off.
        checked = self.manage(
            "check", "--deploy", "--fail-level", "WARNING", check=False, env={"DJANGO_SECURE_SSL_REDIRECT": "1"}
        )
        if checked.returncode != 0:
            raise SystemExit(f"manage.py check --deploy failed:\n{checked.stdout}{checked.stderr}")
        return checked.stdout.strip()

    def _recreate_database(self):
        import psycopg

        admin = os.environ["DATABASE_URL"]
        with psycopg.connect(admin, autocommit=True) as connection:
            connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s", [self.database]
            )
            connection.execute(f'DROP DATABASE IF EXISTS "{self.database}"')
            connection.execute(f'CREATE DATABASE "{self.database}"')

    # ---------------------------------------------------------------- processes
    def _spawn(self, name, command, role):
        log = open(self.run_dir / f"{name}.log", "ab")  # noqa: SIM115 (the child keeps it open)
        env = {**self.env, "HOMEWARD_PROCESS_ROLE": role}
        self.processes[name] = subprocess.Popen(  # noqa: S603 (our own commands)
            command, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        return self.processes[name]

    def start(self):
        self.run_dir.mkdir(parents=True, exist_ok=True)
        for number in range(1, self.counts["web"] + 1):
            port = free_port()
            self.web_ports.append(port)
            self._spawn(
                f"web-{number}",
                [DAPHNE, "-v", "1", "-b", "127.0.0.1", "-p", str(port), "--proxy-headers", "config.asgi:application"],
                "web",
            )
        for number in range(1, self.counts["worker"] + 1):
            self.start_worker(number)
        for number in range(1, self.counts["scheduler"] + 1):
            port = free_port()
            self.metrics_ports["scheduler"].append(port)
            self._spawn(
                f"scheduler-{number}",
                [PYTHON, "manage.py", "run_scheduler", "--interval", "2", "--metrics-port", str(port)],
                "scheduler",
            )
        self._start_proxy()
        for port in self.web_ports:
            self.wait_for(f"http://127.0.0.1:{port}/healthz")
        self.wait_for(f"http://127.0.0.1:{self.proxy_port}/healthz")
        self._save_state()

    def start_worker(self, number):
        port = free_port()
        self.metrics_ports["worker"].append(port)
        worker_id = f"worker-{number}-{secrets.token_hex(3)}"
        return self._spawn(
            f"worker-{number}",
            [
                PYTHON,
                "manage.py",
                "run_worker",
                "--interval",
                "0.2",
                "--no-reload",
                "--worker-id",
                worker_id,
                "--metrics-port",
                str(port),
            ],
            "worker",
        )

    def _start_proxy(self):
        nginx = shutil.which("nginx") or "/usr/sbin/nginx"
        if not os.path.exists(nginx):
            # Not needed by the tests, so not installed with the services: installed the first time a cluster starts.
            installer = ROOT / "scripts" / "services"
            if subprocess.run([str(installer), "install", "nginx"], check=False).returncode != 0:
                raise SystemExit(f"local-cluster: nginx is missing; {installer} install nginx failed")
        self.proxy_port = free_port()
        # Each request to the process with the fewest in flight: round robin kept sending requests to a process
        # whose queue had grown behind slower requests (bench/load.py, p95 at 64 connections). Connections to the
        # processes are kept open between requests (deploy/nginx.conf clears the Connection header for them): a
        # new one per request cost each process an accept, a protocol and a close (bench/README.md, twelfth session).
        servers = "        least_conn;\n" + "\n".join(f"        server 127.0.0.1:{port};" for port in self.web_ports)
        servers += "\n        keepalive 32;"
        (self.run_dir / "nginx.conf").write_text(NGINX_MAIN.format(run=self.run_dir, servers=servers))
        (self.run_dir / "site.conf").write_text(render_nginx_site(self.proxy_port, self.env["AWS_S3_ENDPOINT_URL"]))
        self.processes["proxy"] = subprocess.Popen(  # noqa: S603
            [nginx, "-p", str(self.run_dir), "-c", str(self.run_dir / "nginx.conf"), "-g", "daemon off;"],
            cwd=self.run_dir,
            stdout=open(self.run_dir / "proxy.log", "ab"),  # noqa: SIM115
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_for(self, url, seconds=120):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback)
                    if response.status == 200:
                        return
            except OSError:
                pass
            for name, process in self.processes.items():
                if process.poll() is not None:
                    raise SystemExit(
                        f"local-cluster: {name} exited ({process.returncode}); see {self.run_dir}/{name}.log"
                    )
            time.sleep(0.5)
        raise SystemExit(f"local-cluster: {url} did not answer within {seconds} s")

    def kill(self, name, sig=signal.SIGKILL):
        process = self.processes[name]
        os.killpg(process.pid, sig)
        process.wait(timeout=30)

    def stop(self):
        for process in self.processes.values():
            if process.poll() is None:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
        for process in self.processes.values():
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        (self.run_dir / STATE_FILE).unlink(missing_ok=True)

    def _save_state(self):
        state = {
            "pids": {name: process.pid for name, process in self.processes.items()},
            "web_ports": self.web_ports,
            "proxy_port": self.proxy_port,
        }
        (self.run_dir / STATE_FILE).write_text(json.dumps(state, indent=2))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def stop_from_state(run_dir):
    """`local-cluster stop`: signal the process groups recorded by `start` (each checked to still be ours)."""
    path = Path(run_dir) / STATE_FILE
    if not path.exists():
        print("local-cluster: nothing recorded as running")
        return
    state = json.loads(path.read_text())
    for name, pid in state["pids"].items():
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        if str(ROOT) in cmdline or "nginx" in cmdline:
            os.killpg(pid, signal.SIGTERM)
            print(f"stopped {name} (pid {pid})")
    path.unlink()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("action", choices=["start", "stop"])
    parser.add_argument("--web", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--schedulers", type=int, default=1)
    parser.add_argument("--run-dir", default=str(ROOT / "var" / "local-cluster"))
    options = parser.parse_args()
    if options.action == "stop":
        stop_from_state(options.run_dir)
        return
    cluster = LocalCluster(options.run_dir, web=options.web, workers=options.workers, schedulers=options.schedulers)
    print(cluster.first_start(staff_password=os.environ.get("DJANGO_SUPERUSER_PASSWORD")))
    cluster.start()
    print(
        f"Homeward is served on http://127.0.0.1:{cluster.proxy_port}/ by {options.web} web processes, "
        f"{options.workers} workers and {options.schedulers} scheduler(s); logs in {options.run_dir}."
    )
    print("Press Ctrl-C to stop.")
    try:
        signal.pause()
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main()
