"""The Kubernetes manifests (infra/k8s/), checked offline: against the Kubernetes OpenAPI schemas
that kubernetes-validate bundles, and against the project itself (the Dockerfile, compose, the
production settings, the health endpoints, PgBouncer's pool mode).

No cluster and no kubectl here: these checks are what stands between an edit and a broken deploy.
"""

from __future__ import annotations

import configparser
import json
import re
import shlex
import subprocess
import sys
from pathlib import Path

import kubernetes_validate
import pytest
import yaml
from cryptography.fernet import Fernet
from django.test import Client

from bench import _gunicorn

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "infra" / "k8s"
EXAMPLE_SECRET = K8S / "secret.example.yaml"
# The oldest minor still widely run, and the newest the package knows.
KUBERNETES_VERSIONS = ["1.29.0", kubernetes_validate.latest_version()]
APP_COMPONENTS = {"web", "worker", "beat", "migrate"}
# What platform_/settings/production.py refuses to start without, and what has a development
# default that is wrong in production (a local database, Redis, the "localhost" platform host).
REQUIRED_ENV = {
    "DJANGO_SECRET_KEY",
    "CERTIFICATE_KEY_ENCRYPTION_KEY",
    "DJANGO_ALLOWED_HOSTS",
    "DATABASE_URL",
    "REDIS_URL",
    "PLATFORM_DOMAIN",
    "CSRF_TRUSTED_ORIGINS",
}
SECRET_NAMES = re.compile(r"SECRET|PASSWORD|TOKEN|_KEY\b|KEY$|DATABASE_URL|REDIS_URL|BROKER_URL")
# Shapes of real credentials: Stripe keys, a URL with a password, a Fernet key, a long token.
SECRET_VALUES = re.compile(
    r"sk_(live|test)_|rk_(live|test)_|whsec_|://[^/\s:@]+:[^/\s@]+@|^[A-Za-z0-9_-]{43}=$"
)


def _documents(path: Path) -> list[dict]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


MANIFEST_FILES = sorted(
    path
    for path in K8S.rglob("*.yaml")
    if path.name != "kustomization.yaml" and path != EXAMPLE_SECRET
)
MANIFESTS = [doc for path in MANIFEST_FILES for doc in _documents(path)]


def _of_kind(kind: str) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for doc in MANIFESTS if doc["kind"] == kind}


def _pod_specs() -> dict[str, dict]:
    """Every workload's pod spec, by its component label."""
    workloads = [*_of_kind("Deployment").values(), *_of_kind("Job").values()]
    return {
        doc["metadata"]["labels"]["app.kubernetes.io/component"]: doc["spec"]["template"]["spec"]
        for doc in workloads
    }


def _app_containers() -> dict[str, dict]:
    specs = _pod_specs()
    return {component: specs[component]["containers"][0] for component in APP_COMPONENTS}


def _dockerfile_cmd() -> list[str]:
    text = (ROOT / "infra" / "Dockerfile").read_text().replace("\\\n", " ")
    (cmd,) = re.findall(r"^CMD\s+(\[.*\])\s*$", text, re.MULTILINE)
    return json.loads(cmd)


# --- Schemas --------------------------------------------------------------------------------------
@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("path", [*MANIFEST_FILES, EXAMPLE_SECRET], ids=lambda p: p.name)
def test_every_manifest_is_valid_against_the_kubernetes_schema(path, version):
    documents = _documents(path)
    assert documents
    for document in documents:
        # strict: a misspelt or misplaced field (say "livenesProbe") is an error, not ignored.
        kubernetes_validate.validate(document, version, strict=True)


def test_the_kustomizations_list_every_manifest_and_only_existing_files():
    listed = set()
    tags = set()
    for kustomization in K8S.rglob("kustomization.yaml"):
        config = yaml.safe_load(kustomization.read_text())
        for resource in config["resources"]:
            path = (kustomization.parent / resource).resolve()
            assert path.is_file(), f"{kustomization} lists {resource}, which does not exist"
            listed.add(path)
        tags |= {(image["name"], image["newTag"]) for image in config["images"]}
    assert listed == {path.resolve() for path in MANIFEST_FILES}
    assert len(tags) == 1, "the migrate Job must run the same image and tag as the Deployments"


def test_every_service_pdb_and_autoscaler_points_at_a_real_workload():
    pod_labels = [
        doc["spec"]["template"]["metadata"]["labels"] for doc in _of_kind("Deployment").values()
    ]

    def selects_pods(selector: dict) -> bool:
        return any(selector.items() <= labels.items() for labels in pod_labels)

    for service in _of_kind("Service").values():
        assert selects_pods(service["spec"]["selector"]), service["metadata"]["name"]
    for budget in _of_kind("PodDisruptionBudget").values():
        assert selects_pods(budget["spec"]["selector"]["matchLabels"])
    for deployment in _of_kind("Deployment").values():
        selector = deployment["spec"]["selector"]["matchLabels"]
        assert selector.items() <= deployment["spec"]["template"]["metadata"]["labels"].items()


def test_web_and_workers_scale_and_their_autoscalers_target_existing_deployments():
    deployments = _of_kind("Deployment")
    targets = {}
    for hpa in _of_kind("HorizontalPodAutoscaler").values():
        assert hpa["apiVersion"] == "autoscaling/v2"
        ref = hpa["spec"]["scaleTargetRef"]
        assert (ref["apiVersion"], ref["kind"]) == ("apps/v1", "Deployment")
        assert ref["name"] in deployments, f"{hpa['metadata']['name']} targets {ref['name']}"
        assert 1 <= hpa["spec"]["minReplicas"] <= hpa["spec"]["maxReplicas"]
        assert hpa["spec"]["metrics"]
        targets[ref["name"]] = hpa
    components = {
        deployments[name]["metadata"]["labels"]["app.kubernetes.io/component"] for name in targets
    }
    assert components == {"web", "worker"}
    # Each scaled container asks for CPU: utilisation is measured against the request.
    for name in targets:
        container = deployments[name]["spec"]["template"]["spec"]["containers"][0]
        assert container["resources"]["requests"]["cpu"]


def test_the_web_has_a_disruption_budget():
    (budget,) = _of_kind("PodDisruptionBudget").values()
    assert budget["spec"]["selector"]["matchLabels"]["app.kubernetes.io/component"] == "web"
    assert budget["spec"]["minAvailable"] >= 1


# --- Exactly one beat -----------------------------------------------------------------------------
def test_exactly_one_beat_never_two_during_a_rollout():
    beats = [
        doc
        for doc in _of_kind("Deployment").values()
        if doc["metadata"]["labels"]["app.kubernetes.io/component"] == "beat"
    ]
    assert len(beats) == 1
    (beat,) = beats
    assert beat["spec"]["replicas"] == 1
    # A RollingUpdate starts the new pod before the old one stops: two beats, tasks sent twice.
    assert beat["spec"]["strategy"] == {"type": "Recreate"}
    scaled = {
        hpa["spec"]["scaleTargetRef"]["name"]
        for hpa in _of_kind("HorizontalPodAutoscaler").values()
    }
    assert beat["metadata"]["name"] not in scaled
    assert beat["spec"]["template"]["spec"]["containers"][0]["command"][3] == "beat"


# --- The migrate Job ------------------------------------------------------------------------------
def test_the_migrate_job_runs_the_projects_own_deploy_command():
    (job,) = _of_kind("Job").values()
    container = job["spec"]["template"]["spec"]["containers"][0]
    assert container["command"] == ["python", "manage.py", "migrate_tenants", "--noinput"]
    assert (ROOT / "tenants" / "management" / "commands" / "migrate_tenants.py").is_file()
    assert job["spec"]["template"]["spec"]["restartPolicy"] == "Never"
    # A failed migration is looked at by a person, not retried into a half-migrated loop.
    assert job["spec"]["backoffLimit"] == 0
    # The same command as compose's migrate service.
    compose = yaml.safe_load((ROOT / "infra" / "compose.yaml").read_text())
    assert container["command"] == shlex.split(compose["services"]["migrate"]["command"])


# --- Commands and image match the Dockerfile and compose ------------------------------------------
def test_every_app_container_runs_the_one_image():
    images = {container["image"] for container in _app_containers().values()}
    assert images == {"cocharter"}


def test_web_runs_the_dockerfiles_gunicorn_with_its_config():
    web = _app_containers()["web"]
    # No command or args: the image's CMD is the one definition of how web is served.
    assert "command" not in web and "args" not in web
    cmd = _dockerfile_cmd()
    assert cmd[:2] == ["gunicorn", "platform_.wsgi:application"]
    config = cmd[cmd.index("--config") + 1]
    assert (ROOT / config).is_file()
    assert "def child_exit(" in (ROOT / config).read_text()
    port = int(cmd[cmd.index("--bind") + 1].rsplit(":", 1)[1])
    assert [p["containerPort"] for p in web["ports"]] == [port]
    # The benchmarks serve as the image does.
    options = _gunicorn.DOCKERFILE_OPTIONS
    pairs = list(zip(options[::2], options[1::2], strict=True))
    assert all(cmd[cmd.index(flag) + 1] == value for flag, value in pairs)
    assert {flag for flag, _ in pairs} >= {"--config", "--workers"}


@pytest.mark.parametrize("component", ["worker", "beat"])
def test_worker_and_beat_run_compose_s_commands(component):
    compose = yaml.safe_load((ROOT / "infra" / "compose.yaml").read_text())
    expected = shlex.split(compose["services"][component]["command"])
    assert _app_containers()[component]["command"] == expected


# --- Probes ---------------------------------------------------------------------------------------
def _http_probes() -> list[tuple[str, str, dict]]:
    return [
        (component, kind, container[kind]["httpGet"])
        for component, container in _app_containers().items()
        for kind in ("startupProbe", "livenessProbe", "readinessProbe")
        if "httpGet" in container.get(kind, {})
    ]


def test_web_probes_liveness_cheaply_and_readiness_fully():
    web = _app_containers()["web"]
    assert web["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert web["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert web["startupProbe"]["httpGet"]["path"] == "/healthz"
    port_names = {p["name"] for p in web["ports"]}
    assert {probe["port"] for _, _, probe in _http_probes()} <= port_names


@pytest.mark.parametrize("host", ["10.244.3.17:8000", "unknown.example", "localhost"])
def test_every_probe_path_answers_200_on_any_host(db, host):
    """The kubelet asks by pod address: the probes must not need a council or an allowed host."""
    paths = {probe["path"] for _, _, probe in _http_probes()}
    assert paths == {"/healthz", "/readyz"}
    for path in sorted(paths):
        response = Client(HTTP_HOST=host).get(path)
        assert response.status_code == 200, (path, response.content)


def test_the_worker_is_checked_alive_by_a_celery_ping_to_itself():
    probe = _app_containers()["worker"]["livenessProbe"]["exec"]["command"]
    assert probe[:2] == ["sh", "-c"]
    assert shlex.split(probe[2]) == [
        "celery",
        "-A",
        "platform_",
        "inspect",
        "ping",
        "--destination",
        "celery@$HOSTNAME",
        "--timeout",
        "10",
    ]
    # Each check starts Python: the probe must have time to do it.
    assert _app_containers()["worker"]["livenessProbe"]["timeoutSeconds"] >= 30


def test_the_web_pod_is_annotated_for_scraping_on_its_own_port():
    (web,) = [
        doc
        for doc in _of_kind("Deployment").values()
        if doc["metadata"]["labels"]["app.kubernetes.io/component"] == "web"
    ]
    annotations = web["spec"]["template"]["metadata"]["annotations"]
    port = web["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"]
    assert annotations == {
        "prometheus.io/scrape": "true",
        "prometheus.io/port": str(port),
        "prometheus.io/path": "/metrics",
    }
    env = {
        e["name"]: e.get("value") for e in web["spec"]["template"]["spec"]["containers"][0]["env"]
    }
    # gunicorn's processes add up their metrics in a writable directory (an emptyDir on /tmp).
    assert env["PROMETHEUS_MULTIPROC_DIR"].startswith("/tmp/")  # noqa: S108 (an emptyDir)


# --- Configuration and secrets --------------------------------------------------------------------
def _provided(container: dict) -> tuple[set[str], set[str]]:
    """(names from the ConfigMap, names from the Secret that are not optional) for a container."""
    configmaps = _of_kind("ConfigMap")
    from_config = set()
    for source in container.get("envFrom", []):
        from_config |= set(configmaps[source["configMapRef"]["name"]]["data"])
    required_secrets = {
        item["name"]
        for item in container.get("env", [])
        if "secretKeyRef" in item.get("valueFrom", {})
        and not item["valueFrom"]["secretKeyRef"].get("optional", False)
    }
    return from_config, required_secrets


@pytest.mark.parametrize("component", sorted(APP_COMPONENTS))
def test_every_variable_production_requires_is_provided(component):
    from_config, from_secret = _provided(_app_containers()[component])
    assert from_config | from_secret >= REQUIRED_ENV
    assert {"DJANGO_SECRET_KEY", "CERTIFICATE_KEY_ENCRYPTION_KEY", "DATABASE_URL"} <= from_secret


def test_every_app_container_reads_the_same_secrets():
    refs = {
        component: sorted(
            (item["name"], json.dumps(item["valueFrom"]["secretKeyRef"], sort_keys=True))
            for item in container["env"]
            if "secretKeyRef" in item.get("valueFrom", {})
        )
        for component, container in _app_containers().items()
    }
    assert len({json.dumps(value) for value in refs.values()}) == 1, refs


def _settings_variables() -> set[str]:
    names = set()
    for path in (ROOT / "platform_" / "settings").glob("*.py"):
        names |= set(re.findall(r"\benv(?:\.\w+)?\(\s*\"([A-Z0-9_]+)\"", path.read_text()))
    return names


def test_every_variable_the_manifests_set_is_read_by_the_settings():
    """A misspelt name (DJANGO_ALLOWED_HOST) would be ignored in silence."""
    known = _settings_variables() | {"DJANGO_SETTINGS_MODULE", "PROMETHEUS_MULTIPROC_DIR"}
    assert known >= REQUIRED_ENV
    for component, container in _app_containers().items():
        from_config, _ = _provided(container)
        names = from_config | {item["name"] for item in container.get("env", [])}
        assert names - known == set(), component


def test_production_settings_start_with_what_the_manifests_provide():
    """platform_.settings.production, imported with only the manifests' variables (secret
    values made up here), starts; without the Secret's keys it refuses."""
    container = _app_containers()["web"]
    (config,) = [
        _of_kind("ConfigMap")[source["configMapRef"]["name"]]["data"]
        for source in container["envFrom"]
    ]
    made_up = {
        "DJANGO_SECRET_KEY": "k" + Fernet.generate_key().decode() * 2,
        "CERTIFICATE_KEY_ENCRYPTION_KEY": Fernet.generate_key().decode(),
        "DATABASE_URL": "postgres://cocharter@cocharter-pgbouncer:6432/cocharter",
        "REDIS_URL": "redis://redis:6379/0",
    }
    secrets = {
        item["name"]: made_up.get(item["name"], "")
        for item in container["env"]
        if "secretKeyRef" in item.get("valueFrom", {})
    }
    plain = {item["name"]: item["value"] for item in container["env"] if "value" in item}

    def start(env: dict[str, str]) -> subprocess.CompletedProcess:
        code = "from django.conf import settings; print(settings.ALLOWED_HOSTS)"
        return subprocess.run(
            [sys.executable, "-c", code],
            cwd=ROOT,
            env={"PATH": "/usr/bin:/bin", **config, **plain, **env},
            capture_output=True,
            text=True,
            check=False,
        )

    started = start(secrets)
    assert started.returncode == 0, started.stderr
    assert started.stdout.strip() == repr(config["DJANGO_ALLOWED_HOSTS"].split(","))
    refused = start({})
    assert refused.returncode != 0
    assert "ImproperlyConfigured" in refused.stderr


def _strings(node) -> list[str]:
    if isinstance(node, dict):
        return [s for value in node.values() for s in _strings(value)]
    if isinstance(node, list):
        return [s for value in node for s in _strings(value)]
    return [str(node)]


def test_no_secret_value_is_written_in_the_manifests():
    assert _of_kind("Secret") == {}, "Secrets are created out of band (secret.example.yaml)"
    for configmap in _of_kind("ConfigMap").values():
        for name, value in configmap["data"].items():
            assert not SECRET_NAMES.search(name), f"{name} belongs in the Secret"
            assert not SECRET_VALUES.search(value), name
    for container in _app_containers().values():
        for item in container.get("env", []):
            if "value" in item:
                assert not SECRET_NAMES.search(item["name"]), item["name"]
    for value in (s for doc in MANIFESTS for s in _strings(doc)):
        assert not SECRET_VALUES.search(value), value


def test_the_example_secret_holds_placeholders_only_and_every_key_the_pods_read():
    (secret,) = _documents(EXAMPLE_SECRET)
    assert "EXAMPLE ONLY" in EXAMPLE_SECRET.read_text().splitlines()[0]
    assert "data" not in secret
    values = secret["stringData"]
    assert all(re.fullmatch(r"<[^<>]+>", value) for value in values.values()), values
    read = {
        item["valueFrom"]["secretKeyRef"]["key"]
        for item in _app_containers()["web"]["env"]
        if "secretKeyRef" in item.get("valueFrom", {})
    }
    assert set(values) == read


# --- Security -------------------------------------------------------------------------------------
@pytest.mark.parametrize("component", ["web", "worker", "beat", "migrate", "pgbouncer"])
def test_every_pod_runs_unprivileged_with_limits(component):
    spec = _pod_specs()[component]
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec["securityContext"]["seccompProfile"] == {"type": "RuntimeDefault"}
    for container in spec["containers"]:
        context = container["securityContext"]
        assert context["allowPrivilegeEscalation"] is False
        assert context["readOnlyRootFilesystem"] is True
        assert context["capabilities"] == {"drop": ["ALL"]}
        assert container["resources"]["requests"]["memory"]
        assert container["resources"]["limits"]["memory"]
        # A read-only root needs a writable /tmp (gunicorn's heartbeats, uploads, metrics files).
        mounts = {mount["mountPath"] for mount in container.get("volumeMounts", [])}
        assert "/tmp" in mounts  # noqa: S108 (a path in the pod)


def test_web_and_worker_share_the_media_volume():
    specs = _pod_specs()
    (claim,) = _of_kind("PersistentVolumeClaim").values()
    assert claim["spec"]["accessModes"] == ["ReadWriteMany"]
    configmap = _of_kind("ConfigMap")["cocharter-config"]["data"]
    for component in ("web", "worker"):
        volumes = {v["name"]: v for v in specs[component]["volumes"]}
        (mount,) = [
            m
            for m in specs[component]["containers"][0]["volumeMounts"]
            if m["mountPath"] == configmap["MEDIA_ROOT"]
        ]
        assert (
            volumes[mount["name"]]["persistentVolumeClaim"]["claimName"]
            == claim["metadata"]["name"]
        )


# --- PgBouncer ------------------------------------------------------------------------------------
def _pgbouncer_ini() -> configparser.ConfigParser:
    parser = configparser.ConfigParser(inline_comment_prefixes=(";",), comment_prefixes=(";", "#"))
    parser.read_string(_of_kind("ConfigMap")["cocharter-pgbouncer"]["data"]["pgbouncer.ini"])
    return parser


def test_pgbouncer_pools_by_session_never_by_transaction():
    """django-tenants sets search_path per connection: transaction pooling would hand one
    council's search_path to another council's next transaction."""
    ini = _pgbouncer_ini()
    assert ini["pgbouncer"]["pool_mode"] == "session"
    # A per-database pool_mode would override it for that database.
    for name, line in ini["databases"].items():
        assert "pool_mode" not in line or "pool_mode=session" in line.replace(" ", ""), name
    assert ini["pgbouncer"]["server_reset_query"].upper() == "DISCARD ALL"


def test_the_app_reaches_postgresql_through_pgbouncer():
    ini = _pgbouncer_ini()
    (service,) = [
        s for s in _of_kind("Service").values() if s["metadata"]["name"].endswith("pgbouncer")
    ]
    assert [p["port"] for p in service["spec"]["ports"]] == [int(ini["pgbouncer"]["listen_port"])]
    (secret,) = _documents(EXAMPLE_SECRET)
    assert (
        f"@{service['metadata']['name']}:{ini['pgbouncer']['listen_port']}/"
        in secret["stringData"]["DATABASE_URL"]
    )


def test_the_readmes_say_why_session_mode():
    for readme in (ROOT / "infra" / "README.md", K8S / "README.md"):
        text = readme.read_text()
        assert "pool_mode = session" in text and "search_path" in text, readme
