"""Redraw the app icons, the favicon and the default link-preview picture from site/static/brand/logo.svg
(Homeward's own drawing).

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


SHARE_SIZE = (1200, 630)  # what Open Graph and X (summary_large_image) show best


def share_card(svg):
    """The default link-preview picture (share-default.png): the logo and the name on the brand green, for the pages
    that have no picture of their own (base.html, cms/page.html)."""
    logo = svg.replace("<svg ", '<svg width="260" height="260" ', 1)
    return (
        "<body style='margin:0'><div style='width:1200px;height:630px;background:#1f5e4a;display:flex;"
        'align-items:center;justify-content:center;gap:56px;font-family:"DejaVu Sans",sans-serif\'>'
        f"{logo}<div style='color:#fbfaf6'><div style='font-size:112px;font-weight:700;letter-spacing:-2px'>"
        'Homeward</div><div style=\'font-size:44px;color:#f3c89e;margin-top:12px;font-family:"Noto Sans CJK TC",'
        '"Noto Serif CJK TC",sans-serif\'>地方創生 · Regional revitalization</div></div></div></body>'
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

        width, height = SHARE_SIZE
        page = browser.new_page(viewport={"width": width, "height": height})
        page.set_content(share_card(svg))
        (BRAND / "share-default.png").write_bytes(
            page.screenshot(clip={"x": 0, "y": 0, "width": width, "height": height})
        )
        page.close()
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
