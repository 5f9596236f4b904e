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
def template_source(template):
    """Where the template can be found again: a URL (gh:, git@...) or an absolute path as given.

    A relative path is resolved here, in the hooks only: cookiecutter renders them from inside
    the template's folder, so the current directory is that folder.
    """
    template = str(template)
    remote = re.match(r"\w[\w+.-]*:|[^/]+@", template)
    return template if remote or os.path.isabs(template) else os.getcwd()
