"""Write locale_django/zh_Hans/LC_MESSAGES/django.po: Django's own zh_Hans messages that say 你,
in the site's polite register (您). Run after upgrading Django, then compile with msgfmt:

    .venv/bin/python scripts/django_polite_catalogue.py
    msgfmt --check -o locale_django/zh_Hans/LC_MESSAGES/django.mo \\
        locale_django/zh_Hans/LC_MESSAGES/django.po
"""

from pathlib import Path

import django
import polib

CATALOGUES = [
    "conf/locale/zh_Hans/LC_MESSAGES/django.po",
    "contrib/auth/locale/zh_Hans/LC_MESSAGES/django.po",
    "contrib/admin/locale/zh_Hans/LC_MESSAGES/django.po",
    "contrib/contenttypes/locale/zh_Hans/LC_MESSAGES/django.po",
    "contrib/messages/locale/zh_Hans/LC_MESSAGES/django.po",
]
TARGET = Path(__file__).resolve().parent.parent / "locale_django/zh_Hans/LC_MESSAGES/django.po"


def polite(text: str) -> str:
    return text.replace("你们", "您").replace("你", "您")


def main() -> None:
    base = Path(django.__file__).parent
    out = polib.POFile(wrapwidth=79)
    out.metadata = {
        "MIME-Version": "1.0",
        "Content-Type": "text/plain; charset=UTF-8",
        "Content-Transfer-Encoding": "8bit",
        "Language": "zh_Hans",
        "Plural-Forms": "nplurals=1; plural=0;",
    }
    out.header = (
        "Django's own messages in the polite register (您, not 你), as the rest of the site "
        "speaks\n(issue 22). Written by scripts/django_polite_catalogue.py; LOCALE_PATHS puts "
        "this\ncatalogue before Django's own."
    )
    seen = set()
    for name in CATALOGUES:
        path = base / name
        if not path.exists():
            continue
        for entry in polib.pofile(str(path)):
            if entry.obsolete or "fuzzy" in entry.flags:
                continue
            texts = [entry.msgstr, *entry.msgstr_plural.values()]
            key = (entry.msgctxt, entry.msgid)
            if key in seen or not any("你" in text for text in texts):
                continue
            seen.add(key)
            copy = polib.POEntry(
                msgid=entry.msgid,
                msgctxt=entry.msgctxt,
                msgid_plural=entry.msgid_plural,
                flags=list(entry.flags),
            )
            if entry.msgid_plural:
                copy.msgstr_plural = {k: polite(v) for k, v in entry.msgstr_plural.items()}
            else:
                copy.msgstr = polite(entry.msgstr)
            out.append(copy)
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    out.save(str(TARGET))
    print(f"{len(out)} messages written to {TARGET}")


if __name__ == "__main__":
    main()
