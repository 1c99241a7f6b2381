"""The production recipe stays checked where no container engine runs: the Dockerfile is linted (hadolint), the
compose topology and the proxy rules are read and held to what deploy/README.md promises, and every command
they run exists."""

import re
import subprocess
import sys
from pathlib import Path

import yaml
from django.core.management import get_commands

from tests.helpers import ROOT

DEPLOY = ROOT / "deploy"


def compose():
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_the_dockerfile_passes_hadolint():
    hadolint = Path(sys.executable).parent / "hadolint"
    result = subprocess.run(  # noqa: S603 (the linter installed by requirements-dev.txt)
        [str(hadolint), "--no-color", str(DEPLOY / "Dockerfile")], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_is_multi_stage_non_root_and_collects_static_files_at_build():
    text = (DEPLOY / "Dockerfile").read_text()

    assert len(re.findall(r"^FROM ", text, re.MULTILINE)) >= 2
    assert re.search(r"^USER (?!root|0\b)\S+", text, re.MULTILINE)
    assert "collectstatic --noinput" in text
    assert "HEALTHCHECK" in text


def test_compose_runs_the_whole_topology_with_health_checks():
    services = compose()["services"]

    assert {"postgres", "redis", "elasticsearch", "minio", "web", "worker", "scheduler", "proxy"} <= set(services)
    for name, service in services.items():
        assert "healthcheck" in service, f"{name} has no health check"
    redis = " ".join(services["redis"]["command"])
    assert "--maxmemory " in redis and "--maxmemory-policy allkeys-lru" in redis
    assert "WEB_REPLICAS" in str(services["web"]["deploy"]["replicas"])
    assert "WORKER_REPLICAS" in str(services["worker"]["deploy"]["replicas"])
    assert services["scheduler"]["command"][2] == "run_scheduler"
    assert services["web"]["command"][0] == "daphne"


def test_every_command_the_recipe_runs_exists():
    known = set(get_commands())
    texts = [(DEPLOY / "first-start").read_text(), (DEPLOY / "compose.yaml").read_text()]
    named = {name for text in texts for name in re.findall(r"manage\.py\"?,? \"?([a-z_]+)", text)}

    assert {
        "migrate",
        "prepare_site",
        "rebuild_search_index",
        "createsuperuser",
        "run_worker",
        "run_scheduler",
    } <= named
    assert named <= known, named - known


def test_the_proxy_upgrades_websockets_and_keeps_metrics_private():
    text = (DEPLOY / "nginx.conf").read_text()
    websocket = text[text.index("location /ws/") :]
    websocket = websocket[: websocket.index("}")]

    assert "proxy_set_header Upgrade $http_upgrade" in websocket
    assert "proxy_set_header Connection $connection_upgrade" in websocket
    assert "location = /metrics { return 404; }" in text
    assert text.count("X-Request-ID $request_id") == 2


def test_the_local_cluster_renders_the_same_proxy_rules_for_loopback():
    from deploy.local_cluster import render_nginx_site

    rendered = render_nginx_site(8123, "http://127.0.0.1:9000")

    assert "listen 127.0.0.1:8123" in rendered
    assert "http://web:8000" not in rendered and "resolver" not in rendered
    assert "proxy_set_header Upgrade $http_upgrade" in rendered
