"""Charts as SVG drawn on the server: the same markup on the dashboard and in the PDF.

Each rating has a colour, a pattern and a short text label, so no chart relies on colour alone.
Every chart has a title and a description that says what it shows; the page beside it has a
table of the same numbers.
"""

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from reviews.models import Finding

from .figures import RATINGS, ExpectationRow, HeatMap, common_gaps

R = Finding.Rating
# rating: (fill, text colour, pattern stroke, short label)
STYLE = {
    R.MET: ("#00703c", "#ffffff", None, "M"),
    R.PARTIALLY_MET: ("#ffdd00", "#0b0c0c", "diagonal", "PM"),
    R.NOT_MET: ("#d4351c", "#ffffff", "cross", "NM"),
    R.NOT_APPLICABLE: ("#dee0e2", "#0b0c0c", "dots", "NA"),
}
SHORT = {rating: style[3] for rating, style in STYLE.items()}
FONT = 'font-family="Arial, Helvetica, sans-serif"'


def _patterns(prefix: str) -> str:
    parts = []
    for rating, (fill, _text, pattern, _short) in STYLE.items():
        pid = f"{prefix}-{rating}"
        if pattern == "diagonal":
            mark = '<path d="M0 8 L8 0" stroke="#0b0c0c" stroke-opacity="0.45" stroke-width="1.5"/>'
        elif pattern == "cross":
            mark = (
                '<path d="M0 0 L8 8 M8 0 L0 8" stroke="#ffffff" stroke-opacity="0.5" '
                'stroke-width="1.2"/>'
            )
        elif pattern == "dots":
            mark = '<circle cx="4" cy="4" r="1.3" fill="#505a5f"/>'
        else:
            mark = ""
        parts.append(
            f'<pattern id="{pid}" width="8" height="8" patternUnits="userSpaceOnUse">'
            f'<rect width="8" height="8" fill="{fill}"/>{mark}</pattern>'
        )
    return "<defs>" + "".join(parts) + "</defs>"


def _legend(prefix: str, *, y: int) -> str:
    items, x = [], 0
    for rating, label in RATINGS:
        items.append(
            f'<rect x="{x}" y="{y}" width="16" height="16" fill="url(#{prefix}-{rating})" '
            f'stroke="#0b0c0c" stroke-width="0.5"/>'
            f'<text x="{x + 22}" y="{y + 13}" font-size="14" {FONT} fill="#0b0c0c">'
            f"{escape(label)} ({SHORT[rating]})</text>"
        )
        x += 40 + 8 * len(label) + 30
    return "".join(items)


def _svg(*, prefix: str, width: int, height: int, title: str, desc: str, body: str) -> SafeString:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="app-chart" role="img" '
        'viewBox="0 0 {w} {h}" width="100%" aria-labelledby="{p}-title {p}-desc">'
        '<title id="{p}-title">{title}</title><desc id="{p}-desc">{desc}</desc>{body}</svg>',
        w=width,
        h=height,
        p=prefix,
        title=title,
        desc=desc,
        body=mark_safe(body),  # noqa: S308 - every value in it is escaped above
    )


def ratings_chart(rows: list[ExpectationRow], *, prefix: str = "ratings") -> SafeString:
    """A stacked bar per expectation: how many agencies' findings were rated each way."""
    label_width, bar_width, bar_height, gap, top = 60, 560, 22, 8, 34
    most = max((r.total for r in rows), default=0) or 1
    body = [_patterns(prefix), _legend(prefix, y=0)]
    for index, row in enumerate(rows):
        y = top + index * (bar_height + gap)
        body.append(
            f'<text x="0" y="{y + 16}" font-size="14" {FONT} fill="#0b0c0c">'
            f"{escape(row.code)}</text>"
        )
        x = label_width
        for rating, _label in RATINGS:
            count = row.count(rating)
            if not count:
                continue
            width = bar_width * count / most
            fill, text, _pattern, short = STYLE[rating]
            body.append(
                f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{bar_height}" '
                f'fill="url(#{prefix}-{rating})" stroke="#ffffff" stroke-width="1"/>'
            )
            if width >= 34:
                body.append(
                    f'<text x="{x + 4:.1f}" y="{y + 16}" font-size="13" {FONT} fill="{text}" '
                    f'font-weight="bold">{count}</text>'
                )
            x += width
        body.append(
            f'<text x="{x + 6:.1f}" y="{y + 16}" font-size="13" {FONT} fill="#0b0c0c">'
            f"{row.total}</text>"
        )
    height = top + len(rows) * (bar_height + gap)
    gaps = common_gaps(rows, limit=3)
    desc = (
        f"Stacked bars for {len(rows)} expectations showing how many counted reviews rated each "
        "one Met, Partially met, Not met or Not applicable. "
        + (
            "Most serious gaps: "
            + "; ".join(
                f"{r.code} with {r.not_met} not met and {r.partially_met} partially met"
                for r in gaps
            )
            + "."
            if gaps
            else "No gaps."
        )
        + " The table of ratings per expectation gives every number."
    )
    return _svg(
        prefix=prefix,
        width=label_width + bar_width + 50,
        height=height,
        title="Ratings per expectation across agencies",
        desc=desc,
        body="".join(body),
    )


def heat_map_chart(heat: HeatMap, *, prefix: str = "heat") -> SafeString:
    """Agency by expectation: each cell's colour, pattern and text say its rating."""
    name_width, cell_w, cell_h, top = 260, 40, 24, 56
    body = [_patterns(prefix), _legend(prefix, y=0)]
    for col, code in enumerate(heat.codes):
        x = name_width + col * cell_w + cell_w / 2
        body.append(
            f'<text x="{x:.0f}" y="{top - 8}" font-size="12" {FONT} text-anchor="middle" '
            f'fill="#0b0c0c">{escape(code)}</text>'
        )
    for index, (agency, ratings) in enumerate(heat.rows):
        y = top + index * cell_h
        name = agency if len(agency) <= 34 else agency[:33] + "…"
        body.append(
            f'<text x="0" y="{y + 16}" font-size="13" {FONT} fill="#0b0c0c">{escape(name)}</text>'
        )
        for col, code in enumerate(heat.codes):
            x = name_width + col * cell_w
            rating = ratings.get(code, "")
            if rating in STYLE:
                _fill, text, _pattern, short = STYLE[rating]
                body.append(
                    f'<rect x="{x}" y="{y}" width="{cell_w}" height="{cell_h}" '
                    f'fill="url(#{prefix}-{rating})" stroke="#ffffff"/>'
                    f'<text x="{x + cell_w / 2:.0f}" y="{y + 16}" font-size="12" {FONT} '
                    f'text-anchor="middle" font-weight="bold" fill="{text}">{short}</text>'
                )
            else:
                body.append(
                    f'<rect x="{x}" y="{y}" width="{cell_w}" height="{cell_h}" fill="#ffffff" '
                    f'stroke="#b1b4b6"/><text x="{x + cell_w / 2:.0f}" y="{y + 16}" '
                    f'font-size="12" {FONT} text-anchor="middle" fill="#505a5f">–</text>'
                )
    desc = (
        f"A grid of {len(heat.rows)} agencies by {len(heat.codes)} expectations. Each cell shows "
        "the agency's rating as text: M for Met, PM for Partially met, NM for Not met, NA for "
        "Not applicable, and a dash where there is no counted rating. The heat map table gives "
        "the same ratings."
    )
    return _svg(
        prefix=prefix,
        width=name_width + cell_w * len(heat.codes) + 10,
        height=top + cell_h * len(heat.rows) + 4,
        title="Ratings by agency and expectation",
        desc=desc,
        body="".join(body),
    )
