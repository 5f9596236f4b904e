"""A Hugging Face Hub mirror on 127.0.0.1 holding one repo at one commit (tests/test_offline.py).

A company's Hub mirror (HF_ENDPOINT) answers like huggingface.co, and so does this one, for the
requests huggingface_hub makes to download pinned files (`hf download REPO FILE... --revision
COMMIT`, huggingface_hub 2.4), quirks included:

- GET /api/models/REPO/tree/COMMIT?recursive=True&expand=False lists the repo's files (path,
  size, git blob id, and for a large file `lfs`: its sha256 and size). The CLI lists before
  it downloads (older versions ask /api/models/REPO/revision/REV for the `siblings`: served too).
- HEAD and GET /REPO/resolve/COMMIT/FILE, for a file kept in git (config.json, code): a 307 to
  a *relative* /api/resolve-cache/... URL, which answers 200 with X-Repo-Commit, ETag (the git
  blob id) and Content-Length. huggingface_hub follows it, and downloads from there.
- The same for a file kept in Git LFS (*.safetensors, however small): a 302 to another origin
  (the Hub's CDN, signed URL). That redirect itself carries X-Repo-Commit, X-Linked-Etag (the
  sha256) and X-Linked-Size: huggingface_hub reads them there, without following it, and then
  fetches the bytes from the CDN.

Anything else answers 404. Every request is recorded in `requests` as (method, origin, path,
status), the origin being "hub" or "cdn".
"""

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote, urlsplit

LFS = (".safetensors", ".bin", ".pt", ".pth", ".onnx")  # what the repos' .gitattributes send to LFS


def json_answer(value) -> tuple[int, dict[str, str], bytes]:
    return 200, {"Content-Type": "application/json"}, json.dumps(value).encode()


class HubMirror:
    """`with HubMirror(repo, commit, {name: bytes}) as hub:` serves it at hub.url."""

    def __init__(self, repo: str, commit: str, files: dict[str, bytes]):
        self.repo, self.commit, self.files = repo, commit, files
        self.requests: list[tuple[str, str, str, int]] = []
        self.sha256 = {name: hashlib.sha256(data).hexdigest() for name, data in files.items()}
        self.servers = [ThreadingHTTPServer(("127.0.0.1", 0), self.handler()) for _ in "hc"]
        self.url, self.cdn = (f"http://127.0.0.1:{s.server_address[1]}" for s in self.servers)

    def __enter__(self):
        for server in self.servers:
            threading.Thread(target=server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *_):
        for server in self.servers:
            server.shutdown()
            server.server_close()

    def answer(self, origin: str, target: str) -> tuple[int, dict[str, str], bytes]:
        """(status, headers, body) for a GET or HEAD of `target` at the "hub" or the "cdn"."""
        path = urlsplit(target).path
        repo, commit = self.repo, self.commit
        by_path = {quote(name): name for name in self.files}
        if origin == "cdn":  # content-addressed: knows nothing of repos or commits
            name = {f"/repos/{sha}": name for name, sha in self.sha256.items()}.get(path)
            if not name:
                return 404, {}, b"NoSuchKey"
            return 200, {"ETag": f'"{hashlib.md5(self.files[name]).hexdigest()}"'}, self.files[name]
        if path == f"/api/models/{repo}/tree/{commit}":
            return json_answer([self.entry(name) for name in self.files])
        if path.startswith(f"/api/models/{repo}/revision/"):
            siblings = [{"rfilename": name} for name in self.files]
            return json_answer({"id": repo, "modelId": repo, "sha": commit, "siblings": siblings})
        headers = {"X-Repo-Commit": commit}
        resolve, cache = f"/{repo}/resolve/{commit}/", f"/api/resolve-cache/models/{repo}/{commit}/"
        if path.startswith(resolve) and (name := by_path.get(path[len(resolve) :])):
            if name.endswith(LFS):  # to the CDN; the file's metadata on the redirect itself
                signed = f"{self.cdn}/repos/{self.sha256[name]}?Expires=0&Signature=x"
                size = str(len(self.files[name]))
                etag = f'"{self.sha256[name]}"'
                return (
                    302,
                    headers | {"Location": signed, "X-Linked-Etag": etag, "X-Linked-Size": size},
                    b"",
                )
            etag = f"%22{self.blob_id(name)}%22"
            return 307, headers | {"Location": f"{cache}{quote(name)}?etag={etag}"}, b""
        if path.startswith(cache) and (name := by_path.get(path[len(cache) :])):
            return 200, headers | {"ETag": f'"{self.blob_id(name)}"'}, self.files[name]
        return 404, {"X-Error-Code": "EntryNotFound"}, b"Entry not found"

    def entry(self, name: str) -> dict:
        data = self.files[name]
        entry = {"type": "file", "oid": self.blob_id(name), "size": len(data), "path": name}
        if name.endswith(LFS):
            lfs = {"oid": self.sha256[name], "size": len(data), "pointerSize": 134}
            entry |= {"lfs": lfs, "oid": hashlib.sha1(b"a pointer to " + data).hexdigest()}
        return entry

    def blob_id(self, name: str) -> str:
        """Git's id of the file (what the Hub sends as its ETag)."""
        data = self.files[name]
        return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()

    def handler(self):
        mirror = self

        class Handler(BaseHTTPRequestHandler):
            def respond(self, body: bool):
                origin = "cdn" if self.server is mirror.servers[1] else "hub"
                status, headers, data = mirror.answer(origin, self.path)
                mirror.requests.append((self.command, origin, self.path, status))
                self.send_response(status)
                for key, value in (headers | {"Content-Length": str(len(data))}).items():
                    self.send_header(key, value)
                self.end_headers()
                if body:
                    self.wfile.write(data)

            def do_GET(self):
                self.respond(body=True)

            def do_HEAD(self):
                self.respond(body=False)

            def do_CONNECT(self):  # as a proxy (HTTPS_PROXY): record what tried to go out, refuse
                mirror.requests.append(("CONNECT", "outside", self.path, 403))
                self.send_response(403)
                self.end_headers()

            def log_message(self, *_):  # quiet: the test reads `requests`
                pass

        return Handler
