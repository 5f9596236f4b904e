"""The docs hold: links resolve, every command is run somewhere, excerpts are real.

- Every relative link and image in README.md and docs/*.md points to an existing file, and a
  `#anchor` into a Markdown file to one of its headings (GitHub's slugs).
- Every command line in a ```bash / ```sh / ```shell / ```console block is matched by COVERED,
  which names the test (or CI script) that runs it; each named test must exist. The cookiecutter
  commands are run here, for real, into a temporary folder.
- A code block right after `<!-- excerpt: FILE [answer=value ...] -->` must appear in that file of
  a real bake (or, with `template:FILE`, in the template's own file), whitespace aside; lines
  that are just `...` (or `# ...`, `// ...`) mark elisions.
"""

import ast
import itertools
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import OPTIONS, ROOT

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
SHELL_LANGS = {"bash", "sh", "shell", "console", "zsh"}
TEMPLATE_ARG = "path/to/cookiecutter-gradio-server"  # the docs' name for this repository
DEFAULT_SLUG = "text-behind-image"

# Command (as shlex tokens joined by spaces, comments dropped, split at &&) -> what runs it:
# "tests/FILE.py::test_name" (the function must exist) or ".ci/run" (CI runs README.md's test
# command). A doc command that matches nothing fails test_every_doc_command_is_run_somewhere.
COVERED = {
    # Run by this file.
    r"pip install .+": "tests/test_docs.py::test_pip_installs_in_the_docs_match_what_ci_installs",
    r"cookiecutter .+": "tests/test_docs.py::test_cookiecutter_commands_in_the_docs_bake",
    rf"cd {DEFAULT_SLUG}": "tests/test_docs.py::test_cookiecutter_commands_in_the_docs_bake",
    # Make it your own: the page's bake, entered and converted by its own test.
    r"cd mood-label": (
        "tests/test_make_it_your_own.py::test_the_converted_project_passes_its_full_suite"
    ),
    # The template's own tests: README.md's test command, run verbatim by .ci/run.
    r"python -m pytest( -n 2 --dist loadgroup)? tests(/[\w./:-]+)?( -q)?": ".ci/run",
    # A generated project's commands, run by the full runs of tests/test_bake.py
    # (npm ci, the Vite build, npm test, the generated pytest with and without markers).
    r"npm (--prefix frontend )?(ci|run build|test)": (
        "tests/test_bake.py::test_frontend_type_checks_and_unit_tests_pass"
    ),
    r"pytest( --full)?( -m not soak| -m not browser and not soak| tests/test_frontend\.py)?": (
        "tests/test_bake.py::test_generated_tests_pass"
    ),
    # `python -m tests.standin` runs app.py as __main__ (runpy) on the stand-in model: the
    # same code as `python app.py`, which offline cannot download the real weights.
    r"python -m tests\.standin": "tests/test_tooling.py::test_the_next_steps_run_as_printed",
    r"python app\.py": "tests/test_tooling.py::test_the_next_steps_run_as_printed",
    # Behind nginx under a prefix: tests/test_proxy.py (a browser bake's generated tests) starts
    # the app (python -m tests.standin, the same app.py) with this variable.
    r"GRADIO_ROOT_PATH=/apps/text-behind-image python app\.py": (
        "tests/test_bake.py::test_generated_tests_pass"
    ),
    # On a company network: the generated tests/test_offline.py runs the README's download
    # command (with these variables) against a stand-in Hub mirror, then app.py offline.
    r"export HF_HOME=\S+ HF_HUB_DISABLE_UPDATE_CHECK=1": (
        "tests/test_bake.py::test_generated_tests_pass"
    ),
    r"hf download [\w-]+/[\w.-]+( [\w.-]+)+ --revision [0-9a-f]{40}": (
        "tests/test_bake.py::test_generated_tests_pass"
    ),
    r"HF_HUB_OFFLINE=1 python app\.py": "tests/test_bake.py::test_generated_tests_pass",
    # Replicas behind nginx-replicas.conf: tests/test_replicas.py (a browser bake's generated
    # tests) starts two apps (python -m tests.standin) with these variables, a port each (each
    # process makes its own upload folder: no GRADIO_TEMP_DIR).
    r"GRADIO_SERVER_PORT=786\d GRADIO_ROOT_PATH=/apps/text-behind-image python app\.py &": (
        "tests/test_bake.py::test_generated_tests_pass"
    ),
    r"python benchmarks/speed\.py": (
        "tests/test_benchmarks.py::test_speed_benchmark_runs_and_prints_its_table"
    ),
    r"python benchmarks/concurrency\.py": (
        "tests/test_benchmarks.py::test_concurrency_benchmark_runs_and_prints_its_ratios"
    ),
    r"python benchmarks/flakes\.py( --runs \d+)?( [\w-]+=[\w.-]+)*": (
        "tests/test_benchmarks.py::test_flakes_benchmark_reports_each_failure_with_its_test_id"
    ),
    r"python benchmarks/memory\.py": (
        "tests/test_benchmarks.py::test_memory_benchmark_runs_and_prints_its_table"
    ),
    # Without CUDA (here, CI) it must exit at once with the reason; --device cpu runs the rest.
    r"python benchmarks/gpu_check\.py": (
        "tests/test_benchmarks.py::test_gpu_check_without_cuda_exits_at_once_with_the_reason"
    ),
    # Issue 8's tooling (tests/test_tooling.py).
    r"python deploy\.py --dry-run": (
        "tests/test_tooling.py::test_deploy_dry_run_lists_exactly_what_the_space_needs"
    ),
    r"python deploy\.py( --no-build)? --dry-run --space [\w-]+/[\w-]+": (
        "tests/test_tooling.py::test_deploy_space_option"
    ),
    r"python deploy\.py": (
        "tests/test_tooling.py::test_deploy_creates_the_space_on_its_hardware_and_uploads_those_files"
    ),
    r"python dev\.py( --standin)?": (
        "tests/test_tooling.py::test_dev_command_serves_restarts_on_change_and_stops_everything"
    ),
    r"cruft create \S+|cruft link \S+( --no-input --extra-context \$\(cat \.cookiecutter\.json\))?"
    r"|cruft check|cruft diff|cruft update": (
        "tests/test_tooling.py::test_cruft_bakes_and_pulls_a_later_template_change"
    ),
}


# --- Reading Markdown ---------------------------------------------------------------------

FENCE = re.compile(r"^(\s*)(`{3,}|~{3,})\s*([\w+-]*)")
EXCERPT = re.compile(r"<!--\s*excerpt:\s*(.+?)\s*-->")


def blocks(doc: Path):
    """(first line number, language, lines, the excerpt spec before it or None) per fence."""
    lines = doc.read_text().splitlines()
    found, i = [], 0
    while i < len(lines):
        match = FENCE.match(lines[i])
        if not match:
            i += 1
            continue
        indent, fence, lang = match.groups()
        before = next((lines[j] for j in range(i - 1, -1, -1) if lines[j].strip()), "")
        spec = EXCERPT.search(before)
        body, j = [], i + 1
        while j < len(lines) and not lines[j].strip().startswith(fence[0] * len(fence)):
            line = lines[j]
            body.append(line[len(indent) :] if line.startswith(indent) else line.lstrip())
            j += 1
        assert j < len(lines), f"{doc.name}:{i + 1}: unclosed code block"
        found.append((i + 2, lang.lower(), body, spec.group(1) if spec else None))
        i = j + 1
    return found


def prose(doc: Path, inline_code: bool = False) -> str:
    """The text outside code blocks (and inline code, unless asked), line numbers kept."""
    out, fence = [], None
    for line in doc.read_text().splitlines():
        match = FENCE.match(line)
        if fence is None and match:
            fence = match.group(2)[0]
            out.append("")
        elif fence is not None:
            if line.strip().startswith(fence * 3):
                fence = None
            out.append("")
        else:
            out.append(line if inline_code else re.sub(r"`[^`]*`", "", line))
    return "\n".join(out)


def slug(heading: str) -> str:
    """GitHub's anchor for a heading."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", heading).replace("`", "").strip().lower()
    return re.sub(r"[^\w\- ]", "", text).replace(" ", "-")


def anchors(doc: Path) -> set[str]:
    seen, out = {}, set()
    for line in prose(doc, inline_code=True).splitlines():
        match = re.match(r"#{1,6}\s+(.+?)\s*#*\s*$", line)
        if match:
            base = slug(match.group(1))
            n = seen.get(base, 0)
            out.add(base if n == 0 else f"{base}-{n}")
            seen[base] = n + 1
    return out


def commands():
    """(doc name, line number, the line as written, one command) for every shell command."""
    found = []
    for doc in DOCS:
        for start, lang, body, _ in blocks(doc):
            if lang not in SHELL_LANGS:
                continue
            pending, first = "", None
            for offset, line in enumerate(body):
                if lang == "console":
                    if not line.startswith("$ "):
                        continue  # output
                    line = line[2:]
                if first is None:
                    first = offset
                if line.rstrip().endswith("\\"):
                    pending += line.rstrip()[:-1] + " "
                    continue
                text, pending, number = pending + line, "", start + first
                first = None
                tokens = shlex.split(text, comments=True)
                part = []
                for token in [*tokens, "&&"]:
                    if token in ("&&", "||", ";"):
                        if part:
                            found.append((doc.name, number, text.strip(), " ".join(part)))
                        part = []
                    else:
                        part.append(token)
    return found


def covering(command: str) -> str | None:
    return next((t for pattern, t in COVERED.items() if re.fullmatch(pattern, command)), None)


# --- Links ----------------------------------------------------------------------------------

LINK = re.compile(
    r"!?\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+\"[^\"]*\")?\s*\)"  # [text](target "title")
    r"|<img[^>]+src=\"([^\"]+)\""
)


def links():
    for doc in DOCS:
        for number, line in enumerate(prose(doc).splitlines(), 1):
            for match in LINK.finditer(line):
                target = match.group(1) or match.group(2)
                if not re.match(r"[a-zA-Z][\w+.-]*:", target):  # skip http:, mailto:, ...
                    yield doc, number, target


@pytest.mark.parametrize("doc", DOCS, ids=lambda d: d.name)
def test_relative_links_and_images_resolve(doc):
    broken = []
    for source, number, target in links():
        if source != doc:
            continue
        path, _, anchor = target.partition("#")
        file = (doc.parent / path).resolve() if path else doc
        where = f"{doc.relative_to(ROOT)}:{number}: {target}"
        if not file.exists():
            broken.append(f"{where}: no such file")
        elif anchor and file.suffix == ".md" and anchor not in anchors(file):
            broken.append(f"{where}: no heading with that anchor in {file.name}")
    assert not broken, "\n".join(broken)


def test_the_link_checker_sees_links():
    """Guard against a regex that silently finds nothing."""
    targets = {target for _, _, target in links()}
    assert "docs/options.md" in targets and "images/editor.png" in targets, targets
    assert slug("Deploy with `deploy.py`") == "deploy-with-deploypy"
    assert slug("6. ZeroGPU") == "6-zerogpu"


# --- Commands -------------------------------------------------------------------------------


def test_every_doc_command_is_run_somewhere():
    found = commands()
    assert len(found) > 10, found  # the extraction works
    unmatched = [
        f"{doc}:{number}: `{command}` (in `{line}`)"
        for doc, number, line, command in found
        if covering(command) is None
    ]
    assert not unmatched, (
        "These doc commands are run by no test and no CI step; run them in a test and add the"
        " pattern to COVERED in tests/test_docs.py, or move them out of shell blocks:\n"
        + "\n".join(unmatched)
    )


COMMAND_RUN_BY_CI = next(pattern for pattern, target in COVERED.items() if target == ".ci/run")


def test_covered_targets_exist():
    readme_command = re.search(
        r"<!-- test-command.*?-->\s*```bash\n(.*?)```", (ROOT / "README.md").read_text(), re.S
    )
    missing = []
    for pattern, target in COVERED.items():
        if target == ".ci/run":
            assert (ROOT / ".ci" / "run").is_file()
            assert readme_command and re.search(COMMAND_RUN_BY_CI, readme_command.group(1))
            continue
        file, _, name = target.partition("::")
        source = (ROOT / file).read_text() if (ROOT / file).exists() else ""
        if not re.search(rf"^def {re.escape(name)}\(", source, re.M):
            missing.append(f"{pattern!r} -> {target}")
    assert not missing, "COVERED names tests that do not exist:\n" + "\n".join(missing)


def test_pip_installs_in_the_docs_match_what_ci_installs():
    """`pip install` needs the network: check that it installs what CI installs instead.

    CI installs the root requirements-dev.txt (README's test command). A requirements file named
    in the docs must exist (here, or in every generated project); a package named directly
    must be in the root requirements-dev.txt, with the same pin when the docs pin it.
    """
    dev = (ROOT / "requirements-dev.txt").read_text()
    pins = dict(
        re.match(r"([\w.\[\]-]+)\s*(.*)", line.split("#")[0].strip()).groups()
        for line in dev.splitlines()
        if line.split("#")[0].strip()
    )
    project = ROOT / "{{cookiecutter.project_slug}}"
    wrong = []
    for doc, number, _, command in commands():
        if not command.startswith("pip install "):
            continue
        args = command.split()[2:]
        while args:
            arg = args.pop(0)
            if arg in ("--extra-index-url", "--index-url"):  # PyTorch's CPU builds
                assert args.pop(0) == "https://download.pytorch.org/whl/cpu", (doc, number)
            elif arg == "-r":
                name = args.pop(0)
                if not ((ROOT / name).is_file() or (project / name).is_file()):
                    wrong.append(f"{doc}:{number}: no {name}")
            elif not arg.startswith("-"):
                package, _, version = arg.partition("==")
                if package not in pins:
                    wrong.append(f"{doc}:{number}: {package} is not in requirements-dev.txt")
                elif version and pins[package] != f"=={version}":
                    wrong.append(f"{doc}:{number}: {arg}, but requirements-dev.txt has"
                                 f" {package}{pins[package]}")  # fmt: skip
    assert not wrong, "\n".join(wrong)


def test_cookiecutter_commands_in_the_docs_bake(tmp_path):
    """Every `cookiecutter ...` line of the docs, run for real against this checkout."""
    runs = [(d, n, w) for d, n, w, c in commands() if c.startswith("cookiecutter ")]
    assert runs
    for i, (doc, number, command) in enumerate(runs):
        out = tmp_path / str(i)
        # The line as written, its quotes kept (project_name="Mood Label" is one answer).
        words = shlex.split(command, comments=True)
        words = words[words.index("cookiecutter") + 1 :]
        args, answers, rest = [], {}, list(itertools.takewhile(lambda w: w != "&&", words))
        while rest:
            arg = rest.pop(0)
            if arg in ("-o", "--output-dir"):
                rest.pop(0)  # ours instead
            elif "=" in arg and not arg.startswith("-"):
                key, _, value = arg.partition("=")
                answers[key] = value
                args.append(arg)
            elif arg in (TEMPLATE_ARG, "."):
                args.append(str(ROOT))
            else:
                args.append(arg)
        assert str(ROOT) in args, f"{doc}:{number}: name the template as {TEMPLATE_ARG}"
        assert set(answers) <= set(OPTIONS), f"{doc}:{number}: unknown option in {answers}"
        interactive = "--no-input" not in args
        result = subprocess.run(
            [sys.executable, "-m", "cookiecutter", *args, "-o", str(out)],
            input="\n" * 40 if interactive else None, capture_output=True, text=True,
            timeout=120, check=False, env={**os.environ, "NO_COLOR": "1"},
        )  # fmt: skip
        where = f"{doc}:{number}: {command}"
        assert result.returncode == 0, f"{where}\n{result.stdout[-2000:]}{result.stderr[-2000:]}"
        (project,) = out.iterdir()  # what the docs' `cd text-behind-image` (or cd NAME) enters
        assert (project / "app.py").is_file(), f"{where}: no app.py in {project}"
        frontend = answers.get("frontend", OPTIONS["frontend"][0])
        assert (project / "frontend").is_dir() == (frontend != "vanilla"), where
        zerogpu = answers.get("zerogpu", OPTIONS["zerogpu"][0]) == "yes"
        assert ("import spaces" in (project / "app.py").read_text()) == zerogpu, where
        model = OPTIONS["_models"][answers.get("model", OPTIONS["model"][0])]
        assert f'MODEL_ID = "{model["repo"]}"' in (project / "segmenter.py").read_text(), where


# --- Excerpts -------------------------------------------------------------------------------


def normalise(text: str) -> str:
    return " ".join(text.split())


ELISION = re.compile(r"\s*(#|//)?\s*\.\.\.\s*")


def excerpts():
    for doc in DOCS:
        for start, _, body, spec in blocks(doc):
            if spec:
                yield pytest.param(doc, start, body, spec, id=f"{doc.name}:{start}")


@pytest.mark.parametrize(("doc", "start", "body", "spec"), list(excerpts()))
def test_excerpts_appear_in_a_real_bake(bake, doc, start, body, spec):
    name, *answers = spec.split()
    if name.startswith("template:"):
        text = (ROOT / name.removeprefix("template:")).read_text()
    else:
        answers = dict(a.split("=", 1) for a in answers)
        text = (bake(answers) / name).read_text()
    text = normalise(text)
    chunks, chunk = [], []
    for line in [*body, "..."]:
        if ELISION.fullmatch(line):
            if chunk:
                chunks.append(normalise("\n".join(chunk)))
            chunk = []
        else:
            chunk.append(line)
    position = 0
    for part in chunks:
        found = text.find(part, position)
        assert found >= 0, f"{doc.name}:{start}: not in {name} ({spec}), in this order:\n{part}"
        position = found + len(part)


def test_there_are_excerpts_to_check():
    assert len(list(excerpts())) >= 5


def test_the_security_page_gives_every_route_its_fate():
    """docs/security.md's table names every route of Gradio's that the generated attack suite
    knows (tests/test_security.py's GRADIO_ROUTES, which fails on a route it does not know)."""
    suite = ROOT / "{{cookiecutter.project_slug}}" / "tests" / "test_security.py"
    tree = ast.parse(suite.read_text())
    routes = next(
        ast.literal_eval(node.value)
        for node in tree.body
        if isinstance(node, ast.Assign) and getattr(node.targets[0], "id", "") == "GRADIO_ROUTES"
    )
    page = (ROOT / "docs" / "security.md").read_text()
    rows = [line for line in page.splitlines() if line.startswith("| `/")]
    missing = sorted(r for r in routes if not any(f"`{r}`" in row for row in rows))
    assert not missing, f"docs/security.md has no row for {missing}"
