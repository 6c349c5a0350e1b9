"""The colours of the light and dark themes, by what they are for (no Qt here: plain
"#rrggbb" strings, so that style.qss, HTML and QColor can all take them).

theme.py applies them; widgets read them through `theme.current()`.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class HighlightColours:
    """One highlight colour. The drawn background is `fill` at `alpha` over the text's
    background (translucent, so a search match or a nested highlight shows through)."""

    fill: str
    alpha: int  # 0-255; a selected highlight is drawn at twice this
    swatch: str  # solid: the toolbar's buttons, menus, the Annotations view
    ink: str  # the comment underline, the outline of a selected highlight, swatch rims


@dataclass(frozen=True)
class HighlightPalette:
    yellow: HighlightColours
    green: HighlightColours
    blue: HighlightColours
    pink: HighlightColours
    purple: HighlightColours

    def get(self, name: str) -> HighlightColours:
        """The colours of a highlight name (an unknown one, from a newer version: yellow)."""
        found = getattr(self, name, None) if not name.startswith("_") else None
        return found if isinstance(found, HighlightColours) else self.yellow


@dataclass(frozen=True)
class Theme:
    """Named semantic colours of one theme ("#rrggbb")."""

    name: str  # "light" or "dark"
    dark: bool
    # Surfaces.
    window: str
    base: str  # text fields, lists, the abstract, the note
    alt_base: str  # alternate table rows
    sidebar: str
    header: str  # table header sections
    button: str
    button_hover: str
    border: str  # frames, header lines, splitter handles
    border_strong: str  # button edges, axis lines
    panel: str  # floating panels: the highlight toolbar, the key help
    tooltip_bg: str
    tooltip_fg: str
    # Text.
    text: str
    heading_text: str
    secondary_text: str  # authors, chart titles
    muted_text: str  # meta lines, captions (>= 4.5:1 on base)
    faint_text: str  # placeholders, empty states, "no longer found"
    disabled_text: str
    # Accents.
    accent: str  # primary buttons, checked toggles
    accent_text: str  # text on accent
    accent_border: str
    link: str
    reference: str  # a link to a paper of the library in a note
    key: str  # key names in the key help, queue places
    selection_bg: str
    selection_fg: str
    toggle_bg: str  # a checked button of the reading bar, the triage banner
    toggle_fg: str
    star: str
    star_lit: str
    # States.
    error_bg: str
    error_fg: str
    error_border: str
    warning_bg: str  # the strip naming highlights whose passage is gone
    warning_fg: str
    warning_border: str
    # Paper table (used by gui/table).
    status_inbox: str
    status_queued: str
    status_reading: str
    status_read: str
    status_skimmed: str
    status_abandoned: str
    priority_high: str
    priority_normal: str
    priority_low: str
    rating: str
    search_hit_bg: str  # the matched words of a title
    snippet_text: str
    # Highlights and search matches in the abstract.
    highlights: HighlightPalette
    search_match: str
    search_match_alpha: int
    search_outline: str
    search_outline_alpha: int
    # Markdown: the editor's colouring and the rendered note.
    md_heading: str
    md_quote: str
    md_marker: str
    code_bg: str
    code_text: str
    pre_bg: str
    table_border: str
    # Charts.
    chart_bg: str
    chart_title: str
    chart_label: str
    chart_grid: str
    chart_axis: str
    chart_read: str
    chart_skimmed: str
    chart_backlog: str
    chart_time: str
    chart_tag: str
    # The key help's veil over the window.
    scrim: str
    scrim_alpha: int
    shadow_alpha: int  # the highlight toolbar's shadow (black)

    def colours(self) -> dict[str, str]:
        """Every "#rrggbb" colour by field name (style.qss's $placeholders)."""
        return {key: value for key, value in vars(self).items()
                if isinstance(value, str) and value.startswith("#")}


LIGHT = Theme(
    name="light",
    dark=False,
    window="#f6f7f9",
    base="#ffffff",
    alt_base="#f6f8fa",
    sidebar="#f4f5f7",
    header="#fafbfc",
    button="#f6f8fa",
    button_hover="#eef1f4",
    border="#e1e4e8",
    border_strong="#c9ced6",
    panel="#ffffff",
    tooltip_bg="#ffffff",
    tooltip_fg="#1f2328",
    text="#1f2328",
    heading_text="#1f2937",
    secondary_text="#3d4a5c",
    muted_text="#5f6875",
    faint_text="#8a94a3",
    disabled_text="#a0a8b3",
    accent="#1f6feb",
    accent_text="#ffffff",
    accent_border="#1a5fcc",
    link="#1f6feb",
    reference="#1a5fcc",
    key="#8250df",
    selection_bg="#cfe3ff",
    selection_fg="#101418",
    toggle_bg="#24292f",
    toggle_fg="#f6f8fa",
    star="#c9a227",
    star_lit="#d4a017",
    error_bg="#fff5f5",
    error_fg="#b3261e",
    error_border="#cf222e",
    warning_bg="#fff8e5",
    warning_fg="#6b5200",
    warning_border="#eddfb3",
    status_inbox="#1f6feb",
    status_queued="#8250df",
    status_reading="#b35900",
    status_read="#1a7f37",
    status_skimmed="#0f7b8a",
    status_abandoned="#8a94a3",
    priority_high="#cf222e",
    priority_normal="#a0a8b3",
    priority_low="#57606a",
    rating="#9a6700",
    search_hit_bg="#fff3a3",
    snippet_text="#57606a",
    highlights=HighlightPalette(
        yellow=HighlightColours("#ffcc00", 95, "#f7ca18", "#a67c00"),
        green=HighlightColours("#34be64", 75, "#4cc47a", "#1d7a43"),
        blue=HighlightColours("#388cff", 62, "#5b9cf0", "#1f5fb0"),
        pink=HighlightColours("#ff50a0", 58, "#f27bb5", "#b0306d"),
        purple=HighlightColours("#965fe6", 62, "#a57de6", "#6a3fb0"),
    ),
    search_match="#ffa600",
    search_match_alpha=80,
    search_outline="#e68c00",
    search_outline_alpha=150,
    md_heading="#1f2937",
    md_quote="#57606a",
    md_marker="#8a94a3",
    code_bg="#f0f2f5",
    code_text="#24292f",
    pre_bg="#f6f8fa",
    table_border="#d0d7de",
    chart_bg="#ffffff",
    chart_title="#3d4a5c",
    chart_label="#4a5563",
    chart_grid="#e1e4e8",
    chart_axis="#c9ced6",
    chart_read="#2da44e",
    chart_skimmed="#a6dbb3",
    chart_backlog="#1f6feb",
    chart_time="#b35900",
    chart_tag="#8250df",
    scrim="#12161c",
    scrim_alpha=150,
    shadow_alpha=55,
)

# GitHub's "dark dimmed" family: soft dark surfaces, light text, accents bright enough
# to read on them; highlights are deep, saturated fills under the light text.
DARK = Theme(
    name="dark",
    dark=True,
    window="#22272e",
    base="#1c2128",
    alt_base="#232931",
    sidebar="#1f242b",
    header="#2a3038",
    button="#2d333b",
    button_hover="#373e47",
    border="#3d444d",
    border_strong="#545d68",
    panel="#2d333b",
    tooltip_bg="#2d333b",
    tooltip_fg="#e1e6eb",
    text="#e1e6eb",
    heading_text="#f0f3f6",
    secondary_text="#c5ced7",
    muted_text="#9aa5b1",
    faint_text="#7d8894",
    disabled_text="#636e7b",
    accent="#316dca",
    accent_text="#ffffff",
    accent_border="#4184e4",
    link="#539bf5",
    reference="#6cb6ff",
    key="#b995f0",
    selection_bg="#264a75",
    selection_fg="#f0f3f6",
    toggle_bg="#57606a",
    toggle_fg="#ffffff",
    star="#c69026",
    star_lit="#e0b43c",
    error_bg="#3d1f22",
    error_fg="#ff8e87",
    error_border="#e5534b",
    warning_bg="#3a2f12",
    warning_fg="#e8c77a",
    warning_border="#5c4a1a",
    status_inbox="#539bf5",
    status_queued="#b083f0",
    status_reading="#e0823d",
    status_read="#57ab5a",
    status_skimmed="#39c5cf",
    status_abandoned="#8b949e",
    priority_high="#f47067",
    priority_normal="#768390",
    priority_low="#adbac7",
    rating="#daaa3f",
    search_hit_bg="#5a4a0e",
    snippet_text="#9aa5b1",
    highlights=HighlightPalette(
        yellow=HighlightColours("#735800", 140, "#c9a227", "#e3b341"),
        green=HighlightColours("#19693a", 140, "#3fa35f", "#6bc98a"),
        blue=HighlightColours("#1f5fb0", 150, "#4a86d8", "#79b0f5"),
        pink=HighlightColours("#94215f", 140, "#d0589a", "#f08cc0"),
        purple=HighlightColours("#6a3fb0", 150, "#9a72e0", "#c2a4f5"),
    ),
    search_match="#b86e00",
    search_match_alpha=80,
    search_outline="#f0a030",
    search_outline_alpha=190,
    md_heading="#f0f3f6",
    md_quote="#9aa5b1",
    md_marker="#7d8894",
    code_bg="#2d333b",
    code_text="#e1e6eb",
    pre_bg="#262c34",
    table_border="#444c56",
    chart_bg="#1c2128",
    chart_title="#c5ced7",
    chart_label="#adbac7",
    chart_grid="#2f353d",
    chart_axis="#545d68",
    chart_read="#57ab5a",
    chart_skimmed="#2b6a30",
    chart_backlog="#539bf5",
    chart_time="#e0823d",
    chart_tag="#b083f0",
    scrim="#000000",
    scrim_alpha=150,
    shadow_alpha=120,
)

THEMES: dict[str, Theme] = {"light": LIGHT, "dark": DARK}
