"""static/vendor/ holds exactly what vendor.py takes from the packages package-lock.json pins.

npm ci installs the same pins into node_modules (checking their integrity too), so each vendored
file must be byte for byte the file of the installed package. No network: run `npm ci` first
(under CI=true a missing node_modules is a failure, not a skip).
"""

import fnmatch
import json

import vendor
from tests.conftest import PROJECT, require

NODE_MODULES = PROJECT / "node_modules"


def files_under(folder):
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def test_static_vendor_holds_the_pinned_packages_files():
    require(NODE_MODULES.is_dir(), "run `npm ci` first")
    lock = json.loads((PROJECT / "package-lock.json").read_text())["packages"]
    expected = set()
    for name, version in json.loads((PROJECT / "package.json").read_text())["dependencies"].items():
        installed = NODE_MODULES / name
        assert lock[f"node_modules/{name}"]["version"] == version
        assert json.loads((installed / "package.json").read_text())["version"] == version, (
            f"node_modules has another {name}: run `npm ci`"
        )
        globs = vendor.wanted(name)
        files = {f for f in files_under(installed) if any(fnmatch.fnmatch(f, g) for g in globs)}
        assert files, f"{name}: nothing matches {globs}"
        for file in files:
            vendored = vendor.VENDOR / name / file
            assert vendored.is_file(), f"{vendored} is missing: run `python vendor.py`"
            assert vendored.read_bytes() == (installed / file).read_bytes(), (
                f"{vendored} is not {name}@{version}'s: run `python vendor.py`"
            )
        expected |= {f"{name}/{file}" for file in files}
    assert files_under(vendor.VENDOR) == expected  # nothing else, nothing left from older pins
