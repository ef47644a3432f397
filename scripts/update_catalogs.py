"""Extract messages from templates and code, and merge them into every catalog.

Run after changing any translatable text:  python scripts/update_catalogs.py
It re-extracts locales/messages.pot with the same options as babel.cfg, updates each
locales/<lang>/LC_MESSAGES/messages.po, fills the English catalog with its own msgids, and
reports the messages each audience's languages still lack (tests/test_catalogs.py fails on
those)."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
LOCALES = ROOT / "locales"


def main() -> int:
    pybabel = Path(sys.executable).with_name("pybabel")
    subprocess.run([pybabel, "-q", "extract", "-F", "babel.cfg", "-o", "locales/messages.pot",
                    "--no-wrap", "--sort-by-file", "--omit-header", "."],
                   cwd=ROOT, check=True)
    subprocess.run([pybabel, "-q", "update", "-i", "locales/messages.pot", "-d", "locales",
                    "--no-wrap", "--no-fuzzy-matching"], cwd=ROOT, check=True)
    english = LOCALES / "en" / "LC_MESSAGES" / "messages.po"
    with english.open("rb") as f:
        catalog = read_po(f, locale="en")
    for message in catalog:
        if message.id:
            message.string = message.id
    with english.open("wb") as f:
        write_po(f, catalog, width=0, omit_header=False)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
