"""docs/make-it-your-own.md, done as it says on a fresh minimal bake; the converted project's
full suite must pass. The page's steps are its `<!-- make-it-your-own: ... -->` markers, each
followed by a fenced block: `delete` (the block lists paths), `write PATH` (the block is the
file), `edit PATH "old" "new"` (one replacement in the file)."""

import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from conftest import ROOT, npm

PAGE = ROOT / "docs" / "make-it-your-own.md"
STEP = re.compile(r"<!--\s*make-it-your-own:\s*(.+?)\s*-->\s*\n```[\w-]*\n(.*?)\n```", re.S)
ANSWERS = {"app": "minimal", "frontend": "vanilla", "zerogpu": "no", "project_name": "Mood Label"}


def steps() -> list[tuple[list[str], str]]:
    return [(shlex.split(head), body) for head, body in STEP.findall(PAGE.read_text())]


def convert(project: Path) -> dict[str, set[str]]:
    """Apply the page's steps; returns the paths deleted, written anew and changed."""
    done = {"deleted": set(), "added": set(), "changed": set()}
    for (action, *args), body in steps():
        if action == "delete":
            for name in body.split():
                assert (project / name).is_file(), f"the page deletes {name}, which a bake lacks"
                (project / name).unlink()
                done["deleted"].add(name)
        elif action == "write":
            (path,) = args
            kind = "changed" if (project / path).exists() else "added"
            (project / path).parent.mkdir(parents=True, exist_ok=True)
            (project / path).write_text(body + "\n")
            done[kind].add(path)
        elif action == "edit":
            path, old, new = args
            text = (project / path).read_text()
            assert old in text, f"{path} has no {old!r} to edit"
            (project / path).write_text(text.replace(old, new))
            done["changed"].add(path)
        else:
            raise AssertionError(f"unknown step {action!r} in {PAGE.name}")
    return done


def test_the_page_has_its_steps():
    actions = [action for (action, *_), _ in steps()]
    assert actions.count("delete") == 1 and actions.count("write") >= 5, actions


def test_the_converted_project_passes_its_full_suite(bake, tmp_path):
    project = tmp_path / "mood-label"
    shutil.copytree(bake(ANSWERS), project, ignore=shutil.ignore_patterns("node_modules"))
    done = convert(project)
    print(f"\nconverted: {len(done['deleted'])} files deleted, {len(done['changed'])} changed, "
          f"{len(done['added'])} added: {done}")  # fmt: skip
    npm(["ci"], project)
    lint = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "."],
                          cwd=project, capture_output=True, text=True)  # fmt: skip
    assert lint.returncode == 0, lint.stdout
    env = {**os.environ, "CI": "true", "GRADIO_TEMP_DIR": tempfile.mkdtemp(prefix="mood-")}
    for command in (["npm", "test"], [sys.executable, "-m", "pytest", "--full", "-q",
                                      "-p", "no:cacheprovider"]):  # fmt: skip
        result = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True)
        assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]
        print(result.stdout.splitlines()[-1])
