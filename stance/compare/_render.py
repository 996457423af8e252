"""Rendering a comparison for people: the terminal table and the PNG charts."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from stance._errors import InputError
from stance._io import write_bytes
from stance._labels import LABEL_NAMES, LABELS, SHORT_NAMES
from stance.compare._rows import _HIGH, _LOW, _SHARE, UNDATED, _period_order

if TYPE_CHECKING:
    from stance.compare._report import Comparison

# Colours people read without a legend lookup: Ukraine blue, Russia red, grey for no source.
LABEL_COLORS = {
    "official_ukrainian": "#1f5fbf",
    "russian_mod": "#c8302c",
    "western_intelligence": "#2a9d5c",
    "editorial_opinion": "#e39b17",
    "neutral": "#9a9a9a",
}


# -- the terminal table ----------------------------------------------------------------------


def _cell(share: float, low: float, high: float) -> str:
    if low != low or high != high:  # no interval: the row rests on a single article
        return f"{100 * share:.0f}"
    return f"{100 * share:.0f} ({100 * low:.0f}-{100 * high:.0f})"


def _clip(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def _shares_lines(result: Comparison) -> list[str]:
    shares = result.reported_shares()
    outlet_width = min(32, max([6, *(len(o) for o in shares["outlet"])]))
    heads = ["outlet".ljust(outlet_width)]
    if result.by is not None:
        heads.append(result.by.ljust(8))
    heads += ["sentences", "articles"] + [SHORT_NAMES[label].ljust(13) for label in LABELS]
    lines = ["  ".join(heads).rstrip()]
    for record in shares.to_dict("records"):
        cells = [_clip(str(record["outlet"]), outlet_width).ljust(outlet_width)]
        if result.by is not None:
            cells.append(str(record["period"]).ljust(8))
        cells += [f"{record['sentences']:>9,}", f"{record['articles']:>8,}"]
        cells += [
            _cell(record[_SHARE + label], record[_LOW + label], record[_HIGH + label]).ljust(13)
            for label in LABELS
        ]
        lines.append("  ".join(cells).rstrip())
    return lines


def _format(result: Comparison, width: int) -> str:
    lines = [
        f"Share of sentences by label, % (95% interval: bootstrap over articles, "
        f"{result.n_boot:,} resamples)",
        "",
    ]
    lines += _shares_lines(result)
    lines.append("")
    if result.test is not None:
        lines += result.test.lines()
        if result.test.note:
            lines.append(f"  note: {result.test.note}")
    lines += [f"note: {note}" for note in result.notes]
    lines += ["", "Near-duplicate articles (republished copy):"]
    lines += [f"  {group.line()}" for group in result.near_duplicates] or ["  none found"]
    lines += ["", "Most typical sentences (each outlet's most over-represented label):"]
    for typical in result.typical:
        elsewhere = (
            ""
            if typical.share_elsewhere is None
            else f" vs {100 * typical.share_elsewhere:.0f}% elsewhere"
        )
        lines.append(
            f"  {typical.outlet}: {LABEL_NAMES[typical.label]} "
            f"({100 * typical.share:.0f}%{elsewhere})"
        )
        for sentence in typical.sentences:
            lines.append(f"    - {_clip(' '.join(sentence['text'].split()), width * 2)}")
        if not typical.sentences:
            lines.append("    (no sentence of this label with enough content to show)")
    return "\n".join(lines) + "\n"


# -- charts ----------------------------------------------------------------------------------


def _plot(result: Comparison, path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")  # files only: no display, no GUI toolkit
    import matplotlib.pyplot as plt

    figure = _bars(result, plt) if result.by is None else _lines(result, plt)
    buffer = io.BytesIO()
    kind = path.suffix.lstrip(".").lower() or "png"
    try:
        figure.savefig(buffer, format=kind, dpi=120, bbox_inches="tight")
    except ValueError as err:  # an image format matplotlib does not write
        raise InputError(f"{path}: cannot write this chart format ({err}); use .png") from None
    finally:
        plt.close(figure)
    write_bytes(path, buffer.getvalue())
    return path


def _counted(number: int, noun: str) -> str:
    return f"{number:,} {noun}" + ("" if number == 1 else "s")


def _outlet_tick(record: dict[str, Any]) -> str:
    return (
        f"{_clip(str(record['outlet']), 34)}\n{_counted(record['sentences'], 'sentence')}, "
        f"{_counted(record['articles'], 'article')}"
    )


def _bars(result: Comparison, plt: Any) -> Any:
    records = result.reported_shares().to_dict("records")
    n_labels = len(LABELS)
    bar = 0.8 / n_labels
    figure, axes = plt.subplots(figsize=(10, 1.2 + 1.1 * len(records)))
    for k, label in enumerate(LABELS):
        # Top to bottom in label order within each outlet's group; outlets top to bottom too.
        positions = [len(records) - 1 - row + 0.4 - bar * (k + 0.5) for row in range(len(records))]
        shares = np.array([100 * r[_SHARE + label] for r in records])
        # No error bar (NaN) for a row resting on a single article: it has no interval.
        errors = np.array(
            [
                [100 * (r[_SHARE + label] - r[_LOW + label]) for r in records],
                [100 * (r[_HIGH + label] - r[_SHARE + label]) for r in records],
            ]
        )
        axes.barh(
            positions,
            shares,
            height=bar * 0.92,
            color=LABEL_COLORS[label],
            label=LABEL_NAMES[label],
            xerr=errors,
            error_kw={"elinewidth": 1, "capsize": 2, "ecolor": "#333333"},
        )
    axes.set_yticks(range(len(records)))
    axes.set_yticklabels([_outlet_tick(r) for r in reversed(records)])
    for edge in np.arange(len(records) - 1) + 0.5:
        axes.axhline(edge, color="#dddddd", linewidth=0.8)
    axes.set_ylim(-0.5, len(records) - 0.5)
    widest = np.nanmax([[100 * r[_SHARE + label], 100 * r[_HIGH + label]] for r in records
                        for label in LABELS])  # fmt: skip
    axes.set_xlim(0, min(100, 10 * np.ceil(widest / 10 + 0.05)))
    axes.set_xlabel("Share of the outlet's sentences (%)")
    axes.set_ylabel("Outlet")
    axes.grid(axis="x", color="#eeeeee")
    axes.set_axisbelow(True)
    lonely = (
        "; no bar for one-article outlets: an interval over articles needs two"
        if any(r["articles"] < 2 for r in records)
        else ""
    )
    axes.set_title(
        "Whose voice do the sentences carry? Label shares by outlet\n"
        f"error bars: 95% intervals, bootstrap over articles ({result.n_boot:,} "
        f"resamples){lonely}",
        fontsize=11,
    )
    axes.legend(title="Label", loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)
    figure.tight_layout()
    return figure


def _lines(result: Comparison, plt: Any) -> Any:
    # A period resting on a single article has no band (NaN bounds leave a gap).
    shares = result.reported_shares()[result.shares["period"] != UNDATED]
    periods = sorted(set(shares["period"]), key=_period_order)
    position = {name: n for n, name in enumerate(periods)}
    outlets = list(dict.fromkeys(result.shares["outlet"]))
    colours = plt.get_cmap("tab10")
    figure, grid = plt.subplots(2, 3, figsize=(15, 8.5), sharex=True, sharey=True)
    panels = grid.ravel()
    for panel, label in zip(panels, LABELS, strict=False):
        for n, outlet in enumerate(outlets):
            own = shares[shares["outlet"] == outlet].sort_values(
                "period", key=lambda s: s.map(position)
            )
            x = own["period"].map(position).to_numpy()
            colour = colours(n % 10)
            panel.plot(x, 100 * own[_SHARE + label], marker="o", color=colour, label=outlet)
            panel.fill_between(
                x,
                100 * own[_LOW + label],
                100 * own[_HIGH + label],
                color=colour,
                alpha=0.15,
                linewidth=0,
            )
        # Titles stay black: the line colours here are outlets, not labels.
        panel.set_title(LABEL_NAMES[label], fontweight="bold")
        panel.grid(color="#eeeeee")
        panel.set_ylim(0, 100)
    for panel in grid[:, 0]:
        panel.set_ylabel("Share of sentences (%)")
    for panel in panels[: len(LABELS)]:
        panel.set_xticks(range(len(periods)))
        panel.set_xticklabels(periods, rotation=45, ha="right")
        panel.tick_params(labelbottom=True)
        panel.set_xlabel(result.by.capitalize() if result.by else "")
    legend = panels[-1]
    legend.axis("off")
    handles, names = panels[0].get_legend_handles_labels()
    legend.legend(handles, names, title="Outlet (bands: 95% intervals)", loc="center")
    undated = int((result.shares["period"] == UNDATED).sum())
    footnote = f"; {undated} undated outlet row(s) not drawn" if undated else ""
    figure.suptitle(
        f"Label shares by outlet and {result.by}\nbands: 95% intervals, bootstrap "
        f"over articles ({result.n_boot:,} resamples){footnote}",
        fontsize=12,
    )
    figure.tight_layout()
    return figure
