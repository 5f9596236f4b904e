"""kubernetes.yaml, validated offline: no cluster runs here, so this is all that is checked.

kubernetes-validate (PyPI) carries the Kubernetes API schemas of every release from 1.25 to
1.37 inside its package; each document is validated against each of them, strictly (a
misspelt field fails too), with this process's network refused. The schemas cannot see
whether the parts fit together, or fit the app: the other tests check that.
"""

import json
import re
import socket
from pathlib import Path

import httpx
import kubernetes_validate
import pytest
import yaml
from kubernetes_validate.utils import all_versions

import files
import security

PROJECT = Path(__file__).resolve().parents[1]
MANIFEST = PROJECT / "kubernetes.yaml"
VERSIONS = sorted(set(all_versions()), key=lambda v: tuple(int(n) for n in v.split(".")))
RFC1035_LABEL = re.compile(r"[a-z]([-a-z0-9]{0,61}[a-z0-9])?")  # a Service's name must be one


@pytest.fixture
def offline(monkeypatch):
    """Any connection this process tries fails the test."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"tried to connect: {args}")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "getaddrinfo", refuse)


def load() -> dict[str, dict]:
    """The manifest's documents, by kind."""
    documents = [d for d in yaml.safe_load_all(MANIFEST.read_text()) if d]
    kinds = {d["kind"]: d for d in documents}
    assert sorted(kinds) == ["Deployment", "Ingress", "Service"], kinds.keys()
    return kinds


def validate(document: dict) -> list[str]:
    """Validates one document against every Kubernetes release the package knows: the
    versions it passed (or kubernetes_validate.ValidationError)."""
    return [kubernetes_validate.validate(document, version, strict=True) for version in VERSIONS]


def test_the_manifest_is_valid_kubernetes(offline):
    assert VERSIONS[0] == "1.25.0" and len(VERSIONS) >= 13, VERSIONS
    for kind, document in load().items():
        passed = validate(document)
        print(f"{kind} {document['metadata']['name']}: valid in {', '.join(passed)}")


@pytest.mark.parametrize(
    "break_it, error",
    [
        (lambda d: d["spec"].update(replicas="two"), "'two' is not of type 'integer'"),
        (
            lambda d: d["spec"]["template"]["spec"]["containers"][0].update(readinesProbe={}),
            "Additional properties are not allowed ('readinesProbe' was unexpected)",
        ),
    ],
    ids=["a wrong type", "a misspelt field"],
)
def test_the_same_validation_refuses_a_broken_manifest(offline, break_it, error):
    """The control: the check above can fail."""
    deployment = load()["Deployment"]
    break_it(deployment)
    with pytest.raises(kubernetes_validate.ValidationError) as refused:
        validate(deployment)
    assert error in refused.value.message, refused.value.message
    print(f"refused: {refused.value.message}")


def test_the_parts_fit_together():
    kinds = load()
    deployment, service, ingress = kinds["Deployment"], kinds["Service"], kinds["Ingress"]
    for document in kinds.values():
        assert RFC1035_LABEL.fullmatch(document["metadata"]["name"]), document["metadata"]
    pod = deployment["spec"]["template"]
    labels = pod["metadata"]["labels"].items()
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels  # its own pods
    assert service["spec"]["selector"].items() <= labels  # the Service sends to them
    (container,) = pod["spec"]["containers"]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert env["GRADIO_SERVER_NAME"] == "0.0.0.0"  # else the app listens on 127.0.0.1 only
    ports = {p["name"]: p["containerPort"] for p in container["ports"]}
    (service_port,) = service["spec"]["ports"]
    assert ports[service_port["targetPort"]] == int(env["GRADIO_SERVER_PORT"])
    assert container["command"] == ["python", "app.py"] and (PROJECT / "app.py").is_file()
    (rule,) = ingress["spec"]["rules"]
    (path,) = rule["http"]["paths"]
    backend = path["backend"]["service"]
    assert backend == {"name": service["metadata"]["name"], "port": {"name": service_port["name"]}}
    memory = container["resources"]
    assert memory["requests"]["memory"] == memory["limits"]["memory"]


def test_affinity_streaming_and_limits_match_the_app(app_module):
    kinds = load()
    annotations = kinds["Ingress"]["metadata"]["annotations"]
    prefix = "nginx.ingress.kubernetes.io/"
    assert annotations[prefix + "affinity"] == "cookie"
    assert annotations[prefix + "proxy-buffering"] == "off"  # the queue's event stream
    # The same body size as the tested nginx configuration (a little above MAX_FILE_SIZE).
    nginx = (PROJECT / "nginx-location.conf").read_text()
    size = re.search(r"^\s*client_max_body_size (\S+);", nginx, re.M).group(1)
    assert annotations[prefix + "proxy-body-size"] == size
    # nginx counts the whole request in MiB: the app's own limit, a little below, decides.
    assert 0 < int(size.removesuffix("m")) * 2**20 - security.MAX_REQUEST_BYTES < 2**20
    service = kinds["Service"]["spec"]
    assert service["sessionAffinity"] == "ClientIP"
    timeout = service["sessionAffinityConfig"]["clientIP"]["timeoutSeconds"]
    assert timeout == files.KEEP_FILES_FOR  # as long as the app keeps a visitor's files


def test_the_probes_ask_what_the_app_answers(server_url):
    """The probes' paths, asked of the running app (model loaded and warmed up)."""
    (container,) = load()["Deployment"]["spec"]["template"]["spec"]["containers"]
    probes = {kind: container[f"{kind}Probe"]["httpGet"] for kind in ("startup", "liveness")}
    probes["readiness"] = container["readinessProbe"]["httpGet"]
    assert {kind: probe["path"] for kind, probe in probes.items()} == {
        "startup": "/healthz",
        "liveness": "/healthz",
        "readiness": "/readyz",
    }
    for probe in probes.values():
        assert probe["port"] == "http"
        assert httpx.get(server_url.rstrip("/") + probe["path"]).status_code == 200


def test_the_pods_run_the_image_the_dockerfile_builds():
    """The Deployment's image is the Dockerfile's, as README.md builds, tags and pushes it: the
    same user, port and command, and the HEALTHCHECK asks what the readiness probe asks."""
    dockerfile = (PROJECT / "Dockerfile").read_text()
    (container,) = load()["Deployment"]["spec"]["template"]["spec"]["containers"]
    readme = (PROJECT / "README.md").read_text()
    assert f"docker push {container['image']}\n" in readme, container["image"]
    assert re.search(r"^USER 1000:1000$", dockerfile, re.M)
    security = container["securityContext"]
    assert (security["runAsUser"], security["runAsGroup"], security["runAsNonRoot"]) == (
        1000,
        1000,
        True,
    )
    (port,) = container["ports"]
    assert re.findall(r"^EXPOSE (\d+)$", dockerfile, re.M) == [str(port["containerPort"])]
    env = {e["name"]: e.get("value") for e in container["env"]}
    assert re.findall(r"GRADIO_SERVER_PORT=(\d+)", dockerfile) == [env["GRADIO_SERVER_PORT"]]
    assert re.findall(r"GRADIO_SERVER_NAME=(\S+)", dockerfile) == [env["GRADIO_SERVER_NAME"]]
    (command,) = re.findall(r"^CMD (\[.*\])$", dockerfile, re.M)
    assert json.loads(command) == container["command"]
    (healthcheck,) = re.findall(r"^HEALTHCHECK .*\\\n\s+CMD (\[.*\])$", dockerfile, re.M)
    assert container["readinessProbe"]["httpGet"]["path"] in healthcheck
