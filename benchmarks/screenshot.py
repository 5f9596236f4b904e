"""Screenshot of the editor from a real bake, for the docs.

    python benchmarks/screenshot.py [vanilla|react|svelte]   # writes docs/images/editor.png

Bakes a project, starts it on the offline stand-in model (`python -m tests.standin`,
as its README says), opens it in Chromium, uploads a photo-like image (the stand-in's
subject: the bright figure), types a word, waits for the cut-out and takes the picture.
"""

import sys
import tempfile
from pathlib import Path

from cookiecutter.main import cookiecutter
from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent))
from frontend_budgets import CHROMIUM_FLAGS, npm, standin_server  # noqa: E402
from PIL import Image, ImageDraw, ImageFilter  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "docs" / "images" / "editor.png"


def figure_photo(path: Path, width: int = 1600, height: int = 1067) -> Path:
    """A dusky backdrop and a bright standing figure: the stand-in's subject is the bright part."""
    image = Image.linear_gradient("L").resize((width, height)).convert("RGB")
    image = Image.merge("RGB", [c.point(lambda v, k=k: 30 + v * k // 255) for c, k in
                                zip(image.split(), (70, 40, 90), strict=True)])  # fmt: skip
    draw = ImageDraw.Draw(image)
    cx = width // 2
    draw.ellipse((cx - 95, 170, cx + 95, 380), fill=(236, 214, 190))  # head
    draw.rounded_rectangle((cx - 190, 400, cx + 190, height + 60), radius=120,
                           fill=(226, 196, 150))  # fmt: skip
    image.filter(ImageFilter.GaussianBlur(2)).save(path, quality=92)
    return path


def main(frontend: str = "vanilla") -> None:
    with tempfile.TemporaryDirectory() as out:
        answers = {"frontend": frontend, "project_slug": "text-behind-image"}
        project = Path(
            cookiecutter(str(ROOT), no_input=True, output_dir=out, extra_context=answers)
        )
        npm_dir = project if frontend == "vanilla" else project / "frontend"
        npm(["ci"], npm_dir)
        if frontend != "vanilla":
            npm(["run", "build"], npm_dir)
        image = figure_photo(Path(out) / "photo.jpg")
        with standin_server(project) as url, sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS)
            page = browser.new_page(viewport={"width": 1200, "height": 860})
            page.goto(url)
            page.get_by_test_id("upload").set_input_files(str(image))
            page.get_by_test_id("text-input").fill("BEHIND")
            page.get_by_test_id("foreground").wait_for(state="visible", timeout=60_000)
            page.wait_for_timeout(500)  # let web fonts settle
            OUT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(OUT), full_page=True)
            browser.close()
    print(f"Wrote {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main(*sys.argv[1:])
