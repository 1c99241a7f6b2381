"""The multi-process guarantees, proven on the production topology: 2 web processes, 2 workers, 2 schedulers.

deploy/local_cluster.py starts the processes of deploy/compose.yaml (production settings, nginx in front) on the
PostgreSQL, Redis, Elasticsearch and MinIO of scripts/services, after the same first start (`check --deploy` must
be clean). Then it shows, and asserts:

1. every task runs exactly once (N tasks over 2 workers: N executions, none twice);
2. every scheduled slot runs once with two schedulers (publish_scheduled_pages, every minute, for `--minutes`);
3. a Stripe webhook delivered to either web process (and through the proxy) at the same moment lands once;
4. the live update of that payment reaches sockets open on both web processes (and through the proxy);
5. a worker killed (SIGKILL) mid-task has its task run again by the other worker, with its effect once.

    scripts/services start && eval "$(scripts/services env)"
    .venv/bin/python bench/cluster.py [--tasks 400] [--minutes 3]
"""

import argparse
import asyncio
import http.client
import json
import os
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy.local_cluster import LocalCluster  # noqa: E402


def wait(condition, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return time.monotonic()
        time.sleep(0.2)
    raise SystemExit(f"timed out after {seconds} s waiting for {what}")


def deliver(port, payload, signature, results):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.request(
        "POST",
        "/stripe/webhook/",
        body=payload,
        headers={"Content-Type": "application/json", "Stripe-Signature": signature, "X-Forwarded-Proto": "https"},
    )
    response = connection.getresponse()
    results.append((port, response.status, response.read()[:200]))


async def open_sockets(ports, path, per_port):
    from bench.websockets import connect

    clients = []
    for port in ports:
        for _ in range(per_port):
            client, _retries = await connect("127.0.0.1", port, path)
            clients.append((port, client))
    return clients


def metric(port, name):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:  # noqa: S310
        total = 0.0
        for line in response.read().decode().splitlines():
            if line.startswith(name) and not line.startswith("#"):
                total += float(line.rsplit(" ", 1)[1])
        return total


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tasks", type=int, default=400)
    parser.add_argument("--minutes", type=int, default=3, help="how long to watch the two schedulers")
    options = parser.parse_args()
    started = time.monotonic()
    cluster = LocalCluster(
        ROOT / "var" / "bench-cluster", web=2, workers=2, schedulers=2, database="homeward_bench_cluster"
    )
    print(cluster.first_start())
    first_start_seconds = time.monotonic() - started
    os.environ.update(cluster.env)
    import django

    django.setup()
    from django_tasks import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    from bench import cluster_tasks
    from bench.webhooks import SECRET as _unused  # noqa: F401 (bench.webhooks sets nothing global we need)
    from bench.webhooks import build, session
    from payments.models import Backing, LedgerEntry, StripeEvent
    from scheduling.models import JobRun, WorkerHeartbeat
    from tests.factories.stripe import sign, stripe_event

    cluster_tasks.create_table()
    listing, _plan = build()
    figures = {"first start (migrate, prepare_site, index, staff, check --deploy)": f"{first_start_seconds:.1f} s"}
    try:
        cluster.start()
        figures["processes up (2 web, 2 workers, 2 schedulers, nginx)"] = (
            f"{time.monotonic() - started - first_start_seconds:.1f} s"
        )
        cluster_started = time.time()

        # 1. every task once (once both workers have announced themselves)
        wait(lambda: WorkerHeartbeat.objects.count() == 2, 120, "both workers' heartbeats")
        begin = time.monotonic()
        ids = [str(cluster_tasks.record_execution.enqueue(f"task-{n}", 0.02).id) for n in range(options.tasks)]
        wait(
            lambda: DBTaskResult.objects.filter(id__in=ids, status=TaskResultStatus.SUCCESSFUL).count() == len(ids),
            600,
            "the tasks",
        )
        seconds = time.monotonic() - begin
        runs = cluster_tasks.executions()
        per_worker = {}
        for pid in DBTaskResult.objects.filter(id__in=ids).values_list("return_value", flat=True):
            per_worker[pid] = per_worker.get(pid, 0) + 1
        assert len(runs) == options.tasks and set(runs.values()) == {1}, "every task ran exactly once"
        figures["1. tasks run exactly once"] = (
            f"{options.tasks} tasks, {options.tasks} executions, 0 twice; "
            f"{options.tasks / seconds:.0f} tasks/s; per worker {sorted(per_worker.values())}"
        )

        # 3 + 4. one payment delivered to both web processes and the proxy at once; sockets on both receive it
        path = f"/ws/projects/{listing.project_id}/"
        loop = asyncio.new_event_loop()
        sockets = loop.run_until_complete(open_sockets([*cluster.web_ports, cluster.proxy_port], path, 3))
        backing = Backing.objects.create(kind="donation", listing=listing, amount_twd=700, backer_email="c@example.tw")
        payload = json.dumps(stripe_event("checkout.session.completed", session(backing)))
        signature = sign(payload, cluster.env["STRIPE_WEBHOOK_SECRET"])
        results = []
        threads = [
            threading.Thread(target=deliver, args=(port, payload, signature, results))
            for port in [*cluster.web_ports, cluster.proxy_port] * 2
        ]
        sent = time.time()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert {status for _port, status, _body in results} == {200}, results
        assert StripeEvent.objects.filter(stripe_id=json.loads(payload)["id"]).count() == 1
        assert LedgerEntry.objects.filter(backing=backing).count() == 1, "the payment is recorded once"
        figures["3. one webhook, 6 simultaneous deliveries (2 per web process, 2 through nginx)"] = (
            "6 × 200, 1 stored event, 1 ledger entry"
        )

        async def arrivals():
            got = await asyncio.gather(
                *(asyncio.wait_for(client.arrivals.get(), 15) for _port, client in sockets), return_exceptions=True
            )
            return got

        got = loop.run_until_complete(arrivals())
        missing = [sockets[i][0] for i, item in enumerate(got) if isinstance(item, BaseException)]
        assert not missing, f"sockets on ports {missing} got no live update"
        latencies = sorted((arrived - sent) * 1000 for arrived, _payload in got)
        for _port, client in sockets:
            client.close()
        loop.close()
        figures["4. live update to sockets on both web processes (+ nginx)"] = (
            f"{len(sockets)}/{len(sockets)} received; {latencies[0]:.0f}–{latencies[-1]:.0f} ms after the deliveries"
        )

        # 5. a worker killed mid-task
        result = cluster_tasks.slow_effect.enqueue("killed-mid-task", 4)
        wait(
            lambda: DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.RUNNING,
            60,
            "the slow task to start",
        )
        claimed_by = DBTaskResult.objects.get(pk=result.id).worker_ids[-1]
        victim = "-".join(claimed_by.split("-")[:2])
        time.sleep(1)
        cluster.kill(victim)
        killed_at = time.monotonic()
        wait(
            lambda: DBTaskResult.objects.get(pk=result.id).status == TaskResultStatus.SUCCESSFUL,
            120,
            "the retried task",
        )
        recovered = time.monotonic() - killed_at
        final = DBTaskResult.objects.get(pk=result.id)
        assert cluster_tasks.executions().get("killed-mid-task") == 1, "the killed attempt left nothing, the retry once"
        assert len(final.worker_ids) == 2 and final.worker_ids[0] != final.worker_ids[1]
        figures["5. worker SIGKILLed mid-task"] = (
            f"requeued and finished by the other worker {recovered:.1f} s after the kill "
            f"(lost after {cluster.env['TASK_WORKER_LOST_AFTER_SECONDS']} s of silence); effect written once"
        )
        cluster.start_worker(3)  # what a supervisor does

        # 2. two schedulers, every slot once
        window_end = cluster_started + options.minutes * 60 + 5
        while time.time() < window_end:
            time.sleep(1)
        wait(
            lambda: not JobRun.objects.filter(outcome__in=["queued", "running"]).exists(),
            120,
            "the last job runs to finish",
        )
        publish = JobRun.objects.filter(job="publish_scheduled_pages")
        slots = list(publish.values_list("slot", flat=True))
        enqueued = DBTaskResult.objects.filter(task_path="cms.tasks.publish_scheduled_pages").count()
        assert len(slots) == len(set(slots)) and enqueued == len(slots), (len(slots), enqueued)
        assert set(publish.values_list("outcome", flat=True)) == {"succeeded"}
        by_scheduler = {}
        for run in JobRun.objects.all():
            by_scheduler[run.scheduler] = by_scheduler.get(run.scheduler, 0) + 1
        taken = sum(
            metric(port, "homeward_scheduler_slots_taken_by_others_total")
            for port in cluster.metrics_ports["scheduler"]
        )
        figures["2. two schedulers"] = (
            f"{len(slots)} minute slots of publish_scheduled_pages, {enqueued} tasks enqueued, all succeeded; "
            f"{JobRun.objects.count()} job runs in all, by scheduler {sorted(by_scheduler.values())}; "
            f"{taken:.0f} simultaneous inserts refused by the unique run row"
        )
    finally:
        cluster.stop()
    load = os.getloadavg()
    print("\nMulti-process proof (bench/cluster.py)")
    for name, value in figures.items():
        print(f"  {name}: {value}")
    print(f"  total {time.monotonic() - started:.0f} s; load average at the end {load[0]:.1f}")


if __name__ == "__main__":
    main()
