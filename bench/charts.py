#!/usr/bin/env python3
"""SVG charts of the benchmark results, with the Python standard library only.

Usage: bench/charts.py RESULTS_DIR OUT_DIR

Reads whichever of load.json, cold-start.json and scale.json RESULTS_DIR holds and writes throughput.svg, p99.svg,
cold-start.svg and scale.svg to OUT_DIR; a chart whose input is missing is skipped.
"""

import json
import math
import sys
from pathlib import Path
from xml.sax.saxutils import escape

API = "#2b6cb0"
CEILING = "#a0aec0"
MISSED = "#dd6b20"
TARGET = "#c53030"
INK = "#1a202c"
GRID = "#e2e8f0"
FONT = "font-family='DejaVu Sans, Helvetica, Arial, sans-serif'"

P99_TARGET_MS = 10.0
LAMBDA_HEALTH_TARGET_MS = 350.0
LAMBDA_LIST_TARGET_MS = 400.0
KESTREL_HEALTH_FACTOR = 1.5
KESTREL_LIST_EXTRA_MS = 350.0


class Svg:
    def __init__(self, width, height):
        self.width, self.height = width, height
        self.parts = [f"<rect width='{width}' height='{height}' fill='white'/>"]

    def text(self, x, y, content, size=12, anchor="start", weight="normal", fill=INK, rotate=None):
        transform = f" transform='rotate({rotate} {x:.1f} {y:.1f})'" if rotate is not None else ""
        self.parts.append(
            f"<text x='{x:.1f}' y='{y:.1f}' font-size='{size}' text-anchor='{anchor}' font-weight='{weight}' "
            f"fill='{fill}'{transform}>{escape(str(content))}</text>")

    def rect(self, x, y, w, h, fill, title=None):
        tooltip = f"<title>{escape(title)}</title>" if title else ""
        self.parts.append(f"<rect x='{x:.1f}' y='{y:.1f}' width='{max(w, 0):.1f}' height='{max(h, 0):.1f}' fill='{fill}'>{tooltip}</rect>")

    def line(self, x1, y1, x2, y2, stroke=INK, width=1, dash=None):
        dashes = f" stroke-dasharray='{dash}'" if dash else ""
        self.parts.append(f"<line x1='{x1:.1f}' y1='{y1:.1f}' x2='{x2:.1f}' y2='{y2:.1f}' stroke='{stroke}' stroke-width='{width}'{dashes}/>")

    def polyline(self, points, stroke, width=2):
        coordinates = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        self.parts.append(f"<polyline points='{coordinates}' fill='none' stroke='{stroke}' stroke-width='{width}'/>")

    def circle(self, x, y, r, fill):
        self.parts.append(f"<circle cx='{x:.1f}' cy='{y:.1f}' r='{r}' fill='{fill}'/>")

    def title(self, title, subtitle=None):
        self.text(self.width / 2, 28, title, size=17, anchor="middle", weight="bold")
        if subtitle:
            self.text(self.width / 2, 48, subtitle, size=12, anchor="middle", fill="#4a5568")

    def legend(self, x, y, entries):
        """entries: (label, colour, kind) with kind 'box' or 'dash'."""
        for label, colour, kind in entries:
            if kind == "dash":
                self.line(x, y - 4, x + 18, y - 4, stroke=colour, width=2, dash="6,3")
            else:
                self.rect(x, y - 11, 18, 12, colour)
            self.text(x + 24, y, label, size=12)
            x += 34 + 7 * len(label)

    def save(self, path):
        body = "\n".join(self.parts)
        path.write_text(
            f"<svg xmlns='http://www.w3.org/2000/svg' width='{self.width}' height='{self.height}' "
            f"viewBox='0 0 {self.width} {self.height}' {FONT}>\n{body}\n</svg>\n", encoding="utf-8")
        print(f"wrote {path}")


def nice_max(value):
    """A round axis end at or above value, so the ticks are 1, 2 or 5 times a power of ten."""
    if value <= 0:
        return 1.0
    step = nice_step(value / 5)
    return step * math.ceil(value / step)


def nice_step(rough):
    magnitude = 10 ** math.floor(math.log10(rough))
    for factor in (1, 2, 5, 10):
        if rough <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def ticks(top):
    step = nice_step(top / 5)
    count = int(round(top / step))
    return [i * step for i in range(count + 1)]


def fmt(value, unit=""):
    if value >= 1000:
        text = f"{value:,.0f}"
    elif value >= 100:
        text = f"{value:.0f}"
    elif value >= 10:
        text = f"{value:.1f}"
    else:
        text = f"{value:.2f}".rstrip("0").rstrip(".") if value else "0"
    return f"{text}{unit}"


def vertical_axis(svg, left, top, bottom, right, y_max, label, unit=""):
    for tick in ticks(y_max):
        y = bottom - (bottom - top) * tick / y_max
        svg.line(left, y, right, y, stroke=GRID)
        svg.text(left - 8, y + 4, fmt(tick, unit), size=11, anchor="end")
    svg.line(left, bottom, right, bottom)
    svg.line(left, top, left, bottom)
    svg.text(18, (top + bottom) / 2, label, size=12, anchor="middle", rotate=-90)


def grouped_bars(workloads, metric, title, subtitle, axis_label, unit, target_for, better, legend_target, out, one_target_line=False):
    """Per workload an API and a ceiling bar; target_for(workload) gives the API bar's target, or None."""
    width, height = 860, 470
    left, right, top, bottom = 80, width - 30, 90, height - 70
    svg = Svg(width, height)
    svg.title(title, subtitle)

    values = [(w["api"][metric], w["ceiling"][metric]) for w in workloads]
    targets = [target_for(w) for w in workloads]
    y_max = nice_max(max([v for pair in values for v in pair] + [t for t in targets if t] + [0]) * 1.15)
    vertical_axis(svg, left, top, bottom, right, y_max, axis_label)

    def y_of(value):
        return bottom - (bottom - top) * value / y_max

    group = (right - left) / max(len(workloads), 1)
    bar = min(70.0, group * 0.3)
    for index, (workload, (api, ceiling), target) in enumerate(zip(workloads, values, targets)):
        centre = left + group * (index + 0.5)
        met = target is None or (api >= target if better == "higher" else api <= target)
        for x, value, colour, who in ((centre - bar - 3, api, API if met else MISSED, "API"), (centre + 3, ceiling, CEILING, "ceiling")):
            svg.rect(x, y_of(value), bar, bottom - y_of(value), colour, f"{workload['name']} {who}: {fmt(value, unit)}")
            svg.text(x + bar / 2, y_of(value) - 6, fmt(value, unit), size=11, anchor="middle", weight="bold")
        if target is not None and not one_target_line:
            svg.line(centre - bar - 12, y_of(target), centre + 6, y_of(target), stroke=TARGET, width=2, dash="6,3")
        svg.text(centre, bottom + 20, workload["name"], size=13, anchor="middle", weight="bold")
        if ceiling:
            svg.text(centre, bottom + 38, f"API / ceiling = {api / ceiling:.2f}", size=11, anchor="middle", fill="#4a5568")
        non2xx = workload["api"].get("non2xx", 0) + workload["ceiling"].get("non2xx", 0)
        if non2xx:
            svg.text(centre, bottom + 54, f"non-2xx: {workload['api'].get('non2xx', 0)} / {workload['ceiling'].get('non2xx', 0)}", size=11, anchor="middle", fill=TARGET)

    if one_target_line and targets and targets[0] is not None:
        svg.line(left, y_of(targets[0]), right, y_of(targets[0]), stroke=TARGET, width=2, dash="6,3")

    svg.legend(left + 10, 74, [("API", API, "box"), ("API, target missed", MISSED, "box"), ("ceiling", CEILING, "box"), (legend_target, TARGET, "dash")])
    svg.save(out)


def throughput_chart(load, out_dir):
    workloads = load.get("workloads", [])
    memory = load.get("memory", {})
    subtitle = "req/s, higher is better"
    if memory.get("api") and memory.get("ceiling"):
        subtitle += (f"  ·  memory MiB idle/peak: API {fmt(memory['api']['idle_mib'])}/{fmt(memory['api']['peak_mib'])}, "
                     f"ceiling {fmt(memory['ceiling']['idle_mib'])}/{fmt(memory['ceiling']['peak_mib'])}")

    def target(workload):
        ratio = workload.get("target_ratio")
        return ratio * workload["ceiling"]["rps"] if ratio else None

    grouped_bars(workloads, "rps", "Throughput: API vs ceiling", subtitle, "requests per second", "", target, "higher",
                 "target (target ratio × ceiling)", out_dir / "throughput.svg")


def p99_chart(load, out_dir):
    grouped_bars(load.get("workloads", []), "p99_ms", "p99 latency: API vs ceiling", "milliseconds, lower is better",
                 "p99 latency (ms)", " ms", lambda _: P99_TARGET_MS, "lower", f"target ≤ {fmt(P99_TARGET_MS)} ms", out_dir / "p99.svg",
                 one_target_line=True)


def cold_start_chart(cold, out_dir):
    rows = []  # (group, label, value, colour, target)
    kestrel = cold.get("kestrel", {})
    api, ceiling = kestrel.get("api", {}), kestrel.get("ceiling", {})
    for key, name in (("health_ms", "health"), ("list_ms", "list")):
        target = None
        if key in api and key in ceiling:
            target = ceiling[key] * KESTREL_HEALTH_FACTOR if key == "health_ms" else ceiling[key] + KESTREL_LIST_EXTRA_MS
        if key in api:
            rows.append(("Kestrel", f"{name}: API", api[key], API, target))
        if key in ceiling:
            rows.append(("Kestrel", f"{name}: ceiling", ceiling[key], CEILING, None))
    lam = cold.get("lambda", {})
    for key, name, target in (("init_ms", "init", None), ("health_ms", "init + first /health", LAMBDA_HEALTH_TARGET_MS),
                              ("list_ms", "first list", LAMBDA_LIST_TARGET_MS)):
        if key in lam:
            rows.append(("Lambda", name, lam[key], API, target))
    if not rows:
        return

    width, row_height = 860, 34
    left, right, top = 230, width - 150, 90
    bottom = top + row_height * len(rows) + 10
    height = bottom + 75
    svg = Svg(width, height)
    notes = [f"{label} {fmt(lam[key], unit)}" for key, label, unit in (("warm_list_p50_ms", "warm list p50", " ms"), ("zip_mib", "package", " MiB")) if key in lam]
    svg.title("Cold start: spawn to first response", "milliseconds, lower is better" + ("  ·  Lambda " + ", ".join(notes) if notes else ""))

    x_max = nice_max(max(max(value, target or 0) for _, _, value, _, target in rows) * 1.1)

    def x_of(value):
        return left + (right - left) * value / x_max

    for tick in ticks(x_max):
        svg.line(x_of(tick), top, x_of(tick), bottom, stroke=GRID)
        svg.text(x_of(tick), bottom + 16, fmt(tick), size=11, anchor="middle")
    svg.text((left + right) / 2, bottom + 36, "milliseconds", size=12, anchor="middle")

    previous_group = None
    for index, (group, label, value, colour, target) in enumerate(rows):
        y = top + row_height * index + 6
        if group != previous_group:
            if previous_group is not None:
                svg.line(20, y - 4, right, y - 4, stroke="#a0aec0")
            svg.text(20, y + 15, group, size=13, weight="bold")
            previous_group = group
        met = target is None or value <= target
        svg.rect(left, y, x_of(value) - left, row_height - 12, colour if met else MISSED, f"{group} {label}: {fmt(value)} ms")
        svg.text(left - 8, y + 15, label, size=12, anchor="end")
        # Labels start right of both the bar and its target line, so that neither hides the other.
        label_x = max(x_of(value), x_of(target) if target is not None else 0) + 6
        svg.text(label_x, y + 15, fmt(value, " ms"), size=11, weight="bold")
        if target is not None:
            svg.line(x_of(target), y - 3, x_of(target), y + row_height - 9, stroke=TARGET, width=2, dash="4,2")
            svg.text(label_x + 58, y + 15, f"target ≤ {fmt(target)}", size=11, fill=TARGET)
    svg.line(left, top, left, bottom)

    svg.legend(left, height - 14, [("API", API, "box"), ("target missed", MISSED, "box"), ("ceiling", CEILING, "box"), ("target", TARGET, "dash")])
    svg.save(out_dir / "cold-start.svg")


def scale_chart(scale, out_dir):
    points = sorted(scale.get("points", []), key=lambda p: p["todos"])
    if not points:
        return
    width, height = 860, 450
    left, right, top, bottom = 80, width - 60, 90, height - 70
    svg = Svg(width, height)
    svg.title("List latency vs todos held", "GET /todos page 1, milliseconds, lower is better")

    y_max = nice_max(max(max(p["p50_ms"], p["p99_ms"]) for p in points) * 1.15)
    vertical_axis(svg, left, top, bottom, right, y_max, "latency (ms)")

    # A logarithmic x axis: the counts grow tenfold per point.
    low, high = math.log10(points[0]["todos"]), math.log10(points[-1]["todos"])
    span = high - low or 1.0

    def x_of(todos):
        if len(points) == 1:
            return (left + right) / 2
        return left + 40 + (right - left - 80) * (math.log10(todos) - low) / span

    def y_of(value):
        return bottom - (bottom - top) * value / y_max

    for point in points:
        svg.text(x_of(point["todos"]), bottom + 20, f"{point['todos']:,}", size=12, anchor="middle")
    svg.text((left + right) / 2, bottom + 44, "todos held by the user (log scale)", size=12, anchor="middle")

    for key, colour, label_offset in (("p99_ms", TARGET, -10), ("p50_ms", API, 18)):
        coordinates = [(x_of(p["todos"]), y_of(p[key])) for p in points]
        svg.polyline(coordinates, colour)
        for (x, y), point in zip(coordinates, points):
            svg.circle(x, y, 4, colour)
            svg.text(x, y + label_offset, fmt(point[key], " ms"), size=11, anchor="middle", weight="bold", fill=colour)

    svg.legend(left + 10, 74, [("p50", API, "box"), ("p99", TARGET, "box")])
    svg.save(out_dir / "scale.svg")


def read(path):
    if not path.is_file():
        print(f"skipped: no {path}")
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def main(argv):
    if len(argv) != 3:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    results, out_dir = Path(argv[1]), Path(argv[2])
    out_dir.mkdir(parents=True, exist_ok=True)
    load = read(results / "load.json")
    if load:
        throughput_chart(load, out_dir)
        p99_chart(load, out_dir)
    cold = read(results / "cold-start.json")
    if cold:
        cold_start_chart(cold, out_dir)
    scale = read(results / "scale.json")
    if scale:
        scale_chart(scale, out_dir)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
