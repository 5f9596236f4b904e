"""Runs inside the new project: keep the chosen app, frontend and model, drop the rest, say what
to do next.

The template keeps each app under apps/<app>/ (its app.py, its own tests, its page in each
frontend under frontends/<frontend>/, and for the editor the parts the three frontends share under
frontends/shared/); what every app of a frontend needs under frontends/<frontend>/ (vanilla's
vendor.py); each model family's adapter and stand-in under models/<family>/. Only the chosen app,
frontend and model land in the project.
"""

import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

answers = json.loads(r"""{{ cookiecutter | jsonify }}""")
# Where cruft finds the template again (the spaces keep its quotes apart from the raw string's).
template = json.loads(r""" {{ cookiecutter._template | template_source | tojson }} """)
frontend = answers["frontend"]
model = answers["_models"][answers["model"]]
zerogpu = answers["zerogpu"] == "yes"

project = Path.cwd()

# The app: its app.py and tests land in the project; its pages join frontends/ for the next step.
apps = project / "apps"
shutil.copytree(apps / answers["app"] / "frontends", project / "frontends", dirs_exist_ok=True)
shutil.rmtree(apps / answers["app"] / "frontends")
shutil.copytree(apps / answers["app"], project, dirs_exist_ok=True)
shutil.rmtree(apps)

# The answers, recorded: `cruft link` reads them back (template updates, see below), so nobody
# retypes them. Only what was asked: the private keys (_models, versions) are the template's.
RECORD = ".cookiecutter.json"
record = {"_template": template} | {k: v for k, v in answers.items() if not k.startswith("_")}
(project / RECORD).write_text(json.dumps(record, indent=2, ensure_ascii=False) + "\n")
frontends = project / "frontends"
# Where each frontend keeps the shared modules, and where their unit tests go (with the browser
# fakes that Vitest runs before them: its config's test.setupFiles names the file there).
SHARED_DIR = {"vanilla": "static", "react": "frontend/src/lib", "svelte": "frontend/src/lib"}
TEST_DIR = {"vanilla": "tests/js", "react": "frontend/src/lib", "svelte": "frontend/src/lib"}
# Node tests of the API (*.node.mjs) sit beside the node_modules that has @gradio/client.
NODE_TEST_DIR = {"vanilla": "tests/js", "react": "frontend/tests", "svelte": "frontend/tests"}

shutil.copytree(frontends / frontend, project, dirs_exist_ok=True)
lib = project / SHARED_DIR[frontend]
tests = project / TEST_DIR[frontend]
lib.mkdir(parents=True, exist_ok=True)
tests.mkdir(parents=True, exist_ok=True)
for source in (frontends / "shared").iterdir() if (frontends / "shared").is_dir() else []:
    if source.name.endswith(".vite.js") and frontend == "vanilla":
        continue  # Vite's (import.meta.glob): the vanilla page has vendor.py instead
    if source.name.endswith(".node.mjs"):
        (project / NODE_TEST_DIR[frontend]).mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, project / NODE_TEST_DIR[frontend] / source.name)
    elif source.name.endswith((".test.js", ".setup.js")):
        # A test imports its subject as "./name.js"; point it at where the modules are.
        relative = Path(os.path.relpath(lib, tests)).as_posix()
        text = source.read_text().replace('from "./', f'from "{relative}/')
        (tests / source.name).write_text(text)
    else:
        shutil.copy2(source, lib / source.name)
shutil.rmtree(frontends)

# The npm package is named after the project (the template's files carry a placeholder name);
# package-lock.json records the name too, and npm ci wants the two to agree.
package_dir = project if frontend == "vanilla" else project / "frontend"
package_name = answers["project_slug"] + ("" if frontend == "vanilla" else "-frontend")
for name in ("package.json", "package-lock.json"):
    data = json.loads((package_dir / name).read_text())
    data["name"] = package_name
    if name == "package-lock.json":
        data["packages"][""]["name"] = package_name
    (package_dir / name).write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")

# Vanilla has no build step, and a Space runs no Node: the files its page loads from npm
# packages (the Gradio client, the fonts) go into static/vendor/ now, as package-lock.json
# pins them (vendor.py, which the project keeps for version bumps). A failure stops here,
# and cookiecutter removes the half-made project.
if frontend == "vanilla" and subprocess.run([sys.executable, "vendor.py"]).returncode:
    sys.exit(1)

# The model: only the chosen family's adapter and its offline stand-in land.
family = project / "models" / model["family"]
shutil.move(family / "segmenter.py", project / "segmenter.py")
shutil.move(family / "standin_model.py", project / "tests" / "standin_model.py")
shutil.rmtree(project / "models")

# MCP: its test lands only where the app serves MCP tools.
if answers["mcp"] == "no":
    (project / "tests" / "test_mcp.py").unlink()

# Every command the project needs, in the order to run them (the template's tests run them).
npm = "npm --prefix frontend ci && npm --prefix frontend run build"  # builds static/
if frontend == "vanilla":
    npm = "npm ci                       # the type checker and the browser tests' tools"
space = (
    f"ZeroGPU ({answers['_runtimes']['yes']['hardware']}), free: a free Hugging Face account can"
    " host up to\n2 ZeroGPU Spaces."
    if zerogpu
    else f"{model['hardware']}. That needs a paid Hugging Face plan: since 2026-07-21 every\n"
    "Space on compute does, except ZeroGPU ones (free, up to 2 per free account:\n"
    "generate with zerogpu=yes for that)."
)
print(
    f"""
Created {project}
  app: {answers["app"]}, frontend: {frontend}, model: {model["repo"]} ({model["license"]}), ZeroGPU: {answers["zerogpu"]}

Next steps (Python 3.11+, Node 20.19+):
  cd {answers["project_slug"]}
  pip install -r requirements-dev.txt --extra-index-url https://download.pytorch.org/whl/cpu
  {npm}
  pytest                       # the quick tests, offline, on a stand-in model (under a minute)
  pytest --full                # every test, as CI runs them (about 5 minutes)
  python -m tests.standin      # the {"editor" if answers["app"] == "text-behind-image" else "page"} at http://127.0.0.1:7860, no model download

  pip install -r requirements.txt
  python app.py                # the real model (downloaded once from the Hub)

  python deploy.py             # publish it as a Hugging Face Space

The Space runs on {space}
README.md says how to develop, deploy and set up CI.
"""
)
# `cruft create` records the template's commit and these answers in .cruft.json itself;
# a plain cookiecutter run has no commit to record, so link the project afterwards.
if "_commit" not in answers:
    print(
        f"Your answers are in {RECORD}. To pull later changes of the template into this project,\n"
        "link it once (pip install cruft; it records the template's latest commit as the one\n"
        "this project came from, and needs no Git repository):\n"
        f'  cruft link {shlex.quote(template)} --no-input --extra-context "$(cat {RECORD})"\n'
        "then, whenever the template changes, in the project's Git repository with everything\n"
        "committed (git init, git add -A, git commit: cruft update applies a diff there):\n"
        "  cruft update\n"
    )
if model["gated"]:
    print(
        f"""{model["repo"]} is GATED and its licence is {model["license"]} (non-commercial).
Accept its terms on https://huggingface.co/{model["repo"]}, then give the app a read token:
export HF_TOKEN=hf_... locally, and a secret named HF_TOKEN in the Space's settings.
"""
    )
