"""Jinja filters for the template (cookiecutter loads this through `_extensions`)."""

import json
import os
import re

from cookiecutter.utils import simple_filter


@simple_filter
def quoted(value):
    """A double-quoted string literal valid in YAML, Python and JS, keeping non-ASCII as is.

    Answers are data: a quote or backslash in an answer is escaped, never interpreted.
    """
    return json.dumps(str(value), ensure_ascii=False)


@simple_filter
def k8s_name(slug):
    """The project slug as a Kubernetes object name: an RFC 1035 label (what a Service's name
    must be), so lowercase letters, digits and '-', a letter first, at most 63 characters.

    A slug may hold '_', start with a digit and run to 96 characters; a name may not.
    """
    name = str(slug).replace("_", "-")
    if not name[:1].isalpha():
        name = f"app-{name}"
    return name[:63].rstrip("-")


@simple_filter
def ident(slug):
    """The project slug as a name for nginx variables and a cookie: lowercase letters, digits and
    '_', a letter first (a slug may hold '-' and start with a digit)."""
    name = re.sub(r"[^a-z0-9_]", "_", str(slug).lower())
    return name if name[:1].isalpha() else f"app_{name}"


@simple_filter
def template_source(template):
    """Where the template can be found again: a URL (gh:, git@...) or an absolute path as given.

    A relative path is resolved here, in the hooks only: cookiecutter renders them from inside
    the template's folder, so the current directory is that folder.
    """
    template = str(template)
    remote = re.match(r"\w[\w+.-]*:|[^/]+@", template)
    return template if remote or os.path.isabs(template) else os.getcwd()
