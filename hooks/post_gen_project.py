"""Runs inside the new project: say what was made and what to do next."""

import json
from pathlib import Path

answers = json.loads(r"""{{ cookiecutter | jsonify }}""")
model = answers["_models"][answers["model"]]
zerogpu = "on" if answers["zerogpu"] == "yes" else "off"

print(
    f"""
Created {Path.cwd()}
  frontend: {answers["frontend"]}, model: {model["repo"]} ({model["license"]}), ZeroGPU: {zerogpu}

Next steps:
  cd {answers["project_slug"]}
  pip install -r requirements-dev.txt
  pytest                       # every test, offline, on a stand-in model
  python -m tests.standin      # the editor at http://127.0.0.1:7860, no model download

  pip install -r requirements.txt
  python app.py                # the real model (downloaded once from the Hub)

README.md says how to deploy it to a Hugging Face Space.
"""
)
