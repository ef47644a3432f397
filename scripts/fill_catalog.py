"""Fill translations into a catalog from a JSON object {msgid: msgstr} (plural: a list).

    .venv/bin/python scripts/fill_catalog.py es translations.json

A helper for translators: it only sets messages that exist in the catalog, and says which
keys it did not find."""

import json
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent


def main(lang: str, source: str) -> int:
    path = ROOT / "locales" / lang / "LC_MESSAGES" / "messages.po"
    table = json.loads(Path(source).read_text(encoding="utf-8"))
    with path.open("rb") as f:
        catalog = read_po(f, locale=lang)
    found = set()
    for message in catalog:
        key = message.id if isinstance(message.id, str) else message.id[0]
        if key in table:
            value = table[key]
            message.string = tuple(value) if isinstance(value, list) else value
            found.add(key)
    with path.open("wb") as f:
        write_po(f, catalog, width=0)
    for missing in sorted(set(table) - found):
        print(f"not in the catalog: {missing!r}", file=sys.stderr)
    print(f"{lang}: {len(found)} messages set")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(*sys.argv[1:]))
