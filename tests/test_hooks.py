"""The hooks: bad answers stop generation with a clear message; answers are data."""

import ast
import json
from pathlib import Path

import pytest
from conftest import ROOT, front_matter
from cookiecutter.exceptions import FailedHookException
from cookiecutter.main import cookiecutter


@pytest.mark.parametrize(
    "answers, field",
    [
        ({"project_slug": "Has Spaces"}, "project_slug"),
        ({"project_slug": "-leading-dash"}, "project_slug"),
        ({"project_slug": "a" * 97}, "project_slug"),
        ({"project_slug": "double--dash"}, "project_slug"),  # the Hub refuses "--"
        ({"project_slug": "trailing_"}, "project_slug"),
        ({"hf_username": "double--dash"}, "hf_username"),
        ({"hf_username": "-bad"}, "hf_username"),
        ({"hf_username": "no/slash"}, "hf_username"),
        ({"short_description": "x" * 61}, "short_description"),
        ({"short_description": "two\nlines"}, "short_description"),
        ({"emoji": "abc"}, "emoji"),
        ({"project_name": "two\nlines"}, "project_name"),
    ],
)
def test_invalid_answers_write_nothing(tmp_path, capfd, answers, field):
    with pytest.raises(FailedHookException):
        cookiecutter(str(ROOT), no_input=True, extra_context=answers, output_dir=str(tmp_path))
    assert list(tmp_path.iterdir()) == []
    err = capfd.readouterr().err
    assert "nothing was written" in err and field in err, err


def test_invalid_colour_is_refused(cookies):
    result = cookies.bake(extra_context={"color_from": "turquoise"})
    assert result.exit_code != 0


HOSTILE = {
    "project_name": """Eve's "app" \\ $(touch PWNED) `touch PWNED` ; rm -rf PWNED #""",
    "short_description": """"; touch PWNED; echo " $(id) \\n 'x'""",
    "hf_username": "eve",
}


def test_answers_are_written_literally_and_never_run(cookies, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = cookies.bake(extra_context={**HOSTILE, "project_slug": "eves-app"})
    assert result.exit_code == 0, result.exception
    project = Path(result.project_path)
    assert not list(tmp_path.rglob("PWNED")) and not list(project.parent.rglob("PWNED"))
    # The README card holds the exact strings.
    card = front_matter(project)
    assert card["title"] == HOSTILE["project_name"]
    assert card["short_description"] == HOSTILE["short_description"]
    # app.py is valid Python whose title is the exact string.
    tree = ast.parse((project / "app.py").read_text())
    titles = [
        kw.value.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        for kw in node.keywords
        if kw.arg == "title"
    ]
    assert titles == [HOSTILE["project_name"]]
    # The page escapes it as HTML text.
    html = (project / "static" / "index.html").read_text()
    assert "<title>Eve&#39;s &#34;app&#34;" in html


def test_requirement_pins_match_the_template_versions():
    options = json.loads((ROOT / "cookiecutter.json").read_text())
    dev = (ROOT / "requirements-dev.txt").read_text()
    pins = {
        "gradio": options["_gradio_version"],
        "transformers": options["_transformers_version"],
        # The generated tests of every bake run here, on the torch of the bakes without ZeroGPU
        # (the CPU wheel this machine has); ZeroGPU bakes pin an older one, that ZeroGPU runs.
        "torch": options["_runtimes"]["no"]["torch"],
    }
    for package, version in pins.items():
        assert f"{package}=={version}\n" in dev, package


JINJA = "{{ 7 * 7 }} {% if true %}yes{% endif %} {{ cookiecutter.__class__ }}"


def test_typed_answers_that_look_like_jinja_are_written_literally(tmp_path, monkeypatch):
    """What a person types at the prompts is data, even when it looks like a template.

    (cookiecutter itself renders values given with --no-input or extra_context as Jinja
    before any template file sees them; typed answers it leaves alone, and so does the
    template: docs/options.md says so.)
    """
    typed = {"project_name": f"Eve {JINJA}", "short_description": "Try {{ 6 * 7 }} here"}

    def read_user_variable(name, default, *args, **kwargs):
        return typed.get(name, default)

    def read_user_choice(name, options, *args, **kwargs):
        return options[0]

    monkeypatch.setattr("cookiecutter.prompt.read_user_variable", read_user_variable)
    monkeypatch.setattr("cookiecutter.prompt.read_user_choice", read_user_choice)
    project = Path(cookiecutter(str(ROOT), no_input=False, output_dir=str(tmp_path)))
    card = front_matter(project)
    assert card["title"] == typed["project_name"]
    assert card["short_description"] == typed["short_description"]
    assert f"# {typed['project_name']}\n" in (project / "README.md").read_text()
    assert typed["project_name"].replace('"', '\\"') in (project / "app.py").read_text()
    html = (project / "static" / "index.html").read_text()
    assert "Eve {{ 7 * 7 }} {% if true %}yes{% endif %}" in html
    for path in project.rglob("*"):
        if path.is_file():
            text = path.read_text(errors="replace")
            assert "Eve 49" not in text and "Try 42" not in text, path


def test_a_vanilla_bake_whose_npm_files_cannot_be_fetched_stops_and_says_how(
    tmp_path, capfd, monkeypatch
):
    """vendor.py (run by the hook) downloads nothing: the bake stops, says what it could not
    get from where and how to name a mirror, and cookiecutter leaves no half-made project."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))  # nothing cached
    monkeypatch.setenv("npm_config_registry", "http://127.0.0.1:9/")  # nothing listens there
    out = tmp_path / "out"
    with pytest.raises(FailedHookException):
        cookiecutter(str(ROOT), no_input=True, extra_context={"frontend": "vanilla"},
                     output_dir=str(out))  # fmt: skip
    assert not out.exists() or list(out.iterdir()) == []
    err = capfd.readouterr().err
    assert "vendor.py: could not download @" in err, err
    assert "from http://127.0.0.1:9/@" in err and "set npm_config_registry" in err, err
