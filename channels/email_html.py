"""HTML mail as readable text: paragraphs, line breaks, lists and tables kept; styles and
scripts dropped; quoted replies (blockquotes, Gmail/Yahoo/Outlook quote containers) marked so
the visible reply can be told from the history."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

_HR_LINE = "_" * 32   # how Outlook's plain text shows the rule above a quoted header block
_SKIPPED_TAGS = {"script", "style", "head", "title", "template", "noscript", "xml", "object"}
_VOID_TAGS = {"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "embed",
              "param", "source", "track", "wbr"}
_BLOCK_TAGS = {"address", "article", "aside", "blockquote", "center", "dd", "details", "dialog",
               "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1",
               "h2", "h3", "h4", "h5", "h6", "header", "li", "main", "nav", "ol", "p", "pre",
               "section", "summary", "table", "tbody", "tfoot", "thead", "tr", "ul", "caption"}
_PARAGRAPH_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "table", "pre", "dl"}
# Elements that hold quoted history, attribution included, in the markup of Gmail, Yahoo,
# Proton, Zoho, NetEase (163/126) and QQ Mail; left out of the visible text. (Thunderbird's
# moz-cite-prefix is not: a reply is sometimes written in it, and its "On ... wrote:" line
# above a quoting blockquote is found as text.)
_QUOTE_CLASSES = {"gmail_quote", "yahoo_quoted",
                  "protonmail_quote", "zmail_extra", "ydp-quoted", "x_gmail_quote",
                  "gmail_quote_container"}
_QUOTE_IDS = {"isreplycontent", "isforwardcontent", "origbody", "reply-content", "qm_quote",
              "original-content", "yahoo_quoted"}
# Elements that open a quoted header block (Outlook's "From: / Sent:" under a top border, Windows
# Mail, Outlook for Mac): shown as the rule Outlook's plain text has there.
_RULE_IDS = {"divrplyfwdmsg", "x_divrplyfwdmsg", "olk_src_body_section"}
_TOP_BORDER = re.compile(r"border-top(-style)?\s*:\s*solid|border-top\s*:[^;]*\bsolid\b",
                         re.IGNORECASE)


class _TextMaker(HTMLParser):
    """Readable text from HTML: blocks and <br> make lines, paragraphs a blank line between
    them, list items a "- " or "1. " prefix, a quoting <blockquote> "> " lines, entities
    decoded, styles and scripts gone."""

    def __init__(self, keep_quotes: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.keep_quotes = keep_quotes
        self.lines: list[str] = []
        self.current = ""
        self.prefix = ""                     # a list item's "- " or "1. "
        self.word_paragraph = False
        self.skip_tag: str | None = None     # inside <script>/<style>/a quote, until its end
        self.skip_depth = 0
        self.pre = 0
        self.lists: list[list[int]] = []     # per open list: [is_ordered, next number]
        self.blockquotes: list[bool] = []    # per open blockquote: does it quote?

    @property
    def depth(self) -> int:
        return sum(self.blockquotes)

    # lines
    def _emit(self, line: str) -> None:
        quote = "> " * self.depth
        self.lines.append((quote + line).rstrip(" "))

    def _flush(self, force: bool = False) -> None:
        if self.current.strip(" ") or force:
            self._emit(self.prefix + self.current)
            self.prefix = ""   # an empty block inside a list item keeps the item's mark
        self.current = ""

    def _rule(self) -> None:
        self._flush()
        if not self.lines or self.lines[-1].strip("> ") != _HR_LINE:
            self._emit(_HR_LINE)

    def _paragraph(self) -> None:
        self._flush()
        if self.lines and self.lines[-1].strip("> "):
            self._emit("")

    # parser hooks
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.skip_tag:
            if tag == self.skip_tag:
                self.skip_depth += 1
            elif tag == "body" and self.skip_tag == "head":
                self.skip_tag = None   # a <head> never closed
            return
        attributes = {name.lower(): (value or "") for name, value in attrs}
        if tag in _SKIPPED_TAGS or (not self.keep_quotes and self._is_quote(attributes)):
            if tag not in _VOID_TAGS:
                self.skip_tag, self.skip_depth = tag, 1
            return
        self._open(tag, attributes)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in _VOID_TAGS:
            self.handle_endtag(tag)

    def _open(self, tag: str, attributes: dict[str, str]) -> None:
        if tag == "hr" or (tag in _BLOCK_TAGS and self._opens_header_block(attributes)):
            self._rule()
        if tag == "br":
            self._flush(force=True)
        elif tag == "blockquote":
            self._paragraph()
            self.blockquotes.append(self._quotes(attributes))
        elif tag in ("ul", "ol"):
            if self.lists:
                self._flush()
            else:
                self._paragraph()
            self.lists.append([tag == "ol", _int(attributes.get("start"), 1)])
        elif tag == "li":
            self._flush()
            self.prefix = ""
            indent = "  " * max(len(self.lists) - 1, 0)
            if self.lists and self.lists[-1][0]:
                self.prefix = f"{indent}{self.lists[-1][1]}. "
                self.lists[-1][1] += 1
            else:
                self.prefix = f"{indent}- "
        elif tag == "p":
            # Word's (Outlook's) paragraphs have no margin, nor do those in a list: one line each
            self.word_paragraph = "msonormal" in attributes.get("class", "").lower() or \
                bool(self.lists)
            if self.word_paragraph:
                self._flush()
            else:
                self._paragraph()
        elif tag in _PARAGRAPH_TAGS:
            self._paragraph()
            if tag == "pre":
                self.pre += 1
        elif tag in _BLOCK_TAGS:
            self._flush()
        elif tag in ("td", "th") and self.current.strip(" "):
            self.current = self.current.rstrip(" ") + " "

    def handle_endtag(self, tag: str) -> None:
        if self.skip_tag:
            if tag == self.skip_tag:
                self.skip_depth -= 1
                if self.skip_depth == 0:
                    self.skip_tag = None
            return
        if tag == "blockquote":
            self._flush()
            if self.blockquotes:
                self.blockquotes.pop()
            self._paragraph()
        elif tag in ("ul", "ol"):
            self._flush()
            self.prefix = ""
            if self.lists:
                self.lists.pop()
            if self.lists:
                self._flush()
            else:
                self._paragraph()
        elif tag == "p":
            if self.word_paragraph:
                self._flush()
            else:
                self._paragraph()
        elif tag in _PARAGRAPH_TAGS:
            if tag == "pre":
                self.pre = max(self.pre - 1, 0)
            self._paragraph()
        elif tag in _BLOCK_TAGS:
            self._flush()

    def handle_data(self, data: str) -> None:
        if self.skip_tag:
            return
        if self.pre:
            parts = data.replace("\r\n", "\n").split("\n")
            self.current += parts[0]
            for part in parts[1:]:
                self._flush(force=True)
                self.current = part
            return
        text = re.sub(r"[ \t\n\r\f]+", " ", data)
        if not self.current or self.current.endswith(" "):
            text = text.lstrip(" ")
        self.current += text

    def close_text(self) -> str:
        self.close()
        self._flush()
        lines = [line.replace("\xa0", " ").rstrip() for line in self.lines]
        text = re.sub(r"\n{3,}", "\n\n", "\n".join(lines))
        return text.strip("\n")

    # quotes
    def _is_quote(self, attributes: dict[str, str]) -> bool:
        classes = set(attributes.get("class", "").lower().split())
        identifier = attributes.get("id", "").lower()
        return bool(classes & _QUOTE_CLASSES) or identifier in _QUOTE_IDS or \
            identifier.startswith("yahoo_quoted")

    @staticmethod
    def _quotes(attributes: dict[str, str]) -> bool:
        """A blockquote quotes, unless it is the indentation Outlook and others make with one
        (a margin and no border)."""
        style = attributes.get("style", "").replace(" ", "").lower()
        if attributes.get("type", "").lower() == "cite" or "quote" in attributes.get("class", ""):
            return True
        return not ("border:none" in style or ("margin" in style and "border" not in style))

    @staticmethod
    def _opens_header_block(attributes: dict[str, str]) -> bool:
        return (attributes.get("id", "").lower() in _RULE_IDS
                or bool(_TOP_BORDER.search(attributes.get("style", ""))))


def _int(value: str | None, default: int) -> int:
    try:
        return int(value or default)
    except ValueError:
        return default


def html_to_text(markup: str, *, keep_quotes: bool = False) -> str:
    """HTML as readable text: a quoting <blockquote> becomes "> " lines, an <hr> (or Outlook's
    bordered reply header) a line of underscores, as mail clients write them in plain text.
    Unless `keep_quotes`, the quoted history that clients mark with their own classes (Gmail's
    gmail_quote, Yahoo's yahoo_quoted, ...) is left out."""
    maker = _TextMaker(keep_quotes)
    try:
        maker.feed(markup)
        return maker.close_text()
    except Exception:   # HTMLParser is lenient; this is a last resort
        text = re.sub(r"(?is)<(script|style|head)\b.*?</\1>", "", markup)
        text = re.sub(r"(?i)<br\s*/?>|</(p|div|tr|li|h\d)>", "\n", text)
        return html.unescape(re.sub(r"<[^>]+>", "", text)).strip()
