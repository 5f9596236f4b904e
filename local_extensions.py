"""Jinja filters for the template (cookiecutter loads this through `_extensions`)."""

import json

from cookiecutter.utils import simple_filter


@simple_filter
def quoted(value):
    """A double-quoted string literal valid in YAML, Python and JS, keeping non-ASCII as is.

    Answers are data: a quote or backslash in an answer is escaped, never interpreted.
    """
    return json.dumps(str(value), ensure_ascii=False)
