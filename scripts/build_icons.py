"""Rebuild site/static/icons/icons.svg, the sprite of the Lucide icons the templates use.

The icons come from the npm package lucide-static (ISC; icons derived from Feather: MIT). Nothing runs
Node on the site: fetch the package once into a temporary folder and point this script at it.

    mkdir /tmp/lucide && cd /tmp/lucide && npm install lucide-static@1.62.0
    .venv/bin/python scripts/build_icons.py /tmp/lucide/node_modules/lucide-static

It copies the package's LICENSE next to the sprite. Add a name to ICONS to use another icon
({% icon "name" %} in a template, from cms/templatetags/site_shell.py).
"""

import re
import shutil
import sys
from pathlib import Path

ICONS = [
    "arrow-right", "badge-check", "bell", "book-open", "calendar", "calendar-clock", "chart-column",
    "chevron-down", "chevron-left", "chevron-right", "circle", "circle-check", "clock", "copy", "external-link",
    "globe", "hand-coins", "handshake", "heart", "house", "image", "inbox", "info", "leaf", "link", "log-in",
    "mail", "map", "map-pin", "menu", "message-circle", "repeat", "search", "share-2", "sliders-horizontal",
    "sprout", "target", "triangle-alert", "user", "users", "x",
]  # fmt: skip
DRAWING = 'fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"'
SPRITE = Path(__file__).resolve().parent.parent / "site" / "static" / "icons" / "icons.svg"


def symbol(name, source):
    body = re.search(r"<svg[^>]*>(.*)</svg>", source, re.S).group(1)
    body = re.sub(r"\s*\n\s*", "", re.sub(r"<!--.*?-->", "", body, flags=re.S))
    # The drawing attributes sit on each symbol: a <use> from a page inherits from the page, not from this file.
    return f'<symbol id="{name}" viewBox="0 0 24 24" {DRAWING}>{body}</symbol>'


def main(package):
    package = Path(package)
    version = re.search(r'"version":\s*"([^"]+)"', (package / "package.json").read_text()).group(1)
    symbols = [symbol(name, (package / "icons" / f"{name}.svg").read_text()) for name in ICONS]
    SPRITE.write_text(
        f"<!-- Lucide icons (lucide-static {version}), ISC and MIT: see LICENSE. Built by scripts/build_icons.py -->\n"
        '<svg xmlns="http://www.w3.org/2000/svg">\n' + "\n".join(symbols) + "\n</svg>\n"
    )
    shutil.copyfile(package / "LICENSE", SPRITE.parent / "LICENSE")
    print(f"{SPRITE}: {len(symbols)} icons from lucide-static {version}, {SPRITE.stat().st_size} bytes")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "node_modules/lucide-static")
