"""The generated project's tooling: deploy, CI workflows, MCP, template updates, development.

Nothing here reaches the Internet: the deploy runs dry, the workflows are linted offline,
cruft works on a local Git copy of the template, and pre-commit runs only its local hooks.
"""

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
import yaml
from conftest import FULL_VARIANTS, OPTIONS, ROOT, VARIANTS, free_port, variant_id

GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.com",
}  # fmt: skip
# One bake per frontend, MCP off and on and the apps in turns; and a built bake of each frontend,
# the apps in turns.
ONE_PER_FRONTEND = [
    next(v for v in VARIANTS if (v["frontend"], v["mcp"], v["app"]) == (f, OPTIONS["mcp"][j % 2],
                                                                         OPTIONS["app"][j % 2]))
    for j, f in enumerate(OPTIONS["frontend"])
]  # fmt: skip
BUILT_PER_FRONTEND = [
    next(v for v in FULL_VARIANTS if (v["frontend"], v["app"]) == (f, OPTIONS["app"][j % 2]))
    for j, f in enumerate(OPTIONS["frontend"])
]
per_frontend = pytest.mark.parametrize("variant", ONE_PER_FRONTEND, ids=variant_id)
built_per_frontend = pytest.mark.parametrize("variant", BUILT_PER_FRONTEND, ids=variant_id)


def run(args, cwd, env=None, check=True, timeout=300):
    result = subprocess.run(
        args, cwd=cwd, capture_output=True, text=True, timeout=timeout,
        env={**os.environ, **GIT_ENV, **(env or {})},
    )  # fmt: skip
    if check:
        assert result.returncode == 0, f"{args}:\n{result.stdout[-3000:]}{result.stderr[-3000:]}"
    return result


def tool(name: str) -> str:
    """The path of a command-line tool from requirements-dev.txt; missing, a failure."""
    found = shutil.which(name) or shutil.which(name, path=str(Path(sys.executable).parent))
    assert found, f"{name} is missing: pip install -r requirements-dev.txt"
    return found


# --- Deploy -------------------------------------------------------------------------------

OFFLINE = {
    "HF_HUB_OFFLINE": "1",
    "HF_ENDPOINT": "http://127.0.0.1:9",  # nothing listens there: any Hub call would fail
    "HF_TOKEN": "",
}


@built_per_frontend
def test_deploy_dry_run_lists_exactly_what_the_space_needs(built, variant, tmp_path):
    project = built(variant)
    result = run([sys.executable, "deploy.py", "--dry-run"], project,
                 env={**OFFLINE, "HF_HOME": str(tmp_path)})  # fmt: skip
    lines = result.stdout.splitlines()
    space = f"{OPTIONS['hf_username']}/{project.name}"
    model = OPTIONS["_models"][variant["model"]]
    hardware = "zero-a10g" if variant["zerogpu"] == "yes" else model["hardware"]
    assert f"A new Space would start on {hardware}." in result.stdout
    header = next(line for line in lines if line.startswith("Would upload"))
    assert header.endswith(f"https://huggingface.co/spaces/{space}:"), header
    files = {line.strip() for line in lines[lines.index(header) + 1 :]}
    static = {p.relative_to(project).as_posix() for p in (project / "static").rglob("*")
              if p.is_file()}  # fmt: skip
    modules = {"app.py", "files.py", "images.py", "security.py", "segmenter.py", "server.py"}
    expected = {"README.md", "requirements.txt"} | modules | static
    assert files == expected, files ^ expected
    assert "static/index.html" in files and any(f.endswith(".js") for f in static)
    if variant["frontend"] != "vanilla":  # deploy.py built it: Vite's hashed bundle is there
        assert "vite" in result.stdout and any(f.startswith("static/assets/") for f in files)
    assert not any(f.startswith(("node_modules", "frontend", "tests")) for f in files), files


def test_deploy_without_a_token_says_how_to_log_in(bake, tmp_path):
    project = bake(ONE_PER_FRONTEND[0])  # vanilla: nothing to build
    env = {**OFFLINE, "HF_HOME": str(tmp_path)}  # no token saved there
    result = run([sys.executable, "deploy.py"], project, env=env, check=False)
    assert result.returncode != 0
    assert "hf auth login" in result.stderr and "HF_TOKEN" in result.stderr, result.stderr


def load_deploy(project: Path, monkeypatch, api):
    """deploy.py as a module, with huggingface_hub's HfApi replaced by `api`: no network."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("deploy_under_test", project / "deploy.py")
    deploy = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(deploy)
    monkeypatch.setattr(deploy, "HfApi", lambda: api)
    monkeypatch.setenv("HF_TOKEN", "hf_not_a_real_token")
    monkeypatch.setattr(sys, "argv", ["deploy.py", "--space", "someone/space"])
    return deploy


class RecordingApi:
    """Records every HfApi call; `exists` answers repo_exists, `refuse` makes create_repo fail."""

    def __init__(self, exists=False, refuse=False):
        self.calls, self.exists, self.refuse = [], exists, refuse

    def __getattr__(self, name):
        def call(*args, **kwargs):
            self.calls.append((name, args, kwargs))
            if name == "repo_exists":
                return self.exists
            if name == "create_repo" and self.refuse:
                import httpx
                from huggingface_hub.errors import HfHubHTTPError

                request = httpx.Request("POST", "https://huggingface.co/api/repos/create")
                response = httpx.Response(402, request=request)
                raise HfHubHTTPError("402 Payment Required: needs a paid plan", response=response)

        return call


@pytest.mark.parametrize("zerogpu", OPTIONS["zerogpu"])
def test_deploy_creates_the_space_on_its_hardware_and_uploads_those_files(
    bake, monkeypatch, capsys, zerogpu
):
    """The real path: a new Space is created on ZeroGPU (or the model's hardware), then filled."""
    project = bake({**ONE_PER_FRONTEND[0], "zerogpu": zerogpu})  # vanilla: nothing to build
    api = RecordingApi()
    deploy = load_deploy(project, monkeypatch, api)
    deploy.main()
    (exists, _, _), (create, (repo,), created), (upload, _, uploaded) = api.calls
    assert (exists, create, repo, upload) == (
        "repo_exists", "create_repo", "someone/space", "upload_folder"
    )  # fmt: skip
    hardware = "zero-a10g" if zerogpu == "yes" else OPTIONS["_models"]["birefnet"]["hardware"]
    assert deploy.HARDWARE == hardware
    assert created == {"repo_type": "space", "space_sdk": "gradio", "space_hardware": hardware}
    assert uploaded["repo_id"] == "someone/space" and uploaded["repo_type"] == "space"
    assert Path(uploaded["folder_path"]) == project
    assert uploaded["allow_patterns"] == deploy.UPLOAD  # the dry run lists what these match
    out = capsys.readouterr().out
    assert f"Created https://huggingface.co/spaces/someone/space on {hardware}" in out
    assert ("free" if zerogpu == "yes" else "paid") in out
    assert f"Uploaded {len(deploy.files_to_upload())} files" in out


def test_deploy_to_an_existing_space_leaves_its_hardware(bake, monkeypatch, capsys):
    api = RecordingApi(exists=True)
    load_deploy(bake(ONE_PER_FRONTEND[0]), monkeypatch, api).main()
    assert [name for name, _, _ in api.calls] == ["repo_exists", "upload_folder"]
    assert "its hardware stays as its settings say" in capsys.readouterr().out


def test_deploy_says_what_the_hardware_needs_when_the_hub_refuses(bake, monkeypatch):
    project = bake({**ONE_PER_FRONTEND[0], "zerogpu": "no"})
    api = RecordingApi(refuse=True)
    with pytest.raises(SystemExit) as stop:
        load_deploy(project, monkeypatch, api).main()
    message = str(stop.value)
    assert "Could not create https://huggingface.co/spaces/someone/space" in message
    assert "402 Payment Required" in message and "paid Hugging Face plan" in message
    assert "upload_folder" not in [name for name, _, _ in api.calls]  # nothing half-done


@built_per_frontend
def test_deploy_space_option(built, variant, tmp_path):
    project = built(variant)
    args = [sys.executable, "deploy.py", "--dry-run", "--space", "someone/elsewhere"]
    if variant["frontend"] != "vanilla":
        args.append("--no-build")  # the build is there already
    result = run(args, project, env={**OFFLINE, "HF_HOME": str(tmp_path)})
    assert "https://huggingface.co/spaces/someone/elsewhere:" in result.stdout


# --- GitHub Actions -------------------------------------------------------------------------


@per_frontend
def test_workflows_survive_generation_and_pass_the_linters(bake, variant):
    project = bake(variant)
    workflows = project / ".github" / "workflows"
    ci = yaml.safe_load((workflows / "ci.yml").read_text())
    deploy_text = (workflows / "deploy.yml").read_text()
    deploy = yaml.safe_load(deploy_text)
    # GitHub's ${{ }} expressions look like Jinja: they must arrive as written.
    assert "HF_TOKEN: ${{ secrets.HF_TOKEN }}" in deploy_text
    steps = "\n".join(str(step) for step in ci["jobs"]["test"]["steps"])
    for needed in ("download.pytorch.org/whl/cpu", "requirements-dev.txt", "chromium",
                   "ruff check", "npm", "pytest"):  # fmt: skip
        assert needed in steps, needed
    assert ("run build" in steps) == (variant["frontend"] != "vanilla")
    # yaml reads the key `on` as True.
    assert deploy[True]["push"]["branches"] == ["main"]
    assert deploy["jobs"]["deploy"]["needs"] == "test"
    assert deploy["jobs"]["test"]["uses"] == "./.github/workflows/ci.yml"
    assert "workflow_call" in ci[True]
    assert "python deploy.py" in str(deploy["jobs"]["deploy"]["steps"])

    schema = [tool("check-jsonschema"), "--builtin-schema", "vendor.github-workflows"]
    run([*schema, *map(str, sorted(workflows.glob("*.yml")))], project)
    lint = run([tool("zizmor"), "--offline", "--no-progress", ".github"], project, check=False)
    assert lint.returncode == 0, lint.stdout + lint.stderr


# --- MCP ------------------------------------------------------------------------------------


@pytest.mark.parametrize("mcp", OPTIONS["mcp"])
def test_mcp_option_lands_only_when_chosen(bake, mcp):
    project = bake({**ONE_PER_FRONTEND[0], "mcp": mcp})
    on = mcp == "yes"
    assert (project / "tests" / "test_mcp.py").exists() == on
    assert ('"mcp_server", True' in (project / "app.py").read_text()) == on
    for name in ("requirements.txt", "requirements-dev.txt"):
        assert ("gradio[mcp]==" in (project / name).read_text()) == on, name
    assert ("MCP" in (project / "README.md").read_text()) == on


def test_the_full_runs_include_the_generated_mcp_test():
    """test_bake.test_generated_tests_pass runs tests/test_mcp.py wherever MCP is on."""
    assert {v["mcp"] for v in FULL_VARIANTS} == set(OPTIONS["mcp"])
    assert {v["zerogpu"] for v in FULL_VARIANTS if v["mcp"] == "yes"} == set(OPTIONS["zerogpu"])


# --- Updates with cruft ---------------------------------------------------------------------


def test_cruft_bakes_and_pulls_a_later_template_change(tmp_path):
    template = tmp_path / "template"
    files = run(["git", "ls-files", "-z"], ROOT).stdout.split("\0")
    for name in filter(None, files):
        if (ROOT / name).is_file():  # the working tree, uncommitted changes included
            (template / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / name, template / name)
    run(["git", "init", "-q"], template)
    run(["git", "add", "-A"], template)
    run(["git", "commit", "-qm", "v1"], template)
    first = run(["git", "rev-parse", "HEAD"], template).stdout.strip()

    cruft = tool("cruft")
    answers = json.dumps({"frontend": "svelte", "mcp": "yes", "hf_username": "someone"})
    run([cruft, "create", str(template), "--no-input", "--output-dir", str(tmp_path / "out"),
         "--extra-context", answers], tmp_path)  # fmt: skip
    project = tmp_path / "out" / "text-behind-image"
    state = json.loads((project / ".cruft.json").read_text())
    assert state["template"] == str(template) and state["commit"] == first
    context = state["context"]["cookiecutter"]
    assert context["frontend"] == "svelte" and context["hf_username"] == "someone"
    assert set(OPTIONS) - {"__prompts__"} <= set(context)  # every answer, the private keys too

    # The project is a Git repository with a change of its own...
    run(["git", "init", "-q"], project)
    run(["git", "add", "-A"], project)
    run(["git", "commit", "-qm", "generated"], project)
    with (project / "app.py").open("a") as f:
        f.write("# our own change\n")
    run(["git", "commit", "-qam", "our change"], project)
    # ...and the template moves on.
    readme = template / "{{cookiecutter.project_slug}}" / "README.md"
    readme.write_text(readme.read_text() + "\nNew in the template.\n")
    run(["git", "commit", "-qam", "v2"], template)

    assert run([cruft, "check"], project, check=False).returncode != 0  # out of date
    # cruft diff: how the project differs from the template version it records (our change).
    diff = run([cruft, "diff"], project).stdout
    assert "-# our own change" in diff and "New in the template" not in diff
    run([cruft, "update", "--skip-apply-ask", "--allow-untracked-files"], project)
    assert (project / "README.md").read_text().endswith("New in the template.\n")
    assert (project / "app.py").read_text().endswith("# our own change\n")
    second = json.loads((project / ".cruft.json").read_text())["commit"]
    assert second != first
    run([cruft, "check"], project)

    # A plain cookiecutter bake records its answers and prints the one command that links it.
    # (The template given as a relative path, as people type it: the command must still work.)
    baked = run([tool("cookiecutter"), "--no-input", "-o", "plain", "template", "frontend=react",
                 "hf_username=someone"], tmp_path)  # fmt: skip
    plain = tmp_path / "plain" / "text-behind-image"
    assert not (plain / ".cruft.json").exists()
    record = json.loads((plain / ".cookiecutter.json").read_text())
    assert record["_template"] == str(template) and record["frontend"] == "react"
    assert not {key for key in record if key.startswith("_")} - {"_template"}
    link = next(line.strip() for line in baked.stdout.splitlines() if "cruft link" in line)
    run(["bash", "-c", link], plain)  # exactly as printed, no answer retyped, no Git needed
    run(["git", "init", "-q"], plain)  # cruft update applies its diff in a Git repository
    linked = json.loads((plain / ".cruft.json").read_text())
    assert linked["commit"] == second and linked["template"] == str(template)
    context = linked["context"]["cookiecutter"]
    assert (context["frontend"], context["hf_username"]) == ("react", "someone")
    run(["git", "add", "-A"], plain)
    run(["git", "commit", "-qm", "generated and linked"], plain)
    run([cruft, "check"], plain)
    # The template moves on again: the linked project follows, with its own answers.
    readme.write_text(readme.read_text() + "And later.\n")
    run(["git", "commit", "-qam", "v3"], template)
    run([cruft, "update", "--skip-apply-ask"], plain)
    assert (plain / "README.md").read_text().endswith("And later.\n")
    assert (plain / "frontend" / "src" / "App.tsx").is_file()  # still the React project
    assert not list(plain.rglob("*.rej")), "the update conflicted"


# --- Development ----------------------------------------------------------------------------


def project_copy(project: Path, to: Path) -> Path:
    """A copy to change freely, sharing the bake's node_modules."""
    shutil.copytree(project, to, ignore=shutil.ignore_patterns("node_modules", ".standin-cache"))
    for modules in project.rglob("node_modules"):
        if "node_modules" not in modules.relative_to(project).parts[:-1]:
            (to / modules.relative_to(project)).symlink_to(modules, target_is_directory=True)
    return to


def wait_for(url: str, proc, seconds: float = 120) -> httpx.Response:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert proc.poll() is None, "dev.py exited"
        try:
            response = httpx.get(url, timeout=5)
            if response.status_code == 200:
                return response
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"{url} did not answer 200 within {seconds} s")


def descendants(pid: int) -> list[int]:
    """Every process started by pid, and by those, from /proc (Linux)."""
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        for child in (task / "children").read_text().split():
            found += [int(child), *descendants(int(child))]
    return found


def running(pid: int) -> bool:
    stat = Path(f"/proc/{pid}/stat")
    try:
        return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has stopped
    except FileNotFoundError:
        return False


def describe(pid: int) -> str:
    """A process's command line and the kernel function it waits in, from /proc (Linux)."""
    command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    return f"{pid} {command[:120]} (waits in {Path(f'/proc/{pid}/wchan').read_text()})"


def listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


# How dev.py is stopped: SIGTERM to dev.py alone (a process manager, `kill`), or SIGINT to its
# whole process group (Ctrl-C in a terminal). Vite bakes take both; vanilla runs no Vite.
STOPS = [(BUILT_PER_FRONTEND[0], "SIGTERM"), (BUILT_PER_FRONTEND[1], "SIGTERM"),
         (BUILT_PER_FRONTEND[2], "Ctrl-C")]  # fmt: skip


@pytest.mark.parametrize("variant, stop", STOPS, ids=lambda v: v if isinstance(v, str) else
                         variant_id(v))  # fmt: skip
def test_dev_command_serves_restarts_on_change_and_stops_everything(built, variant, stop,
                                                                    tmp_path):  # fmt: skip
    """`python dev.py --standin` as the README's Develop section says: no frontend build needed
    (a fresh bake has no static/ until `npm run build`), and stopping it stops all it started."""
    project = project_copy(built(variant), tmp_path / "project")
    vite = variant["frontend"] != "vanilla"
    if vite:
        shutil.rmtree(project / "static")  # as after `npm --prefix frontend ci` in a fresh bake
    app_port, vite_port = free_port(), free_port()
    env = {**os.environ, "GRADIO_SERVER_PORT": str(app_port), "GRADIO_SERVER_NAME": "127.0.0.1"}
    args = [sys.executable, "dev.py", "--standin"]
    if vite:
        args += ["--port", str(vite_port)]
    log = (tmp_path / "dev.log").open("w")
    # A session of its own, as a terminal gives it: Ctrl-C signals that whole group.
    dev = subprocess.Popen(args, cwd=project, env=env, stdout=log, stderr=subprocess.STDOUT,
                           start_new_session=True)  # fmt: skip
    started = []
    try:
        app = f"http://127.0.0.1:{app_port}"
        wait_for(f"{app}/healthz", dev)
        if vite:  # Vite serves the sources with hot reload and forwards API calls to the app
            page = wait_for(f"http://localhost:{vite_port}/", dev).text
            assert "/src/main.ts" in page or "/src/main.tsx" in page, page
            info = wait_for(f"http://localhost:{vite_port}/gradio_api/info", dev).json()
            assert "/remove_background" in info["named_endpoints"]
            not_built = httpx.get(f"{app}/")  # the app's own page says why it has none
            assert not_built.status_code == 503
            assert "static/index.html is missing" in not_built.text
        else:
            assert 'src="ui/' in wait_for(f"{app}/", dev).text
        # A change to app.py restarts the app: a route added now is served.
        source = (project / "app.py").read_text()
        route = '@app.get("/dev-check")\ndef dev_check() -> str:\n    return "restarted"\n\n\n'
        main = 'if __name__ == "__main__":'
        (project / "app.py").write_text(source.replace(main, route + main))
        assert wait_for(f"{app}/dev-check", dev).json() == "restarted"
        started = descendants(dev.pid)
        assert len(started) >= (4 if vite else 1), started  # the app; npm, sh and Vite
        if stop == "SIGTERM":
            dev.send_signal(signal.SIGTERM)
        else:
            os.killpg(dev.pid, signal.SIGINT)
        try:
            dev.wait(timeout=60)
        except subprocess.TimeoutExpired:  # say what is still running, and where it waits
            alive = [describe(pid) for pid in [dev.pid, *started] if running(pid)]
            pytest.fail(f"dev.py still running 60 s after {stop}: {alive}")
        left = [pid for pid in started if running(pid)]
        assert not left, f"still running after {stop}: {left}"
        ports = [app_port, vite_port] if vite else [app_port]
        assert not [port for port in ports if listening(port)], ports
    finally:
        for pid in [dev.pid, *started]:
            if running(pid):
                os.kill(pid, signal.SIGKILL)
        log.close()
        print((tmp_path / "dev.log").read_text()[-2000:])


# --- The next steps, as printed -------------------------------------------------------------

# The printed commands that need what a test may not reach, and where else they are covered.
NOT_RUN_HERE = {
    "pip install": "the packages: tests/test_requirements.py resolves both files against PyPI",
    "pytest --full": "the full suite: test_bake.test_generated_tests_pass runs it in each bake",
    "python app.py": "the real model, downloaded from the Hub",
    "python deploy.py": "publishes to the Hub: test_deploy_* run it with --dry-run",
}


def serves_the_editor_offline(project: Path, tmp_path: Path) -> None:
    """`python -m tests.standin`, as printed: the editor and the API on the stand-in, offline."""
    from gradio_client import Client, handle_file
    from PIL import Image

    port = free_port()
    env = {**os.environ, "GRADIO_SERVER_PORT": str(port), **OFFLINE}
    server = subprocess.Popen(
        [sys.executable, "-m", "tests.standin"], cwd=project, env=env,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        url = f"http://127.0.0.1:{port}/"
        assert 'src="ui/' in wait_for(url, server).text  # the editor's page, served by the app
        photo = tmp_path / "photo.png"
        image = Image.new("RGB", (300, 200), (10, 10, 10))
        image.paste((250, 250, 250), (100, 50, 200, 150))
        image.save(photo)
        client = Client(url, verbose=False, download_files=str(tmp_path))
        matte = client.predict(image_path=handle_file(str(photo)), api_name="/matte")
        alpha = Image.open(matte).getchannel("A")
        assert alpha.getpixel((150, 100)) > 250 and alpha.getpixel((10, 10)) < 5
        # The health checks, as an orchestrator polls them (the warm-up ran at start-up).
        assert httpx.get(f"{url}healthz").json() == {"status": "ok"}
        assert httpx.get(f"{url}readyz").json() == {"status": "ready"}
    finally:
        server.terminate()
        server.wait(timeout=30)


def printed_commands(stdout: str) -> list[str]:
    """The commands of the hook's "Next steps", comments dropped, in order."""
    steps = stdout.split("Next steps")[1].split("The Space runs")[0].splitlines()[1:]
    return [line.split(" #")[0].strip() for line in steps if line.strip()]


# Vanilla and React (Svelte prints React's commands: checked below). These are the first two
# full variants' answers, so both ways a model loads are served once.
@pytest.mark.parametrize("variant", FULL_VARIANTS[:2], ids=variant_id)
def test_the_next_steps_run_as_printed(variant, tmp_path):
    """A newcomer copies the printed commands in order: each one works where it stands."""
    answers = [f"{key}={value}" for key, value in variant.items()]
    bake = [tool("cookiecutter"), "--no-input", "-o", str(tmp_path), str(ROOT)]
    commands = printed_commands(run([*bake, *answers], tmp_path).stdout)
    assert commands[0] == "cd text-behind-image", commands
    project = tmp_path / "text-behind-image"
    ran = []
    for command in commands[1:]:
        if any(command.startswith(prefix) for prefix in NOT_RUN_HERE):
            continue
        if command == "python -m tests.standin":
            serves_the_editor_offline(project, tmp_path)
        else:  # in a GRADIO_TEMP_DIR of its own: Gradio's default folder is the machine's
            env = {"GRADIO_TEMP_DIR": str(tmp_path / "gradio")}
            result = run(["bash", "-c", command], project, env=env, timeout=900)
            assert " passed" in result.stdout or command != "pytest", result.stdout[-2000:]
        ran.append(command)
    npm = "npm ci" if variant["frontend"] == "vanilla" else (
        "npm --prefix frontend ci && npm --prefix frontend run build")  # fmt: skip
    assert ran == [npm, "pytest", "python -m tests.standin"], commands
    if variant["frontend"] == "react":
        svelte = run([*bake[:3], str(tmp_path / "svelte"), str(ROOT), "frontend=svelte"], tmp_path)
        assert printed_commands(svelte.stdout) == commands


# --- pre-commit -----------------------------------------------------------------------------


@built_per_frontend
def test_pre_commit_runs_ruff_and_the_frontend_type_check(built, variant, tmp_path):
    project = built(variant)
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text())
    hooks = {hook["id"]: repo for repo in config["repos"] for hook in repo["hooks"]}
    ruff_repo = "https://github.com/astral-sh/ruff-pre-commit"
    assert hooks["ruff-check"]["repo"] == hooks["ruff-format"]["repo"] == ruff_repo
    assert hooks["frontend-types"]["repo"] == "local"

    # Only the local hooks run here: the ruff hooks' repository is on GitHub, out of reach.
    copy = project_copy(project, tmp_path / "project")
    local = {"repos": [repo for repo in config["repos"] if repo["repo"] == "local"]}
    (copy / "local-hooks.yaml").write_text(yaml.safe_dump(local))
    run(["git", "init", "-q"], copy)
    run(["git", "add", "-A"], copy)
    env = {"PRE_COMMIT_HOME": str(tmp_path / "pre-commit-home")}
    result = run([tool("pre-commit"), "run", "--all-files", "-c", "local-hooks.yaml"], copy, env)
    assert "frontend type check" in result.stdout and "Passed" in result.stdout, result.stdout

    # It fails on a type error.
    if variant["frontend"] == "vanilla":  # plain JavaScript, typed in JSDoc
        broken, error = copy / "static" / "main.js", '/** @type {number} */\nconst n = "one";\n'
    else:
        broken, error = next(copy.glob("frontend/src/main.ts*")), 'const n: number = "one";\n'
    broken.write_text(broken.read_text() + "\n" + error)
    run(["git", "add", "-A"], copy)
    failed = run([tool("pre-commit"), "run", "--all-files", "-c", "local-hooks.yaml"], copy, env,
                 check=False)  # fmt: skip
    assert failed.returncode != 0 and "Failed" in failed.stdout, failed.stdout


# --- The README: from a bake to a dry-run deploy and CI -------------------------------------


@per_frontend
def test_readme_covers_deploy_ci_mcp_updates_and_development(bake, variant):
    readme = (bake(variant) / "README.md").read_text()
    for needed in ("python deploy.py --dry-run", "python deploy.py", "HF_TOKEN",
                   ".github/workflows/ci.yml", "python dev.py", "pre-commit install",
                   "cruft update", "cruft link"):  # fmt: skip
        assert needed in readme, needed
    assert ("/gradio_api/mcp/" in readme) == (variant["mcp"] == "yes")
