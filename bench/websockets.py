"""Live funding progress to 1,000 open project pages: time from a confirmed payment to each page, and memory.

A real ASGI server (daphne, as `make run` and production run it; `--server-processes N` starts N of them on one
shared listening socket, as production runs one per core) serves config.asgi with the Redis channel layer
(config.settings: the pub/sub flavour) and PostgreSQL. The bench builds one public project with a donation
campaign in its own database `homeward_bench_ws` (dropped and made again each run), opens N websocket clients on
/ws/projects/<id>/, then records confirmed payments exactly as the payment webhook handler does (a LedgerEntry and
ledger.announce_progress in one transaction) and times, for every client, commit → funding.progress received.

    eval "$(scripts/services env)"        # with your HOMEWARD_PG_PORT etc. exported
    .venv/bin/python bench/websockets.py [--clients 1000] [--payments 20] [--server-processes 1]
                                         [--client-processes 2]

Baseline (same run, same server): the same payments with a single client connected.
Memory: the server processes' resident set size (VmRSS) before and after the clients connect, divided by N.
The clients are minimal RFC 6455 clients (asyncio Protocols) in `--client-processes` processes of their own, on
the same 2 cores: the bench prints the CPU time the server processes and the client processes spent per payment,
so the clients' share of the machine is visible next to the server's.
"""

import argparse
import asyncio
import base64
import json
import os
import resource
import signal
import socket
import struct
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DATABASE = "homeward_bench_ws"


def fresh_database(url):
    import psycopg

    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin, autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {BENCH_DATABASE}")
    return urlunsplit(parts._replace(path=f"/{BENCH_DATABASE}"))


def raise_open_files(wanted):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    target = min(max(soft, wanted), hard)
    resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
    return target


def build_project():
    """One live public project page with a listing and a donation campaign (what a project page needs)."""
    import datetime

    from django.utils import timezone
    from wagtail.models import Page

    from accounts.models import Organisation, User
    from cms.models import ProjectPage
    from marketplace.models import DonationCampaign, EnterpriseProfile, ProjectListing
    from places.models import County, Township

    county = County.objects.create(code="10014", name_zh="臺東縣", name_en="Taitung County")
    township = Township.objects.create(
        code="10014030", county=county, name_zh="關山鎮", name_en="Guanshan", latitude=23.05, longitude=121.16
    )
    organisation = Organisation.objects.create(kind=Organisation.Kind.ENTERPRISE, name="關山米食堂", slug="guanshan")
    profile = EnterpriseProfile.objects.create(organisation=organisation, township=township)
    project = Page.get_first_root_node().add_child(
        instance=ProjectPage(title="關山米", slug="guanshan-rice", township=township, live=True)
    )
    listing = ProjectListing.objects.create(project=project, enterprise=profile)
    DonationCampaign.objects.create(
        listing=listing,
        goal_twd=1_000_000,
        deadline=timezone.localdate() + datetime.timedelta(days=30),
        funding_model=DonationCampaign.Model.KEEP_WHAT_YOU_RAISE,
    )
    backer = User.objects.create_user("backer@example.tw", "pw-for-bench-123")
    return listing, backer


def confirm_payment(listing, backer, number):
    """What the webhook handler does for a confirmed charge; returns the wall-clock time the commit finished."""
    from django.db import transaction
    from django.utils import timezone

    from payments import ledger
    from payments.ledger import write_entry
    from payments.models import Backing, LedgerEntry

    with transaction.atomic():
        backing = Backing.objects.create(
            kind=Backing.Kind.DONATION, status=Backing.Status.PAID, listing=listing, backer=backer, amount_twd=100
        )
        write_entry(
            kind=LedgerEntry.Kind.PAYMENT,
            listing=listing,
            backing=backing,
            amount_twd=100,
            source_key=f"charge:bench_{number}",
            occurred_at=timezone.now(),
        )
        committed = [0.0]
        transaction.on_commit(lambda: committed.__setitem__(0, time.time()))  # before announce's own on_commit
        ledger.announce_progress(listing)
    return committed[0]


# --- a minimal websocket client (RFC 6455): enough to receive text frames and answer pings --------------------
# An asyncio Protocol rather than streams: one callback per arrival, no coroutine per frame, so the clients'
# own share of the 2 cores stays small. Clients run in separate processes (`--client-processes`), each with its
# own event loop, so the server and the clients are not measured through one Python loop.


class ClientProtocol(asyncio.Protocol):
    def __init__(self, key):
        self.key = key
        self.buffer = b""
        self.upgraded = asyncio.get_running_loop().create_future()
        self.arrivals = asyncio.Queue()

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        arrived = time.time()
        self.buffer += data
        if not self.upgraded.done():
            head, separator, rest = self.buffer.partition(b"\r\n\r\n")
            if not separator:
                return
            if b" 101 " not in head.split(b"\r\n", 1)[0]:
                self.upgraded.set_exception(ConnectionError(head.split(b"\r\n", 1)[0].decode(errors="replace")))
                return
            self.upgraded.set_result(True)
            self.buffer = rest
        while len(self.buffer) >= 2:
            opcode, length, offset = self.buffer[0] & 0x0F, self.buffer[1] & 0x7F, 2
            if length == 126:
                if len(self.buffer) < 4:
                    return
                (length,), offset = struct.unpack("!H", self.buffer[2:4]), 4
            elif length == 127:
                if len(self.buffer) < 10:
                    return
                (length,), offset = struct.unpack("!Q", self.buffer[2:10]), 10
            if len(self.buffer) < offset + length:
                return
            payload, self.buffer = self.buffer[offset : offset + length], self.buffer[offset + length :]
            if opcode == 0x1:
                self.arrivals.put_nowait((arrived, payload))
            elif opcode == 0x9:
                self.send_frame(0xA, payload)

    def connection_lost(self, exc):
        if not self.upgraded.done():
            self.upgraded.set_exception(exc or ConnectionError("closed during the handshake"))

    def send_frame(self, opcode, payload):
        mask = os.urandom(4)
        masked = bytes(byte ^ mask[index % 4] for index, byte in enumerate(payload))
        self.transport.write(bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + masked)

    def close(self):
        self.send_frame(0x8, struct.pack("!H", 1000))
        self.transport.close()


async def connect(host, port, path):
    """One page opening the socket; retried like live.js does when the server refuses (returns the retries)."""
    loop = asyncio.get_running_loop()
    for attempt in range(10):
        key = base64.b64encode(os.urandom(16)).decode()
        try:
            _transport, client = await loop.create_connection(lambda key=key: ClientProtocol(key), host, port)
            client.transport.write(
                (
                    f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                    f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nOrigin: http://{host}:{port}\r\n\r\n"
                ).encode()
            )
            await asyncio.wait_for(client.upgraded, 60)
            return client, attempt
        except (TimeoutError, ConnectionError, OSError):
            await asyncio.sleep(0.2 * (attempt + 1))
    raise ConnectionError(f"could not connect to {path} after 10 attempts")


async def client_worker(pipe, host, port, path, count):
    """One client process: open `count` sockets, then for every ("next",) report each socket's next arrival."""
    loop = asyncio.get_running_loop()
    clients, retries = [], 0
    for start in range(0, count, 50):  # in batches, as pages open over a moment rather than in one instant
        for client, attempts in await asyncio.gather(
            *(connect(host, port, path) for _ in range(start, min(count, start + 50)))
        ):
            clients.append(client)
            retries += attempts
    pipe.send(("connected", len(clients), retries))
    while True:
        command = await loop.run_in_executor(None, pipe.recv)
        if command[0] == "close":
            for client in clients:
                client.close()
            await asyncio.sleep(0.2)
            pipe.send(("closed", time.process_time()))
            return
        cpu = time.process_time()
        waiting = [asyncio.ensure_future(client.arrivals.get()) for client in clients]
        done, pending = await asyncio.wait(waiting, timeout=30)
        for future in pending:
            future.cancel()
        arrivals = []
        for future in done:
            arrived, payload = future.result()
            assert json.loads(payload)["event"] == "funding.progress"
            arrivals.append(arrived)
        pipe.send(("arrivals", arrivals, len(pending), time.process_time() - cpu))


def run_client_process(pipe, host, port, path, count, open_files):
    raise_open_files(open_files)
    asyncio.run(client_worker(pipe, host, port, path, count))


class ClientProcesses:
    """N clients spread over `processes` processes (fork: they inherit nothing but this module's code)."""

    def __init__(self, host, port, path, count, processes, open_files):
        import multiprocessing

        context = multiprocessing.get_context("fork")
        shares = [count // processes + (1 if index < count % processes else 0) for index in range(processes)]
        self.pipes, self.processes = [], []
        for share in shares:
            parent, child = context.Pipe()
            process = context.Process(
                target=run_client_process, args=(child, host, port, path, share, open_files), daemon=True
            )
            process.start()
            self.pipes.append(parent)
            self.processes.append(process)
        replies = [pipe.recv() for pipe in self.pipes]
        self.count = sum(reply[1] for reply in replies)
        self.retries = sum(reply[2] for reply in replies)

    def collect(self):
        """Every client's next arrival (wall clock), how many got nothing in 30 s, and the clients' CPU seconds."""
        for pipe in self.pipes:
            pipe.send(("next",))
        arrivals, missing, cpu = [], 0, 0.0
        for pipe in self.pipes:
            _kind, times, pending, seconds = pipe.recv()
            arrivals += times
            missing += pending
            cpu += seconds
        return arrivals, missing, cpu

    def close(self):
        for pipe in self.pipes:
            pipe.send(("close",))
        for pipe, process in zip(self.pipes, self.processes, strict=True):
            pipe.recv()
            process.join(timeout=10)


def rss_kib(pids):
    """Resident set size of the server processes together."""
    total = 0
    for pid in pids:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def cpu_seconds(pids):
    """User + system CPU time of the server processes so far."""
    total = 0
    for pid in pids:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])
    return total / os.sysconf("SC_CLK_TCK")


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def run_round(clients, listing, backer, payments, first_number, server_pids):
    """`payments` confirmed payments one after another: every client's latency in ms, and CPU seconds spent."""
    latencies, client_cpu = [], 0.0
    server_cpu = cpu_seconds(server_pids)
    for number in range(first_number, first_number + payments):
        committed = confirm_payment(listing, backer, number)
        arrivals, missing, cpu = clients.collect()
        client_cpu += cpu
        if missing:
            print(f"payment {number}: {missing} of {clients.count} clients got nothing in 30 s")
        latencies += [(arrived - committed) * 1000 for arrived in arrivals]
    return latencies, cpu_seconds(server_pids) - server_cpu, client_cpu


def measure(options, listing, backer, servers, port, open_files):
    from bench.timing import summary

    path = f"/ws/projects/{listing.project_id}/"
    rss_before = rss_kib(servers)

    single = ClientProcesses("127.0.0.1", port, path, 1, 1, open_files)
    run_round(single, listing, backer, 3, 0, servers)  # warm-up
    baseline, _server_cpu, _client_cpu = run_round(single, listing, backer, options.payments, 100, servers)
    single.close()
    time.sleep(1)

    rss_idle = rss_kib(servers)
    started = time.perf_counter()
    clients = ClientProcesses("127.0.0.1", port, path, options.clients, options.client_processes, open_files)
    connect_seconds = time.perf_counter() - started
    time.sleep(2)
    rss_connected = rss_kib(servers)
    load_before = os.getloadavg()
    latencies, server_cpu, client_cpu = run_round(clients, listing, backer, options.payments, 1000, servers)
    load = os.getloadavg()

    base, many = summary(baseline), summary(latencies)
    print(
        f"conditions: daphne ({options.server_processes} process(es)) + {options.layer_name} + PostgreSQL, "
        f"{os.cpu_count()} cores, "
        f"load average {load_before[0]:.1f} before / {load[0]:.1f} after the measured payments "
        f"(5-min {load[1]:.1f}); clients in {options.client_processes} process(es); {options.payments} payments"
    )
    print(f"connected {clients.count} clients in {connect_seconds:.1f} s ({clients.retries} connection retries)")
    print(f"{'subject':<44} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'× baseline p50':>15}")
    for name, figures, samples in (
        ("payment → 1 client (baseline)", base, baseline),
        (f"payment → each of {clients.count} clients", many, latencies),
    ):
        ratio = figures["median"] / base["median"] if base["median"] else float("nan")
        print(
            f"{name:<44} {figures['n']:>6} {figures['median']:>8.1f} {figures['p95']:>8.1f} "
            f"{max(samples):>8.1f} {ratio:>15.1f}"
        )
    per_payment = 1000 / options.payments
    print(
        f"CPU per payment with {clients.count} clients: server {server_cpu * per_payment:.0f} ms, "
        f"clients {client_cpu * per_payment:.0f} ms (waiting for and reading their frames)"
    )
    per_connection = (rss_connected - rss_idle) / clients.count
    print(
        f"server RSS: {rss_before / 1024:.1f} MiB at start, {rss_idle / 1024:.1f} MiB idle after warm-up, "
        f"{rss_connected / 1024:.1f} MiB with {clients.count} connections → {per_connection:.1f} KiB per connection"
    )
    print(f"aim p95 < 1000 ms: {'met' if many['p95'] < 1000 else 'NOT met'} ({many['p95']:.0f} ms)")
    clients.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--payments", type=int, default=20)
    parser.add_argument("--client-processes", type=int, default=2, help="processes the clients are spread over")
    parser.add_argument("--server-processes", type=int, default=1, help="daphne processes sharing one socket")
    options = parser.parse_args()

    url, redis_url = os.environ.get("DATABASE_URL", ""), os.environ.get("REDIS_URL", "")
    if not url.startswith("postgres") or not redis_url:
        sys.exit('DATABASE_URL (PostgreSQL) and REDIS_URL are needed: run eval "$(scripts/services env)" first.')
    open_files = raise_open_files(options.clients * 2 + 256)
    environment = {
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DJANGO_DEBUG": "false",
        "DATABASE_URL": fresh_database(url),
        "REDIS_URL": redis_url,
        "LOG_LEVEL": "WARNING",
        # Each payment's own message is what is timed (payments one after another, no task worker running).
        "LIVE_PROGRESS_INTERVAL_SECONDS": "0",
    }
    os.environ.update(environment)
    for name in ("ELASTICSEARCH_URL", "SEARCH_ENGINE", "STRIPE_API_BASE"):
        os.environ.pop(name, None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    listing, backer = build_project()

    # One listening socket shared by every daphne process (`--fd`): the kernel hands each new connection to one of
    # them, as a pre-forking server or a proxy in front of several processes would.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1024)
    listener.set_inheritable(True)
    port = listener.getsockname()[1]
    server_env = {key: value for key, value in os.environ.items() if key not in ("ELASTICSEARCH_URL",)}
    server_log = open(ROOT / "var" / "bench-websockets-daphne.log", "wb")  # noqa: SIM115 (closed with the server)
    servers = [
        subprocess.Popen(
            [str(ROOT / ".venv/bin/daphne"), "--fd", str(listener.fileno()), "config.asgi:application"],
            cwd=ROOT,
            env=server_env,
            stdout=subprocess.DEVNULL,
            stderr=server_log,
            pass_fds=(listener.fileno(),),
            preexec_fn=lambda: raise_open_files(options.clients * 2 + 256),
        )
        for _ in range(options.server_processes)
    ]
    try:
        time.sleep(1)
        for _attempt in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            sys.exit(f"daphne did not start: see {server_log.name}")
        time.sleep(2)  # every process up, not only the first
        print(f"open files limit: {open_files}; daphne pids: {' '.join(str(server.pid) for server in servers)}")
        from django.conf import settings

        options.layer_name = settings.CHANNEL_LAYERS["default"]["BACKEND"].rsplit(".", 1)[1]
        measure(options, listing, backer, [server.pid for server in servers], port, open_files)
    finally:
        for server in servers:
            server.send_signal(signal.SIGTERM)
        for server in servers:
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
        server_log.close()
        listener.close()


if __name__ == "__main__":
    main()
