"""Check every answer before anything is written; exit 1 with a clear message if one is wrong.

Answers are data: they arrive as JSON, inside a raw string, so no value (quotes,
backslashes, shell syntax) can change what this script does.
"""

import json
import re
import sys
import unicodedata

answers = json.loads(r"""{{ cookiecutter | jsonify }}""")

SPACE_COLOURS = {"red", "yellow", "green", "blue", "indigo", "purple", "pink", "gray"}
errors = []


def check(ok, message):
    if not ok:
        errors.append(message)


def has_control_chars(text):
    return any(unicodedata.category(c).startswith("C") for c in text)


name = answers["project_name"]
check(
    name.strip() and len(name) <= 80 and not has_control_chars(name),
    f"project_name {name!r}: type a name of 1 to 80 characters on one line.",
)

slug = answers["project_slug"]
check(
    # The Hub's repo-name rules (huggingface_hub.utils.validate_repo_id): at most 96
    # characters, no "--", letters and digits at both ends; lowercase keeps the folder portable.
    re.fullmatch(r"[a-z0-9](?:[a-z0-9_-]{0,94}[a-z0-9])?", slug) and "--" not in slug,
    f"project_slug {slug!r}: it names the folder and the Space, so use lowercase letters, digits,"
    " single '-' and '_', starting and ending with a letter or digit (for example"
    " 'text-behind-image').",
)

user = answers["hf_username"]
check(
    re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,40}[A-Za-z0-9])?", user) and "--" not in user,
    f"hf_username {user!r}: type your Hugging Face username or organisation as it appears in"
    " huggingface.co/<name>: letters, digits and single '-', not at either end.",
)

description = answers["short_description"]
check(
    description.strip() and len(description) <= 60 and not has_control_chars(description),
    f"short_description has {len(description)} characters: Spaces allow 1 to 60 on one line."
    " Shorten it, for example 'Put text behind the subject of any photo'.",
)

emoji = answers["emoji"]
check(
    emoji and len(emoji) <= 8 and not any(c.isascii() for c in emoji),
    f"emoji {emoji!r}: type a single emoji, for example 🖼️ or 🎨.",
)

for key in ("color_from", "color_to"):
    check(
        answers[key] in SPACE_COLOURS,
        f"{key} {answers[key]!r}: Spaces accept only {', '.join(sorted(SPACE_COLOURS))}.",
    )

# Combinations that cannot work. A Space serving a non-commercial model cannot be
# offered under a licence that allows commercial use.
model = answers["_models"][answers["model"]]
if model["license"] == "cc-by-nc-4.0":
    check(
        answers["license"] in ("cc-by-nc-4.0", "other"),
        f"model {answers['model']!r} is licensed {model['license']} (non-commercial), so the Space"
        f" cannot carry license {answers['license']!r}: choose license 'cc-by-nc-4.0' or 'other',"
        " or a commercially usable model such as 'birefnet'.",
    )

if errors:
    print("\nCannot generate the project; nothing was written:", file=sys.stderr)
    for error in errors:
        print(f"  - {error}", file=sys.stderr)
    sys.exit(1)
