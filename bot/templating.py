"""Renders every customer and seller text from `templates/` in the reader's language, with
gettext catalogs from `locales/` and babel for dates, times and money."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from decimal import Decimal
from functools import cached_property, lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date, format_time, get_timezone_name
from babel.lists import format_list
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.numbers import format_currency, format_decimal
from babel.support import Translations
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from markupsafe import Markup, escape

from bot.redaction import without_contact_details

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
LOCALES = ROOT / "locales"


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def load_translations(lang: str, locales: Path = LOCALES) -> Translations:
    """Compile `locales/<lang>/LC_MESSAGES/messages.po` in memory: no build step to forget."""
    po_path = locales / lang / "LC_MESSAGES" / "messages.po"
    if not po_path.is_file():
        return Translations()
    with po_path.open("rb") as po_file:
        catalog = read_po(po_file, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def short_title(title: str, limit: int = 48) -> str:
    """A product title short enough for a text message: up to the first comma or dash,
    cut at a word boundary."""
    head = title.split(",")[0].split(" - ")[0].strip()
    if len(head) <= limit:
        return head
    return head[:limit].rsplit(" ", 1)[0].rstrip(" -&/") + "\u2026"


def paragraphs(text: str) -> Markup:
    """Plain text as HTML paragraphs, escaped (customer words never become markup)."""
    blocks = [b for b in text.split("\n\n") if b.strip()]
    return Markup("\n").join(
        Markup("<p>{}</p>").format(Markup("<br>\n").join(escape(line) for line in b.split("\n")))
        for b in blocks)


@lru_cache(maxsize=4096)
def _calendar_day(day: date, fmt: str, locale: Locale) -> str:
    # The same few delivery dates are formatted over and over; babel parses each time.
    return format_date(day, fmt, locale=locale)


@lru_cache(maxsize=1024)
def _template_exists(root: Path, name: str) -> bool:
    return (root / name).is_file()


def format_moment(value: datetime, zone: tzinfo, locale: Locale, *,
                  spoken: bool = False) -> str:
    """A point in time as the reader says it, with their zone: "Nov 27, 2026, 2:48 PM EST",
    "2026年11月28日 03:48 中国标准时间"; `spoken`: "November 27, 2026, 10:00 AM Eastern
    Standard Time" (a listener does not know "EST")."""
    local = value.astimezone(zone)
    name = get_timezone_name(local, "long" if spoken else "short", locale=locale)
    if name[:1] in "+-" or name.startswith("GMT"):
        name = get_timezone_name(local, "long", locale=locale)
    pattern = str(locale.datetime_formats["medium"])
    day = format_date(local, "long" if spoken else "medium", locale=locale)
    return pattern.replace("{1}", day).replace(
        "{0}", f"{format_time(local, 'short', locale=locale)} {name}")


def _spoken_date(context, fmt: str) -> str:
    return "long" if context.get("spoken") and fmt in ("short", "medium") else fmt


def _zone(context) -> tzinfo:
    zone = context.get("tz")
    return ZoneInfo(zone) if isinstance(zone, str) else zone or ZoneInfo("UTC")


class Templates:
    """One jinja2 environment per language; the reader's time zone comes in the context."""

    def __init__(self, root: Path = TEMPLATES, locales: Path = LOCALES) -> None:
        self.root = root
        self.locales = locales
        self._environments: dict[str, Environment] = {}

    def environment(self, lang: str) -> Environment:
        env = self._environments.get(lang)
        if env is None:
            env = Environment(
                loader=FileSystemLoader(self.root),
                autoescape=select_autoescape(["html"]),
                extensions=["jinja2.ext.i18n"],
                undefined=StrictUndefined,
                trim_blocks=True,
                lstrip_blocks=True,
                keep_trailing_newline=False,
            )
            env.policies["ext.i18n.trimmed"] = True
            env.install_gettext_translations(load_translations(lang, self.locales), newstyle=True)
            locale = Locale.parse(lang)
            env.globals["lang"] = lang
            # A text for the ear (`spoken=True`, a phone call) says dates in full and money
            # in words ("November 28, 2026", "24.99 US dollars").
            env.filters.update(
                date=pass_context(lambda ctx, value, fmt="medium": format_date(
                    value.astimezone(_zone(ctx)), _spoken_date(ctx, fmt), locale=locale)),
                moment=pass_context(lambda ctx, value: format_moment(
                    value, _zone(ctx), locale, spoken=bool(ctx.get("spoken")))),
                # Calendar dates (ship-by, delivery window) are stored at UTC midnight or
                # end of day: show the stored date, not a date shifted into the reader's zone.
                day=pass_context(lambda ctx, value, fmt="medium": _calendar_day(
                    value.astimezone(UTC).date(), _spoken_date(ctx, fmt), locale)),
                money=pass_context(lambda ctx, amount, currency: format_currency(
                    Decimal(str(amount)), currency, locale=locale,
                    format_type="name" if ctx.get("spoken") else "standard")),
                number=lambda value: format_decimal(value, locale=locale),
                fromiso=datetime.fromisoformat,
                short_title=short_title,
                # "Brightside Silicone Spatula Set and Handmade Stoneware Coffee Mug"
                short_titles=lambda titles: format_list([short_title(t) for t in titles],
                                                       locale=locale),
                paragraphs=paragraphs,
                without_contact_details=without_contact_details,
            )
            self._environments[lang] = env
        return env

    def exists(self, name: str) -> bool:
        return _template_exists(self.root, name)

    def render(self, name: str, lang: str, **context) -> str:
        return self.environment(lang).get_template(name).render(**context).strip()

    def render_email(self, folder: str, lang: str, **context) -> RenderedEmail:
        subject = " ".join(self.render(f"{folder}/subject.txt", lang, **context).split())
        return RenderedEmail(
            subject=subject,
            text=self.render(f"{folder}/body.txt", lang, **context) + "\n",
            html=self.render(f"{folder}/body.html", lang, **context) + "\n",
        )

    @cached_property
    def languages(self) -> tuple[str, ...]:
        return tuple(sorted(p.name for p in self.locales.iterdir()
                            if (p / "LC_MESSAGES" / "messages.po").is_file()))
