"""docker-compose.yml, the services' image and the configs they mount, checked without Docker.

These machines have no Docker engine, so nothing here starts a container. The tests hold the
compose file to what a user relies on (names, ports, start order, settings, mounts) and to the
rest of the repository: the services' settings, the local Prometheus config and Grafana's
provisioning. Health checks are run for real, against a stand-in HTTP server.
"""

import ipaddress
import json
import os
import re
import shlex
import subprocess
import sys
import threading
import tomllib
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from fnmatch import fnmatch
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

import pytest
import yaml
from packaging.specifiers import SpecifierSet

from services.activities.settings import ActivitiesSettings
from services.metrics.settings import MetricsSettings
from services.notifications.settings import NotificationsSettings
from services.public.settings import PublicSettings
from shared.settings import ServiceSettings

ROOT = Path(__file__).parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
LOCAL_PROMETHEUS = ROOT / "infra" / "prometheus" / "prometheus.yml"

SETTINGS: dict[str, type[ServiceSettings]] = {
    "activities": ActivitiesSettings,
    "metrics": MetricsSettings,
    "notifications": NotificationsSettings,
}
APP_SERVICES = tuple(SETTINGS)
# Services that need neither Kafka nor PostgreSQL: the public site, which must stay up when
# they are down.
STANDALONE: dict[str, type[PublicSettings]] = {"public": PublicSettings}
IMAGES = (*APP_SERVICES, *STANDALONE)
INFRASTRUCTURE = ("kafka", "postgres", "prometheus", "grafana")

# Compose's own syntax: $$, ${NAME}, ${NAME:-default}, ${NAME-default} and $NAME.
INTERPOLATION = re.compile(
    r"\$\$|\$\{(?P<braced>[A-Za-z_]\w*)(?:(?P<op>:?-)(?P<default>[^}]*))?\}|\$(?P<bare>[A-Za-z_]\w*)"
)
# What the Dockerfile expands in COPY, ENV, EXPOSE and USER: ${NAME} and $NAME.
DOCKERFILE_VARIABLE = re.compile(r"\$\{(?P<braced>[A-Za-z_]\w*)\}|\$(?P<bare>[A-Za-z_]\w*)")


def documented_port(service: str) -> int:
    settings = SETTINGS[service] if service in SETTINGS else STANDALONE[service]
    port = settings.model_fields["http_port"].default
    assert isinstance(port, int)
    return port


# --- docker-compose.yml ---------------------------------------------------------------------


def interpolate(text: str, environment: Mapping[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        if match.group(0) == "$$":
            return "$"
        name = match.group("braced") or match.group("bare")
        value = environment.get(name)
        op = match.group("op")
        if op == ":-" and not value:
            return match.group("default")
        if op == "-" and value is None:
            return match.group("default")
        return value or ""

    return INTERPOLATION.sub(replace, text)


def resolve(node: Any, environment: Mapping[str, str]) -> Any:
    if isinstance(node, str):
        return interpolate(node, environment)
    if isinstance(node, dict):
        return {key: resolve(value, environment) for key, value in node.items()}
    if isinstance(node, list):
        return [resolve(item, environment) for item in node]
    return node


def load_compose(environment: Mapping[str, str] | None = None) -> dict[str, Any]:
    """The compose file as `docker compose` sees it with `environment` as the shell's."""
    document = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    resolved = resolve(document, environment or {})
    assert isinstance(resolved, dict)
    return resolved


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return load_compose()


def service(compose: Mapping[str, Any], name: str) -> dict[str, Any]:
    services = compose["services"]
    assert isinstance(services, dict)
    assert name in services, f"docker-compose.yml has no service {name!r}"
    definition = services[name]
    assert isinstance(definition, dict)
    return definition


def environment_of(definition: Mapping[str, Any]) -> dict[str, str]:
    raw = definition.get("environment", {})
    if isinstance(raw, list):
        pairs = (item.split("=", 1) for item in raw)
        return {key: value for key, value in pairs}
    assert isinstance(raw, dict)
    return {key: str(value) for key, value in raw.items()}


@dataclass(frozen=True)
class Published:
    host_ip: str  # "" when Docker would bind every interface
    host_port: str
    container_port: str


def published_ports(definition: Mapping[str, Any]) -> list[Published]:
    result = []
    for entry in definition.get("ports", []):
        if isinstance(entry, dict):
            result.append(
                Published(
                    str(entry.get("host_ip", "")),
                    str(entry.get("published", "")),
                    str(entry["target"]),
                )
            )
            continue
        spec = str(entry).split("/")[0]
        host_ip = ""
        if spec.startswith("["):
            host_ip, _, spec = spec[1:].partition("]:")
        parts = spec.split(":")
        if len(parts) == 3:
            host_ip, host_port, container_port = parts
        elif len(parts) == 2:
            host_port, container_port = parts
        else:
            host_port, container_port = "", parts[0]
        result.append(Published(host_ip, host_port, container_port))
    return result


@dataclass(frozen=True)
class Mount:
    source: str
    target: str
    read_only: bool

    @property
    def is_bind(self) -> bool:
        return self.source.startswith((".", "/", "~"))


def mounts(definition: Mapping[str, Any]) -> list[Mount]:
    result = []
    for entry in definition.get("volumes", []):
        if isinstance(entry, dict):
            source = str(entry.get("source", ""))
            if entry.get("type") == "bind" and not source.startswith((".", "/", "~")):
                source = f"./{source}"
            result.append(Mount(source, str(entry["target"]), bool(entry.get("read_only"))))
            continue
        source, target, *options = str(entry).split(":")
        modes = options[0].split(",") if options else []
        result.append(Mount(source, target, "ro" in modes))
    return result


def host_path(definition: Mapping[str, Any], container_path: str) -> Path:
    """Where on the host (in this repository) a path inside the container comes from."""
    wanted = PurePosixPath(container_path)
    candidates = [
        mount
        for mount in mounts(definition)
        if mount.is_bind and wanted.is_relative_to(PurePosixPath(mount.target))
    ]
    assert candidates, f"nothing is mounted at {container_path}"
    mount = max(candidates, key=lambda mount: len(PurePosixPath(mount.target).parts))
    return ROOT / mount.source / wanted.relative_to(PurePosixPath(mount.target))


def kafka_listeners(variable: str, compose: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    """KAFKA_LISTENERS-style "NAME://host:port,..." as {name: (host, port)}."""
    value = environment_of(service(compose, "kafka"))[variable]
    listeners = {}
    for item in value.split(","):
        name, _, address = item.partition("://")
        host, _, port = address.rpartition(":")
        listeners[name] = (host, port)
    return listeners


def container_port(compose: Mapping[str, Any], name: str) -> str:
    ports = {published.container_port for published in published_ports(service(compose, name))}
    assert len(ports) == 1, f"{name} should publish exactly one port: {ports}"
    return ports.pop()


# --- the services' Dockerfile ---------------------------------------------------------------


@dataclass
class Recipe:
    """What the Dockerfile makes of one service's build arguments."""

    base: str = ""
    copied: list[str] = field(default_factory=list)
    environment: dict[str, str] = field(default_factory=dict)
    exposed: list[str] = field(default_factory=list)
    user: str = ""
    runs: list[str] = field(default_factory=list)
    # Build arguments as RUN sees them: None for one declared without a default and not given.
    arguments: dict[str, str | None] = field(default_factory=dict)
    # RUN commands that come before the first COPY naming a build argument.
    runs_before_argument_copy: list[str] = field(default_factory=list)
    healthcheck: list[str] = field(default_factory=list)
    command: list[str] = field(default_factory=list)


def instructions(dockerfile: Path) -> Iterator[tuple[str, str]]:
    logical = ""
    for raw in dockerfile.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            logical += line[:-1] + " "
            continue
        logical += line
        keyword, _, arguments = logical.partition(" ")
        yield keyword.upper(), arguments.strip()
        logical = ""
    assert not logical, f"{dockerfile} ends inside a continued line"


def exec_form(arguments: str) -> list[str]:
    if arguments.startswith("["):
        value = json.loads(arguments)
        assert isinstance(value, list)
        return [str(item) for item in value]
    return ["/bin/sh", "-c", arguments]


def read_recipe(dockerfile: Path, build_args: Mapping[str, str]) -> Recipe:
    recipe = Recipe()
    variables: dict[str, str] = {}
    argument_copy_seen = False

    def expand(text: str) -> str:
        def replace(match: re.Match[str]) -> str:
            return variables.get(match.group("braced") or match.group("bare"), "")

        return DOCKERFILE_VARIABLE.sub(replace, text)

    for keyword, arguments in instructions(dockerfile):
        if keyword == "FROM":
            recipe.base = arguments.split()[0]
        elif keyword == "ARG":
            name, has_default, default = arguments.partition("=")
            value = build_args.get(name, default if has_default else None)
            recipe.arguments[name] = value
            variables[name] = value or ""
        elif keyword == "ENV":
            tokens = shlex.split(arguments)
            if "=" not in tokens[0]:
                tokens = [f"{tokens[0]}={' '.join(tokens[1:])}"]
            for token in tokens:
                name, _, value = token.partition("=")
                variables[name] = recipe.environment[name] = expand(value)
        elif keyword in ("COPY", "ADD"):
            raw = [token for token in shlex.split(arguments) if not token.startswith("--")]
            assert not any(token.startswith("--from") for token in arguments.split())
            if "$" in arguments:
                argument_copy_seen = True
            recipe.copied.extend(expand(source) for source in raw[:-1])
        elif keyword == "RUN":
            recipe.runs.append(arguments)
            if not argument_copy_seen:
                recipe.runs_before_argument_copy.append(arguments)
        elif keyword == "EXPOSE":
            recipe.exposed.extend(expand(arguments).split())
        elif keyword == "USER":
            recipe.user = expand(arguments)
        elif keyword == "HEALTHCHECK":
            _, _, command = arguments.partition("CMD ")
            recipe.healthcheck = exec_form(command.strip())
        elif keyword == "CMD":
            recipe.command = exec_form(arguments)
    return recipe


def build_of(compose: Mapping[str, Any], name: str) -> tuple[Path, dict[str, str]]:
    build = service(compose, name)["build"]
    assert isinstance(build, dict), f"{name} should build with a context and a Dockerfile"
    dockerfile = ROOT / build["context"] / build.get("dockerfile", "Dockerfile")
    args = {key: str(value) for key, value in build.get("args", {}).items()}
    return dockerfile, args


def recipe_of(compose: Mapping[str, Any], name: str) -> Recipe:
    dockerfile, args = build_of(compose, name)
    return read_recipe(dockerfile, args)


# --- running a health check against a stand-in service --------------------------------------


@contextmanager
def stand_in_service(health_status: int) -> Iterator[int]:
    """An HTTP server on a free loopback port answering `health_status` on /health only."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(health_status if self.path == "/health" else 404)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1]
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def run_check(command: list[str], port: int) -> int:
    """Runs a container's check command here, with this interpreter standing in for python."""
    argv = [sys.executable if part == "python" else part for part in command]
    environment = {"PATH": os.environ["PATH"], "HTTP_PORT": str(port)}
    completed = subprocess.run(argv, env=environment, capture_output=True, timeout=30, check=False)
    return completed.returncode


def check_passes_only_on_a_healthy_service(command: list[str]) -> None:
    with stand_in_service(200) as port:
        assert run_check(command, port) == 0
    with stand_in_service(503) as port:
        assert run_check(command, port) != 0


# --- the tests: the compose file as a whole -------------------------------------------------


def test_compose_names_every_service(compose: dict[str, Any]) -> None:
    assert set(compose["services"]) == {*INFRASTRUCTURE, *IMAGES}


def test_no_published_port_binds_all_interfaces(compose: dict[str, Any]) -> None:
    for name, definition in compose["services"].items():
        for published in published_ports(definition):
            assert published.host_ip, f"{name} publishes {published} on every interface"
            assert ipaddress.ip_address(published.host_ip).is_loopback, (name, published)


def test_every_mounted_host_path_exists_in_the_repository(compose: dict[str, Any]) -> None:
    declared_volumes = set(compose.get("volumes") or {})
    for name, definition in compose["services"].items():
        for mount in mounts(definition):
            if mount.is_bind:
                assert mount.source.startswith("./"), f"{name}: {mount.source} is not in the repo"
                assert (ROOT / mount.source).exists(), f"{name}: {mount.source} does not exist"
                assert mount.read_only, f"{name}: the container may write into {mount.source}"
            else:
                assert mount.source in declared_volumes, f"{name}: undeclared volume {mount}"


def test_kafka_and_postgres_keep_their_data_in_named_volumes(compose: dict[str, Any]) -> None:
    kafka = service(compose, "kafka")
    data_dir = environment_of(kafka)["KAFKA_LOG_DIRS"]
    postgres = service(compose, "postgres")

    assert any(m.target == data_dir and not m.is_bind for m in mounts(kafka))
    assert any(m.target == "/var/lib/postgresql/data" and not m.is_bind for m in mounts(postgres))


def test_the_host_reaches_the_stack_where_the_local_runner_would_be(
    compose: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    for variable in ("KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL", "LOFTE_ENV"):
        monkeypatch.delenv(variable, raising=False)
    defaults = ServiceSettings()
    kafka_host, _, kafka_port = defaults.kafka_bootstrap_servers.rpartition(":")
    database = defaults.database_url.hosts()[0]
    external = kafka_listeners("KAFKA_ADVERTISED_LISTENERS", compose)["EXTERNAL"]

    assert external == (kafka_host, kafka_port)
    assert Published(kafka_host, kafka_port, "9092") in published_ports(service(compose, "kafka"))
    assert published_ports(service(compose, "postgres")) == [
        Published(str(database["host"]), str(database["port"]), "5432")
    ]
    assert published_ports(service(compose, "prometheus")) == [
        Published("127.0.0.1", "9090", "9090")
    ]
    assert published_ports(service(compose, "grafana")) == [Published("127.0.0.1", "3000", "3000")]


def test_kafka_listeners_agree_with_each_other(compose: dict[str, Any]) -> None:
    kafka = environment_of(service(compose, "kafka"))
    listeners = kafka_listeners("KAFKA_LISTENERS", compose)
    advertised = kafka_listeners("KAFKA_ADVERTISED_LISTENERS", compose)
    protocols = dict(
        item.partition(":")[::2]
        for item in kafka["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(",")
    )
    controller = kafka["KAFKA_CONTROLLER_LISTENER_NAMES"]
    voter_node, _, voter_address = kafka["KAFKA_CONTROLLER_QUORUM_VOTERS"].partition("@")

    assert set(listeners) == set(protocols)
    assert set(advertised) <= set(listeners) - {controller}
    assert kafka["KAFKA_INTER_BROKER_LISTENER_NAME"] in advertised
    for name, (_host, port) in advertised.items():
        assert listeners[name][1] == port, f"{name} is advertised on another port than it listens"
    assert voter_node == kafka["KAFKA_NODE_ID"]
    assert voter_address.rpartition(":")[2] == listeners[controller][1]
    for published in published_ports(service(compose, "kafka")):
        assert published.container_port in {port for _host, port in advertised.values()}


def test_kafka_is_one_node_that_never_creates_topics_itself(compose: dict[str, Any]) -> None:
    kafka = environment_of(service(compose, "kafka"))

    assert set(kafka["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    for setting in (
        "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR",
        "KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR",
        "KAFKA_SHARE_COORDINATOR_STATE_TOPIC_REPLICATION_FACTOR",
    ):
        assert kafka[setting] == "1", setting
    assert kafka["KAFKA_AUTO_CREATE_TOPICS_ENABLE"] == "false"
    assert kafka["KAFKA_GROUP_INITIAL_REBALANCE_DELAY_MS"] == "0"


@pytest.mark.parametrize("name", ["kafka", "postgres"])
def test_dependencies_have_a_health_check_to_wait_for(compose: dict[str, Any], name: str) -> None:
    test = service(compose, name)["healthcheck"]["test"]

    assert test[0] in ("CMD", "CMD-SHELL")
    assert len(test) > 1


# --- the tests: each service ----------------------------------------------------------------


@pytest.mark.parametrize("name", IMAGES)
def test_service_builds_its_own_image_from_a_dockerfile_in_the_repo(
    compose: dict[str, Any], name: str
) -> None:
    dockerfile, args = build_of(compose, name)

    assert dockerfile.is_file()
    assert (ROOT / service(compose, name)["build"]["context"]).resolve() == ROOT.resolve()
    assert args == {"SERVICE": name, "PORT": str(documented_port(name))}


@pytest.mark.parametrize("name", APP_SERVICES)
def test_service_starts_once_kafka_and_postgres_are_healthy(
    compose: dict[str, Any], name: str
) -> None:
    depends_on = service(compose, name)["depends_on"]

    assert depends_on["kafka"]["condition"] == "service_healthy"
    assert depends_on["postgres"]["condition"] == "service_healthy"


@pytest.mark.parametrize("name", APP_SERVICES)
def test_service_finds_kafka_and_postgres_by_their_compose_names(
    compose: dict[str, Any], name: str
) -> None:
    environment = environment_of(service(compose, name))
    kafka_host, _, kafka_port = environment["KAFKA_BOOTSTRAP_SERVERS"].rpartition(":")
    database = urlsplit(environment["DATABASE_URL"])

    assert (kafka_host, kafka_port) in kafka_listeners(
        "KAFKA_ADVERTISED_LISTENERS", compose
    ).values()
    assert kafka_host == "kafka"
    assert (database.hostname, str(database.port)) == (
        "postgres",
        container_port(compose, "postgres"),
    )
    assert environment["HTTP_HOST"] == "0.0.0.0"  # noqa: S104 - in a container, on purpose


@pytest.mark.parametrize("name", APP_SERVICES)
def test_service_logs_in_with_the_password_postgres_was_given(
    name: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    shell = {"POSTGRES_PASSWORD": "not-the-default", "LOFTE_ENV": "production"}
    compose = load_compose(shell)
    postgres = environment_of(service(compose, "postgres"))
    environment = environment_of(service(compose, name))
    for variable, value in environment.items():
        monkeypatch.setenv(variable, value)
    # Production also refuses to reach Kafka without logging in; compose's broker is for
    # development, so a production deployment names its own cluster and login.
    monkeypatch.setenv("KAFKA_SECURITY_PROTOCOL", "SASL_SSL")
    monkeypatch.setenv("KAFKA_SASL_USERNAME", "lofte")
    monkeypatch.setenv("KAFKA_SASL_PASSWORD", "kafka-s3cret")
    # And staff sign in with the organisations' identity provider, which compose does not run.
    monkeypatch.setenv("OIDC_ISSUER", "https://login.lund.example/realms/lofte")
    if name == "notifications":
        # Production also refuses its development ack secret and the example routing file.
        routing = tmp_path / "routing.yaml"
        routing.write_text("contact_points: {a: {email: [a@lund.se]}}\nroute: {receiver: a}\n")
        monkeypatch.setenv("ACK_SECRET", "x" * 40)
        monkeypatch.setenv("ROUTING_FILE", str(routing))

    settings = SETTINGS[name]()  # production refuses a database URL without a password

    login = settings.database_url.hosts()[0]
    assert login["username"] == postgres["POSTGRES_USER"]
    assert login["password"] == postgres["POSTGRES_PASSWORD"] == shell["POSTGRES_PASSWORD"]
    assert settings.database_url.path == f"/{postgres['POSTGRES_DB']}"


@pytest.mark.parametrize("name", IMAGES)
def test_service_publishes_its_documented_port_on_loopback_only(
    compose: dict[str, Any], name: str
) -> None:
    port = str(documented_port(name))

    assert published_ports(service(compose, name)) == [Published("127.0.0.1", port, port)]


@pytest.mark.parametrize("name", IMAGES)
def test_service_is_restarted_and_its_health_check_asks_health(
    compose: dict[str, Any], name: str
) -> None:
    definition = service(compose, name)
    kind, *command = definition["healthcheck"]["test"]

    assert definition["restart"] == "unless-stopped"
    assert kind == "CMD"
    check_passes_only_on_a_healthy_service(command)


def test_public_site_waits_for_nothing_and_reads_the_metrics_service_by_its_compose_name(
    compose: dict[str, Any],
) -> None:
    public = service(compose, "public")
    environment = environment_of(public)
    metrics = urlsplit(environment["METRICS_URL"])

    assert "depends_on" not in public  # it must come up, and stay up, whatever else is down
    assert (metrics.hostname, str(metrics.port)) == ("metrics", container_port(compose, "metrics"))
    assert environment["HTTP_HOST"] == "0.0.0.0"  # noqa: S104 - in a container, on purpose
    assert any(m.target == environment["STATE_DIR"] and not m.is_bind for m in mounts(public)), (
        "the figures it keeps must outlive the container"
    )


# Who reads the metrics service's API inside the stack, and the shell variable its key is in.
METRICS_READERS = {
    "activities": "RECEIPTS_METRICS_API_KEY",
    "notifications": "DIGEST_METRICS_API_KEY",
    "public": "PUBLIC_METRICS_API_KEY",
}


@pytest.mark.parametrize(("name", "key_variable"), METRICS_READERS.items())
def test_service_reads_the_metrics_service_by_its_compose_name_with_a_key_of_its_own(
    name: str, key_variable: str
) -> None:
    compose = load_compose({key_variable: f"{name}-key"})
    environment = environment_of(service(compose, name))
    metrics = urlsplit(environment["METRICS_URL"])

    assert (metrics.hostname, str(metrics.port)) == ("metrics", container_port(compose, "metrics"))
    assert environment["METRICS_API_KEY"] == f"{name}-key"


# --- the tests: the image recipe ------------------------------------------------------------


@pytest.mark.parametrize("name", IMAGES)
def test_image_holds_the_shared_kernel_and_its_own_service_only(
    compose: dict[str, Any], name: str
) -> None:
    recipe = recipe_of(compose, name)

    assert sorted(recipe.copied) == sorted(
        ["requirements/runtime.txt", "shared/", "services/__init__.py", f"services/{name}/"]
    )
    for source in recipe.copied:
        assert (ROOT / source).exists(), source


def test_image_cannot_be_built_without_naming_a_service(compose: dict[str, Any]) -> None:
    dockerfile, args = build_of(compose, APP_SERVICES[0])

    def outcomes(build_args: Mapping[str, str]) -> list[int]:
        """Exit codes of the RUNs that guard the COPY of the service, run as Docker would."""
        recipe = read_recipe(dockerfile, build_args)
        guards = [run for run in recipe.runs_before_argument_copy if "SERVICE" in run]
        assert guards, "a RUN before the COPY of services/${SERVICE}/ must check SERVICE"
        given = {name: value for name, value in recipe.arguments.items() if value is not None}
        environment = {"PATH": os.environ["PATH"], **given}
        return [
            subprocess.run(
                ["sh", "-c", run], env=environment, capture_output=True, timeout=30, check=False
            ).returncode
            for run in guards
        ]

    assert any(code != 0 for code in outcomes({}))
    assert all(code == 0 for code in outcomes(args))


@pytest.mark.parametrize("name", IMAGES)
def test_image_installs_the_pinned_runtime_requirements(compose: dict[str, Any], name: str) -> None:
    recipe = recipe_of(compose, name)

    assert "pip install --no-cache-dir -r requirements/runtime.txt" in recipe.runs


def test_image_python_is_the_one_the_project_requires(compose: dict[str, Any]) -> None:
    bases = {recipe_of(compose, name).base for name in IMAGES}
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"][
        "requires-python"
    ]

    assert len(bases) == 1
    image, _, tag = bases.pop().partition(":")
    assert image == "python"
    assert tag.endswith("-slim")
    assert SpecifierSet(requires).contains(tag.removesuffix("-slim"))


@pytest.mark.parametrize("name", IMAGES)
def test_image_runs_its_service_as_a_non_root_user(compose: dict[str, Any], name: str) -> None:
    recipe = recipe_of(compose, name)
    command = recipe.command
    if command[:2] in (["sh", "-c"], ["/bin/sh", "-c"]):  # expand as sh would, from ENV
        words = shlex.split(interpolate(command[2], recipe.environment))
        command = words[1:] if words[0] == "exec" else words

    assert recipe.user not in ("", "root", "0")
    assert command == ["python", "-m", f"services.{name}"]
    assert (ROOT / "services" / name / "__main__.py").is_file()


@pytest.mark.parametrize("name", IMAGES)
def test_image_serves_its_port_on_every_interface(compose: dict[str, Any], name: str) -> None:
    recipe = recipe_of(compose, name)
    port = str(documented_port(name))

    assert recipe.environment["HTTP_HOST"] == "0.0.0.0"  # noqa: S104 - in a container, on purpose
    assert recipe.environment["HTTP_PORT"] == port
    assert recipe.environment["PYTHONUNBUFFERED"] == "1"
    assert recipe.exposed == [port]


def test_image_health_check_asks_health(compose: dict[str, Any]) -> None:
    recipe = recipe_of(compose, APP_SERVICES[0])

    assert recipe.healthcheck[0] == "python"
    check_passes_only_on_a_healthy_service(recipe.healthcheck)


def test_build_context_leaves_out_local_state_but_not_what_the_image_copies(
    compose: dict[str, Any],
) -> None:
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    patterns = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    assert not any(pattern.startswith("!") for pattern in patterns), "the check below ignores !"

    def ignored(path: str) -> bool:
        parts = PurePosixPath(path).parts
        prefixes = ["/".join(parts[: index + 1]) for index in range(len(parts))]
        return any(fnmatch(prefix, pattern) for prefix in prefixes for pattern in patterns)

    for local in (".git", ".venv", ".run", "tests", ".mypy_cache", "shared/__pycache__"):
        assert ignored(local), local
    for name in IMAGES:
        for source in recipe_of(compose, name).copied:
            assert not ignored(source), source


# --- the tests: Prometheus and Grafana ------------------------------------------------------


def read_yaml(path: Path) -> dict[str, Any]:
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(config, dict)
    return config


def prometheus_config_in_compose(compose: Mapping[str, Any]) -> Path:
    """The host file behind the --config.file that compose gives Prometheus."""
    prometheus = service(compose, "prometheus")
    flags = dict(flag.partition("=")[::2] for flag in prometheus["command"])
    return host_path(prometheus, flags["--config.file"])


# How a job names what it scrapes: fixed addresses, files of them, or a name Docker's DNS
# resolves to every replica.
TARGETS = ("static_configs", "file_sd_configs", "dns_sd_configs")


def files_by_job(config: Mapping[str, Any]) -> dict[str, list[str]]:
    """Each job's files of discovered targets."""
    return {
        job["job_name"]: [
            name for files in job.get("file_sd_configs", ()) for name in files["files"]
        ]
        for job in config["scrape_configs"]
    }


def targets_by_job(config: Mapping[str, Any]) -> dict[str, list[str]]:
    """Each job's fixed addresses and the names it asks DNS for (with their port)."""
    return {
        job["job_name"]: [
            target for group in job.get("static_configs", ()) for target in group["targets"]
        ]
        + [
            f"{name}:{dns['port']}"
            for dns in job.get("dns_sd_configs", ())
            for name in dns["names"]
        ]
        for job in config["scrape_configs"]
    }


def without_targets(config: Mapping[str, Any]) -> dict[str, Any]:
    jobs = [{k: v for k, v in job.items() if k not in TARGETS} for job in config["scrape_configs"]]
    return {**config, "scrape_configs": jobs}


def test_prometheus_in_compose_reads_its_own_config_from_the_repo(
    compose: dict[str, Any],
) -> None:
    assert prometheus_config_in_compose(compose) == ROOT / "infra/prometheus/prometheus.compose.yml"


def test_compose_prometheus_differs_from_the_local_one_in_targets_only(
    compose: dict[str, Any],
) -> None:
    path = prometheus_config_in_compose(compose)
    local = read_yaml(LOCAL_PROMETHEUS)
    in_compose = read_yaml(path)

    assert without_targets(in_compose) == without_targets(local)
    for pattern in in_compose["rule_files"]:
        assert list(path.parent.glob(pattern)), f"{pattern} matches no rule file"


def test_compose_prometheus_scrapes_exactly_the_services_by_compose_name(
    compose: dict[str, Any],
) -> None:
    local = targets_by_job(read_yaml(LOCAL_PROMETHEUS))
    in_compose = targets_by_job(read_yaml(prometheus_config_in_compose(compose)))
    prometheus_port = container_port(compose, "prometheus")

    assert in_compose.pop("prometheus") in (
        [f"localhost:{prometheus_port}"],
        [f"127.0.0.1:{prometheus_port}"],
    )
    assert in_compose == {name: [f"{name}:{container_port(compose, name)}"] for name in IMAGES}
    # `make up` lists each service's instances, on the ports it gave them, in a file per job.
    discovered = files_by_job(read_yaml(LOCAL_PROMETHEUS))
    for name in IMAGES:
        assert local[name] == []
        assert discovered[name] == [f"targets/{name}.json"]


def test_grafana_queries_the_compose_prometheus(compose: dict[str, Any]) -> None:
    grafana = service(compose, "grafana")
    folder = host_path(grafana, "/etc/grafana/provisioning/datasources")
    datasources = [
        source for path in sorted(folder.glob("*.yml")) for source in read_yaml(path)["datasources"]
    ]
    default = [source for source in datasources if source.get("isDefault")]

    assert len(default) == 1
    url = urlsplit(default[0]["url"])
    assert (default[0]["type"], default[0]["uid"]) == ("prometheus", "prometheus")
    assert (url.hostname, str(url.port)) == ("prometheus", container_port(compose, "prometheus"))


def test_grafana_loads_the_dashboards_committed_in_the_repo(compose: dict[str, Any]) -> None:
    grafana = service(compose, "grafana")
    folder = host_path(grafana, "/etc/grafana/provisioning/dashboards")
    providers = [
        provider
        for path in sorted(folder.glob("*.yml"))
        for provider in read_yaml(path)["providers"]
    ]

    assert providers
    for provider in providers:
        assert provider["type"] == "file"
        dashboards = host_path(grafana, provider["options"]["path"])
        assert dashboards == ROOT / "infra/grafana/dashboards"
        assert dashboards.is_dir()
