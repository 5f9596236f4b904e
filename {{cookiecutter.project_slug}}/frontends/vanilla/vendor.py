"""Copy the npm files the page loads into static/vendor/, at the versions package-lock.json pins.

    python vendor.py

The vanilla page has no build step, and neither a Space nor `python app.py` runs Node, so the
app serves these files itself: the Gradio JS client and the fonts, from static/vendor/ (the page
asks nothing of a CDN). Commit static/vendor/ with the rest. To change a version: edit
package.json, run `npm install` (it updates package-lock.json), then this, and commit all three.

For every package in package.json's "dependencies" this downloads the tarball package-lock.json
pins (from its `resolved` URL, or npm's registry), checks it against the lock's `integrity`
(SHA-512: the bytes npm pinned, whatever the mirror) and takes out only the files the page needs
(WANTED). No Node needed. Behind a company's npm mirror, set npm_config_registry, as for npm.
Checked tarballs are kept in ~/.cache/gradio-server-vendor/ (or $XDG_CACHE_HOME), so a second
run needs no network.
"""

import base64
import fnmatch
import hashlib
import io
import json
import os
import shutil
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parent
VENDOR = PROJECT / "static" / "vendor"
# What the page loads from each package (globs inside it); every other file stays out.
WANTED = {"@gradio/client": ["dist/index.min.js"]}  # the client as one module, no imports
# The fonts (see static/fonts.js): latin, upright; a file per weight, or one variable file.
FONT_FILES = {"@fontsource/": ["files/*-latin-[0-9]*-normal.woff2"],
              "@fontsource-variable/": ["files/*-latin-wght-normal.woff2"]}  # fmt: skip
CACHE = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "gradio-server-vendor"
REGISTRY = "https://registry.npmjs.org/"  # npm's default
MIRROR = "set npm_config_registry to your npm mirror (e.g. https://npm.example.com/), as for npm"


def wanted(name: str) -> list[str]:
    """The globs of the files the page needs from a package."""
    for scope, globs in FONT_FILES.items():
        if name.startswith(scope):
            return globs
    if name not in WANTED:
        sys.exit(f"vendor.py: no files are listed for {name}: add it to WANTED in vendor.py.")
    return WANTED[name]


def pinned() -> list[tuple[str, str, str, str]]:
    """(name, version, tarball URL, integrity) of each dependency, as package-lock.json pins it."""
    wanted_versions = json.loads((PROJECT / "package.json").read_text())["dependencies"]
    lock = json.loads((PROJECT / "package-lock.json").read_text())["packages"]
    registry = os.environ.get("npm_config_registry") or os.environ.get("NPM_CONFIG_REGISTRY")
    found = []
    for name, version in wanted_versions.items():
        entry = lock.get(f"node_modules/{name}", {})
        if entry.get("version") != version:
            sys.exit(f"vendor.py: package-lock.json does not pin {name}@{version}: npm install.")
        # npm's tarball path, <name>/-/<file>.tgz, on the registry the lock names (a lock may
        # omit it: npm then uses the configured one), or on the mirror set in the environment.
        tgz = f"{name.split('/')[-1]}-{version}.tgz"
        resolved = entry.get("resolved") or f"{REGISTRY}{name}/-/{tgz}"
        base, path = resolved.split(f"/{name}/-/", 1)
        url = f"{(registry or base).rstrip('/')}/{name}/-/{path}"
        found.append((name, version, url, entry["integrity"]))
    return found


def tarball(name: str, version: str, url: str, integrity: str) -> bytes:
    """The package's tarball, checked against its integrity; from the cache when it is there."""
    algorithm, _, digest = integrity.partition("-")
    if algorithm != "sha512":
        sys.exit(f"vendor.py: {name}@{version}: a {algorithm} integrity; only sha512 is checked.")
    cached = CACHE / f"{base64.b64decode(digest).hex()}.tgz"
    source = cached if cached.is_file() else url
    try:
        if source == cached:
            data = cached.read_bytes()
        else:
            with urllib.request.urlopen(url, timeout=60) as response:
                data = response.read()
    except (OSError, ValueError) as error:  # no network, refused, HTTP 404, not a URL
        sys.exit(
            f"vendor.py: could not download {name}@{version} from {url}: {error}.\n"
            f"Nothing was changed. Without the public npm registry, {MIRROR}."
        )
    if base64.b64encode(hashlib.sha512(data).digest()).decode() != digest:
        sys.exit(
            f"vendor.py: {name}@{version} from {source} is not the tarball package-lock.json pins"
            " (its SHA-512 differs). Nothing was changed."
            + (f" Delete {cached} and run again." if source == cached else "")
        )
    if source != cached:
        CACHE.mkdir(parents=True, exist_ok=True)
        partial = cached.with_suffix(".part")
        partial.write_bytes(data)
        partial.replace(cached)  # whole or not at all
    return data


def extract(name: str, data: bytes, into: Path) -> list[str]:
    """Writes the wanted files of a package's tarball under into/<name>/; returns their paths."""
    written = []
    with tarfile.open(fileobj=io.BytesIO(data), mode="r:gz") as archive:
        for member in archive.getmembers():
            path = member.name.removeprefix("package/")
            if member.isfile() and any(fnmatch.fnmatch(path, g) for g in wanted(name)):
                target = into / name / path
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.extractfile(member).read())
                written.append(path)
    missing = [g for g in wanted(name) if not any(fnmatch.fnmatch(p, g) for p in written)]
    if missing:
        sys.exit(f"vendor.py: {name} has no file matching {', '.join(missing)}.")
    return written


def main() -> None:
    packages = pinned()
    # Everything is written to a new folder first, which then replaces static/vendor/ whole.
    staging = Path(tempfile.mkdtemp(prefix="vendor-", dir=VENDOR.parent))
    try:
        count = sum(len(extract(name, tarball(name, *pin), staging)) for name, *pin in packages)
        # mkdtemp's folder is private (0700); these files are the page's, read by whoever serves
        # it (a container's app user, a web server): as readable as the rest of static/.
        staging.chmod(0o755)
        shutil.rmtree(VENDOR, ignore_errors=True)
        staging.rename(VENDOR)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    print(f"static/vendor/: {count} files of {len(packages)} packages, as package-lock.json pins")


if __name__ == "__main__":
    main()
