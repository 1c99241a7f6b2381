"""Live funding progress to 1,000 open project pages: time from a confirmed payment to each page, and memory.

A real ASGI server (daphne, one process, as `make run` and production run it) serves config.asgi with the Redis
channel layer and PostgreSQL. The bench builds one public project with a donation campaign in its own database
`homeward_bench_ws` (dropped and made again each run), opens N websocket clients on /ws/projects/<id>/, then
records confirmed payments exactly as the payment webhook handler does (a LedgerEntry and
ledger.announce_progress in one transaction) and times, for every client, commit → funding.progress received.

    eval "$(scripts/services env)"        # with your HOMEWARD_PG_PORT etc. exported
    .venv/bin/python bench/websockets.py [--clients 1000] [--payments 20]

Baseline (same process, same server): the same payments with a single client connected.
Memory: the server's resident set size (VmRSS) before and after the clients connect, divided by N.
The clients are plain asyncio sockets in this process (a minimal RFC 6455 client), so the figures include the
client side's own work on the same 2 cores.
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

    from marketplace.payments import ledger
    from marketplace.payments.ledger import write_entry
    from marketplace.payments.models import Backing, LedgerEntry

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


class Client:
    def __init__(self, reader, writer):
        self.reader, self.writer = reader, writer
        self.received = asyncio.Queue()

    @classmethod
    async def connect(cls, host, port, path):
        reader, writer = await asyncio.open_connection(host, port, limit=2**16)
        key = base64.b64encode(os.urandom(16)).decode()
        writer.write(
            (
                f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\nOrigin: http://{host}:{port}\r\n\r\n"
            ).encode()
        )
        status = await reader.readline()
        if b" 101 " not in status:
            raise ConnectionError(status.decode(errors="replace").strip())
        while (await reader.readline()) not in (b"\r\n", b""):
            pass
        client = cls(reader, writer)
        client.task = asyncio.create_task(client.listen())
        return client

    async def listen(self):
        try:
            while True:
                head = await self.reader.readexactly(2)
                opcode, length = head[0] & 0x0F, head[1] & 0x7F
                if length == 126:
                    (length,) = struct.unpack("!H", await self.reader.readexactly(2))
                elif length == 127:
                    (length,) = struct.unpack("!Q", await self.reader.readexactly(8))
                payload = await self.reader.readexactly(length)
                if opcode == 0x1:
                    self.received.put_nowait((time.time(), payload))
                elif opcode == 0x9:
                    self.send_frame(0xA, payload)
                elif opcode == 0x8:
                    return
        except (asyncio.IncompleteReadError, ConnectionError):
            return

    def send_frame(self, opcode, payload):
        mask = os.urandom(4)
        masked = bytes(byte ^ mask[index % 4] for index, byte in enumerate(payload))
        self.writer.write(bytes([0x80 | opcode, 0x80 | len(payload)]) + mask + masked)

    async def close(self):
        self.send_frame(0x8, struct.pack("!H", 1000))
        self.task.cancel()
        self.writer.close()


def rss_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    return 0


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def run_round(loop, clients, listing, backer, payments, first_number):
    """`payments` confirmed payments one after another; returns every client's latency in ms."""
    latencies = []
    for number in range(first_number, first_number + payments):
        committed = await loop.run_in_executor(None, confirm_payment, listing, backer, number)
        waiting = [asyncio.ensure_future(client.received.get()) for client in clients]
        done, pending = await asyncio.wait(waiting, timeout=30)
        for future in pending:
            future.cancel()
        if pending:
            closed = sum(1 for client in clients if client.task.done())
            print(f"payment {number}: {len(pending)} of {len(clients)} clients got nothing in 30 s ({closed} closed)")
        for future in done:
            arrived, payload = future.result()
            assert json.loads(payload)["event"] == "funding.progress"
            latencies.append((arrived - committed) * 1000)
    return latencies


async def connect_all(host, port, path, count):
    clients = []
    for start in range(0, count, 100):  # in batches, as pages open over a moment rather than in one instant
        clients += await asyncio.gather(
            *(Client.connect(host, port, path) for _ in range(start, min(count, start + 100)))
        )
    return clients


async def main_async(options, listing, backer, server, port):
    from bench.timing import summary

    loop = asyncio.get_running_loop()
    path = f"/ws/projects/{listing.project_id}/"
    rss_before = rss_kib(server.pid)

    single = await connect_all("127.0.0.1", port, path, 1)
    await run_round(loop, single, listing, backer, 3, 0)  # warm-up
    baseline = await run_round(loop, single, listing, backer, options.payments, 100)
    for client in single:
        await client.close()
    await asyncio.sleep(1)

    rss_idle = rss_kib(server.pid)
    started = time.perf_counter()
    clients = await connect_all("127.0.0.1", port, path, options.clients)
    connect_seconds = time.perf_counter() - started
    await asyncio.sleep(2)
    rss_connected = rss_kib(server.pid)
    latencies = await run_round(loop, clients, listing, backer, options.payments, 1000)

    base, many = summary(baseline), summary(latencies)
    load = os.getloadavg()
    print(
        f"conditions: daphne (1 process) + Redis channel layer + PostgreSQL, {os.cpu_count()} cores, "
        f"load average {load[0]:.1f}/{load[1]:.1f}; clients in this process; {options.payments} payments per row"
    )
    print(f"connected {len(clients)} clients in {connect_seconds:.1f} s")
    print(f"{'subject':<44} {'n':>6} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'× baseline p50':>15}")
    for name, figures, samples in (
        ("payment → 1 client (baseline)", base, baseline),
        (f"payment → each of {len(clients)} clients", many, latencies),
    ):
        ratio = figures["median"] / base["median"] if base["median"] else float("nan")
        print(
            f"{name:<44} {figures['n']:>6} {figures['median']:>8.1f} {figures['p95']:>8.1f} "
            f"{max(samples):>8.1f} {ratio:>15.1f}"
        )
    per_connection = (rss_connected - rss_idle) / len(clients)
    print(
        f"server RSS: {rss_before / 1024:.1f} MiB at start, {rss_idle / 1024:.1f} MiB idle after warm-up, "
        f"{rss_connected / 1024:.1f} MiB with {len(clients)} connections → {per_connection:.1f} KiB per connection"
    )
    print(f"aim p95 < 1000 ms: {'met' if many['p95'] < 1000 else 'NOT met'} ({many['p95']:.0f} ms)")
    for client in clients:
        await client.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=1000)
    parser.add_argument("--payments", type=int, default=20)
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
    }
    os.environ.update(environment)
    for name in ("ELASTICSEARCH_URL", "SEARCH_ENGINE", "STRIPE_API_BASE"):
        os.environ.pop(name, None)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    listing, backer = build_project()

    port = free_port()
    server_env = {key: value for key, value in os.environ.items() if key not in ("ELASTICSEARCH_URL",)}
    server_log = open(ROOT / "var" / "bench-websockets-daphne.log", "wb")  # noqa: SIM115 (closed with the server)
    server = subprocess.Popen(
        [str(ROOT / ".venv/bin/daphne"), "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"],
        cwd=ROOT,
        env=server_env,
        stdout=subprocess.DEVNULL,
        stderr=server_log,
        preexec_fn=lambda: raise_open_files(options.clients * 2 + 256),
    )
    try:
        for _attempt in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            sys.exit(f"daphne did not start: see {server_log.name}")
        print(f"open files limit: {open_files}")
        asyncio.run(main_async(options, listing, backer, server, port))
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
        server_log.close()


if __name__ == "__main__":
    main()
