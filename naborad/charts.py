"""Geometry for the server-rendered SVG charts (templates/_macros/chart.html): bars or a line over a series.

A chart is drawn from a list of `Point`s: the label under it, the name its row has in the figures table
beside the chart, the value to draw (None: nothing drawn, e.g. a month with too few reports or a count
hidden by the small-count rule) and the text shown for it, which is the same text as in the table. The
geometry is plain numbers in a fixed viewBox, so the SVG scales to any width (320 px phones included)
and needs no JavaScript and no inline style.
"""
from __future__ import annotations

from dataclasses import dataclass

KINDS = ("bar", "line")


@dataclass
class Point:
    label: str  # short, under the x axis ("11")
    name: str  # the row header in the figures table ("nov. 2026")
    value: float | None  # what is drawn; None draws nothing
    shown: str  # the figure as the table shows it ("12", "fewer than 3", "80 %")
    short: str | None = None  # the figure on the chart where space is short; default `shown`


def geometry(points: list[Point], *, kind: str = "bar", target: float | None = None, peak: float | None = None,
             width: int = 480, height: int = 220) -> dict:
    """Coordinates for the chart macro. `peak` fixes the top of the scale (100 for a share in per cent);
    else the largest value (or the target) with a little room above. `target` draws a dashed line."""
    assert kind in KINDS, kind
    left, right, bottom, top = 40, 8, 30, 22
    plot_w, plot_h = width - left - right, height - bottom - top
    values = [p.value for p in points if p.value is not None]
    if peak is None:
        peak = max(values + ([target] if target is not None else []) + [1]) * 1.1
    scale = plot_h / peak
    base = top + plot_h
    slot = plot_w / max(1, len(points))
    lift = 6 if kind == "bar" else 10  # the figure above its bar, or above its dot (r=4)
    marks = []
    for i, p in enumerate(points):
        cx = round(left + i * slot + slot / 2, 1)
        h = round(p.value * scale, 1) if p.value is not None else 0
        y = round(base - h, 1)
        marks.append({"label": p.label, "name": p.name, "value": p.value, "shown": p.shown,
                      "short": p.short if p.short is not None else p.shown,
                      "cx": cx, "x": round(left + i * slot + slot * 0.15, 1), "w": round(slot * 0.7, 1),
                      "y": y, "h": h, "ty": round(y - lift, 1) if p.value is not None else round(base - 6, 1)})
    # A line is broken where a value is missing: one polyline per unbroken run.
    runs, run = [], []
    for m in marks:
        if m["value"] is None:
            if run:
                runs.append(run)
            run = []
        else:
            run.append(f'{m["cx"]},{m["y"]}')
    if run:
        runs.append(run)
    return {"kind": kind, "width": width, "height": height, "left": left, "right": width - right, "base": base,
            "top": top, "marks": marks, "lines": [" ".join(r) for r in runs],
            "target": target, "target_y": round(base - target * scale, 1) if target is not None else None}
