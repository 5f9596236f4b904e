"""Deploy this app to a Hugging Face Space, creating the Space the first time.

    python deploy.py --dry-run    # build, then list what would be uploaded; no network
    python deploy.py              # build and upload (needs `hf auth login` or HF_TOKEN)
    python deploy.py --hardware cpu-basic    # a new Space on other hardware

A gradio-SDK Space installs requirements.txt, reads README.md's front matter (SDK,
Gradio version, hardware) and runs app.py. So exactly those files go up, with the
model adapter and the built frontend in static/: no node_modules, no frontend
sources, no tests.
"""

import argparse
{%- if cookiecutter.frontend != "vanilla" %}
import subprocess
{%- endif %}
import sys
from pathlib import Path

from huggingface_hub import HfApi, SpaceHardware, get_token
from huggingface_hub.errors import HfHubHTTPError
from huggingface_hub.utils import filter_repo_objects

PROJECT = Path(__file__).resolve().parent
SPACE = "{{ cookiecutter.hf_username }}/{{ cookiecutter.project_slug }}"
# The hardware a new Space starts on (an existing one keeps what its settings say).
{%- if cookiecutter.zerogpu == "yes" %}
HARDWARE = "{{ cookiecutter._runtimes.yes.hardware }}"  # ZeroGPU
COST = "ZeroGPU is free: a free account can host up to 2 ZeroGPU Spaces."
{%- else %}
HARDWARE = "{{ cookiecutter._models[cookiecutter.model].hardware }}"
COST = (
    "It needs a paid Hugging Face plan: since 2026-07-21 every Space on compute does,"
    " except ZeroGPU ones (free, up to 2 per free account)."
)
{%- endif %}
# What the Space needs, as huggingface_hub's upload patterns; nothing else is uploaded.
{%- if cookiecutter.frontend == "vanilla" %}
# static/ is the frontend itself (no build step), with static/vendor/ (vendor.py: the Gradio
# client and the fonts, from npm); package.json and tests/js stay here.
{%- else %}
# static/ is Vite's build of frontend/: a gradio Space never runs npm.
{%- endif %}
# The app is every Python module at the top of the project except these tools, which stay here.
TOOLS = {"deploy.py", "dev.py", "vendor.py"}
MODULES = sorted(p.name for p in PROJECT.glob("*.py") if p.name not in TOOLS)
UPLOAD = ["README.md", "requirements.txt", *MODULES, "static/**"]
# Files from an earlier build that this one no longer has are deleted from the Space.
REPLACE = ["static/**"]


def files_to_upload() -> list[str]:
    """The project's files that match UPLOAD, chosen as upload_folder() chooses them."""
    every = (path.relative_to(PROJECT).as_posix() for path in PROJECT.rglob("*") if path.is_file())
    return sorted(filter_repo_objects(every, allow_patterns=UPLOAD))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--space", default=SPACE, help=f"owner/name (default: {SPACE})")
    parser.add_argument("--dry-run", action="store_true", help="list the files; upload nothing")
    parser.add_argument(
        "--hardware",
        default=HARDWARE,
        choices=[hardware.value for hardware in SpaceHardware],
        help=f"for a new Space (default: {HARDWARE})",
    )
{%- if cookiecutter.frontend != "vanilla" %}
    parser.add_argument("--no-build", action="store_true", help="upload static/ as it is")
{%- endif %}
    args = parser.parse_args()

{%- if cookiecutter.frontend != "vanilla" %}
    if not args.no_build:  # needs `npm --prefix frontend ci` once
        subprocess.run(["npm", "--prefix", "frontend", "run", "build"], cwd=PROJECT, check=True)
{%- endif %}
    files = files_to_upload()
    if "static/index.html" not in files:
        sys.exit("static/index.html is missing: see README.md to build the frontend.")

    url = f"https://huggingface.co/spaces/{args.space}"
    hardware = f"{args.hardware}. {COST}" if args.hardware == HARDWARE else f"{args.hardware}."
    if args.dry_run:
        print(f"A new Space would start on {hardware}")
        print(f"Would upload {len(files)} files to {url}:")
        print("\n".join(f"  {name}" for name in files))
        return

    # huggingface_hub finds the token in HF_TOKEN, else where `hf auth login` saved it.
    if get_token() is None:
        sys.exit(
            "Not logged in to Hugging Face: run `hf auth login` with a token that can write,"
            " or set HF_TOKEN (in GitHub Actions: a repository secret named HF_TOKEN)."
        )
    api = HfApi()
    if api.repo_exists(args.space, repo_type="space"):
        print(f"{url} exists: its hardware stays as its settings say.")
    else:
        try:
            api.create_repo(
                args.space, repo_type="space", space_sdk="gradio", space_hardware=args.hardware
            )
        except HfHubHTTPError as error:
            sys.exit(f"Could not create {url} on {args.hardware}: {error}\n{COST}")
        print(f"Created {url} on {hardware}")
    api.upload_folder(
        repo_id=args.space,
        repo_type="space",
        folder_path=PROJECT,
        allow_patterns=UPLOAD,
        delete_patterns=REPLACE,
        commit_message="Deploy with deploy.py",
    )
    print(f"Uploaded {len(files)} files: {url}")


if __name__ == "__main__":
    main()
