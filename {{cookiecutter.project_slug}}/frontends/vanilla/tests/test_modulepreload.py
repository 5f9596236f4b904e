"""The page asks for all its modules at once: index.html lists, as modulepreload links, every
module main.js imports (and what those import), and the Gradio client main.js imports when the
page opens. With no bundler, a module missing there still works, found a level of imports at a
time, a round trip each: measured from the local server (benchmarks/frontend_budgets.py in the
template), 14 modules in three levels took the first load from 0.29 s to 0.49 s. So a new module
goes in the list, and this test says which."""

import re
from pathlib import Path

STATIC = Path(__file__).resolve().parents[1] / "static"
# `import ... from "./x.js"` and `export ... from "./x.js"`, over several lines or one.
IMPORT = re.compile(r'^\s*(?:import|export)\b[^;]*?\bfrom\s+"\./([\w-]+\.js)"', re.M)
CLIENT = re.compile(r'const GRADIO_CLIENT = "\./(vendor/[^"]+)"')


def imported(name: str, seen: set[str]) -> set[str]:
    for module in IMPORT.findall((STATIC / name).read_text()):
        if module not in seen:
            seen.add(module)
            imported(module, seen)
    return seen


def test_index_preloads_every_module_the_page_imports():
    page = (STATIC / "index.html").read_text()
    preloaded = set(re.findall(r'<link rel="modulepreload" href="ui/([^"]+)">', page))
    client = CLIENT.search((STATIC / "main.js").read_text()).group(1)
    wanted = imported("main.js", set()) | {client}
    assert preloaded == wanted, (
        f"index.html's modulepreload links: add {sorted(wanted - preloaded)}, "
        f"remove {sorted(preloaded - wanted)}"
    )
    assert (STATIC / client).is_file() or not (STATIC / "vendor").exists(), client
