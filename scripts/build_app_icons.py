"""Redraw the app icons and favicon from site/static/brand/logo.svg (Homeward's own drawing).

Chromium (through Playwright, as the browser tests use it) rasterises the SVG; Pillow packs favicon.ico.
Run after changing logo.svg:  .venv/bin/python scripts/build_app_icons.py
"""

import io
from pathlib import Path

from PIL import Image
from playwright.sync_api import sync_playwright

BRAND = Path(__file__).resolve().parent.parent / "site" / "static" / "brand"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def maskable(svg):
    """Full-bleed square with the drawing inside the 80 % safe zone that launchers may crop to a circle."""
    drawing = svg.split(">", 1)[1].rsplit("</svg>", 1)[0].split("/>", 1)[1]  # all but the rounded square
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64"><rect width="64" height="64" fill="#1f5e4a"/>'
        f'<g transform="translate(32 33) scale(0.72) translate(-32 -32)">{drawing}</g></svg>'
    )


def main():
    svg = (BRAND / "logo.svg").read_text()
    jobs = {
        "icon-512.png": (512, svg),
        "icon-192.png": (192, svg),
        "apple-touch-icon.png": (180, maskable(svg)),
        "icon-maskable-512.png": (512, maskable(svg)),
    }
    favicon_sizes = (16, 32, 48)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)

        def render(size, source):
            page = browser.new_page(viewport={"width": size, "height": size})
            page.set_content(
                "<body style='margin:0'>" + source.replace("<svg ", f'<svg width="{size}" height="{size}" ', 1)
            )
            png = page.screenshot(omit_background=True, clip={"x": 0, "y": 0, "width": size, "height": size})
            page.close()
            return png

        for name, (size, source) in jobs.items():
            (BRAND / name).write_bytes(render(size, source))
        favicons = [Image.open(io.BytesIO(render(size, svg))) for size in favicon_sizes]
        browser.close()
    favicons[-1].save(
        BRAND / "favicon.ico", sizes=[(size, size) for size in favicon_sizes], append_images=favicons[:-1]
    )
    print(f"icons written to {BRAND}")


if __name__ == "__main__":
    main()
