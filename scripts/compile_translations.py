"""Compile locale/*/LC_MESSAGES/*.po into .mo files with polib.

Django's compilemessages needs GNU gettext; this keeps `make run` free of
system packages. Only stale .mo files are rewritten.
"""

import pathlib
import sys

import polib

ROOT = pathlib.Path(__file__).resolve().parent.parent


def main():
    compiled = 0
    catalogs = [*ROOT.glob("locale/*/LC_MESSAGES/*.po"), *ROOT.glob("locale/wagtail_admin/*/LC_MESSAGES/*.po")]
    for po_path in sorted(catalogs):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        try:
            polib.pofile(str(po_path)).save_as_mofile(str(mo_path))
        except (OSError, ValueError) as error:
            sys.exit(f"compile_translations: {po_path.relative_to(ROOT)}: {error}")
        compiled += 1
    if compiled:
        print(f"==> compiled {compiled} translation catalog(s)")


if __name__ == "__main__":
    main()
