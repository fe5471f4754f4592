#!/usr/bin/env python3
"""Generate the illustrative images of the Prensa demo magazine.

Every hero image and avatar under demo/media/ is drawn here from simple
shapes and gradients; nothing is downloaded or copied. Output is
deterministic: each image is seeded from its own file name, so running the
script twice gives the same pictures (for a given Pillow version).

    pip install pillow
    python3 demo/tools/make_images.py            # (re)generate everything
    python3 demo/tools/make_images.py --only harbour coast-in-retreat

The script reads the front matter of demo/articles/*.md and demo/authors/*.md
to learn which files are needed, so a new article only needs an `image = ...`
line; if its file name has no hand-made scene below, a generic abstract
composition is chosen from the name's hash.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import math
import random
import sys
import tomllib
from pathlib import Path

from PIL import Image, ImageChops, ImageDraw, ImageFilter, ImageFont

DEMO = Path(__file__).resolve().parent.parent
HERO_W, HERO_H = 1200, 675
SS = 2  # supersampling factor for smoother edges
W, H = HERO_W * SS, HERO_H * SS
HERO_QUALITY = 70
TARGET_KB = (16, 34)  # aim for hero files of this size
AVATAR_SIZE = 160


# ---------------------------------------------------------------- helpers

def rgb(h) -> tuple[int, int, int]:
    if not isinstance(h, str):
        return tuple(h)  # already an (r, g, b) tuple
    h = h.lstrip("#")
    return tuple(int(h[i : i + 2], 16) for i in (0, 2, 4))  # type: ignore[return-value]


def mix(a, b, t: float):
    a, b = (rgb(a) if isinstance(a, str) else a), (rgb(b) if isinstance(b, str) else b)
    return tuple(round(a[i] + (b[i] - a[i]) * t) for i in range(3))


def seed_for(name: str) -> int:
    return int.from_bytes(hashlib.sha256(name.encode("utf-8")).digest()[:8], "big")


def vgradient(w: int, h: int, stops: list) -> Image.Image:
    """Vertical gradient through evenly spaced colour stops."""
    col = Image.new("RGB", (1, h))
    px = col.load()
    n = len(stops) - 1
    for y in range(h):
        t = y / max(1, h - 1) * n
        i = min(int(t), n - 1)
        px[0, y] = mix(stops[i], stops[i + 1], t - i)
    return col.resize((w, h), Image.Resampling.BILINEAR)


def canvas(stops) -> Image.Image:
    return vgradient(W, H, stops)


def glow(img: Image.Image, cx, cy, r, color, strength=0.6):
    """Soft radial glow (for suns, lamps, beams of light)."""
    mask = Image.radial_gradient("L").resize((int(2 * r), int(2 * r)), Image.Resampling.BILINEAR)
    # radial_gradient is 0 at the centre and 181 at the middle of each edge
    mask = mask.point(lambda v: int(max(0.0, 1 - v / 181) ** 2 * 255 * strength))
    layer = Image.new("RGB", mask.size, rgb(color) if isinstance(color, str) else color)
    img.paste(layer, (int(cx - r), int(cy - r)), mask)


def overlay(img: Image.Image, fn, alpha: int):
    """Draw with `fn(draw)` on a transparent layer, composite at `alpha`."""
    layer = Image.new("L", img.size, 0)
    fn(ImageDraw.Draw(layer))
    layer = layer.point(lambda v: alpha if v else 0)
    return layer


def translucent(img: Image.Image, color, alpha: int, fn):
    mask = overlay(img, fn, alpha)
    img.paste(Image.new("RGB", img.size, rgb(color) if isinstance(color, str) else color), (0, 0), mask)


def ridge(rng: random.Random, base: float, amp: float, rough: float = 0.55, n: int = 7):
    """A horizon line by midpoint displacement; returns [(x, y), ...]."""
    pts = [base + rng.uniform(-amp, amp), base + rng.uniform(-amp, amp)]
    a = amp
    for _ in range(n):
        new = []
        for i in range(len(pts) - 1):
            new.append(pts[i])
            new.append((pts[i] + pts[i + 1]) / 2 + rng.uniform(-a, a))
        new.append(pts[-1])
        pts = new
        a *= rough
    step = W / (len(pts) - 1)
    return [(i * step, y) for i, y in enumerate(pts)]


def fill_below(d: ImageDraw.ImageDraw, line, color):
    d.polygon(line + [(W, H), (0, H)], fill=color)


def hills(img, rng, base, amp, colors, rough=0.55, spacing=None):
    d = ImageDraw.Draw(img)
    spacing = spacing if spacing is not None else (H - base) / (len(colors) + 1)
    lines = []
    for i, c in enumerate(colors):
        line = ridge(rng, base + i * spacing, amp * (1 + 0.25 * i), rough)
        fill_below(d, line, rgb(c) if isinstance(c, str) else c)
        lines.append(line)
    return lines


def y_at(line, x):
    step = line[1][0] - line[0][0]
    i = min(int(x / step), len(line) - 2)
    (x0, y0), (x1, y1) = line[i], line[i + 1]
    return y0 + (y1 - y0) * ((x - x0) / (x1 - x0))


def stars(img, rng, n, max_y, color="#fdf6e3"):
    d = ImageDraw.Draw(img)
    for _ in range(n):
        x, y = rng.uniform(0, W), rng.uniform(0, max_y)
        r = rng.choice([1, 1, 2, 2, 3])
        d.ellipse([x - r, y - r, x + r, y + r], fill=mix(color, "#8899cc", rng.random() * 0.4))


def sea(img, rng, top, colors, streaks=60, streak_color="#ffffff"):
    d = ImageDraw.Draw(img)
    d.rectangle([0, top, W, H], fill=rgb(colors[0]))
    g = vgradient(W, H - int(top), colors)
    img.paste(g, (0, int(top)))
    for _ in range(streaks):
        y = rng.uniform(top + 10, H)
        x = rng.uniform(-100, W)
        ln = rng.uniform(40, 260) * (0.5 + (y - top) / (H - top))
        c = mix(colors[-1], streak_color, rng.uniform(0.15, 0.45))
        d.line([x, y, x + ln, y], fill=c, width=rng.choice([2, 3, 4]))


def grain(img: Image.Image, seed: int, amount: float) -> Image.Image:
    """Monochrome film grain; also keeps the JPEGs from being suspiciously tiny."""
    rng = random.Random(seed ^ 0x5EED)
    w, h = img.size
    noise = Image.frombytes("L", (w, h), rng.randbytes(w * h))
    noise = noise.filter(ImageFilter.GaussianBlur(0.5))
    noise = noise.point(lambda v: max(0, min(255, round(128 + (v - 128) * amount))))
    return ImageChops.add(img, Image.merge("RGB", (noise, noise, noise)), scale=1.0, offset=-128)


# ------------------------------------------------------------ scene parts

def houses_row(img, rng, base_y, n, colors, roof, min_h=120, max_h=200, windows=None, lit=0.2):
    d = ImageDraw.Draw(img)
    x = rng.uniform(-60, 0)
    while x < W:
        w = rng.uniform(W / n * 0.8, W / n * 1.2)
        h = rng.uniform(min_h, max_h)
        c = rgb(rng.choice(colors))
        d.rectangle([x, base_y - h, x + w, base_y], fill=c)
        d.polygon([(x - 6, base_y - h), (x + w / 2, base_y - h - w * 0.35), (x + w + 6, base_y - h)], fill=rgb(roof))
        if windows:
            for wx in (x + w * 0.2, x + w * 0.6):
                for wy in (base_y - h * 0.75, base_y - h * 0.4):
                    col = windows[1] if rng.random() < lit else windows[0]
                    d.rectangle([wx, wy, wx + w * 0.2, wy + h * 0.18], fill=rgb(col))
        x += w + rng.uniform(4, 16)


def skyline(img, rng, base_y, colors, win_off, win_on, lit=0.25, min_h=200, max_h=620, min_w=90, max_w=220):
    d = ImageDraw.Draw(img)
    x = rng.uniform(-80, 0)
    while x < W:
        w = rng.uniform(min_w, max_w)
        h = rng.uniform(min_h, max_h)
        d.rectangle([x, base_y - h, x + w, base_y], fill=rgb(rng.choice(colors)))
        cols = max(2, int(w // 34))
        rows = max(3, int(h // 46))
        cw, rh = w / cols, h / rows
        for cx in range(cols):
            for ry in range(1, rows):
                col = win_on if rng.random() < lit else win_off
                wx, wy = x + cx * cw + cw * 0.3, base_y - h + ry * rh
                d.rectangle([wx, wy, wx + cw * 0.4, wy + rh * 0.45], fill=rgb(col))
        x += w + rng.uniform(0, 24)


def crowd(img, rng, base_y, rows, colors, skin, placards=None, scale=1.0):
    d = ImageDraw.Draw(img)
    for r in range(rows):
        y = base_y + r * 70 * scale
        s = (0.8 + r * 0.18) * scale
        x = rng.uniform(-40, 0)
        while x < W + 40:
            bw, hr = 56 * s, 19 * s
            body = rgb(rng.choice(colors))
            d.rounded_rectangle([x - bw / 2, y, x + bw / 2, y + 140 * s], radius=int(20 * s), fill=body)
            d.ellipse([x - hr, y - 2.4 * hr, x + hr, y - 0.2 * hr], fill=rgb(rng.choice(skin)))
            if placards and rng.random() < 0.35 and r == 0:
                px, py = x + rng.uniform(-20, 20), y - 190 * s
                d.line([x, y + 20 * s, px, py + 60 * s], fill=rgb("#5b4636"), width=int(5 * s))
                d.rectangle([px - 48 * s, py - 30 * s, px + 48 * s, py + 40 * s], fill=rgb(rng.choice(placards)))
            x += bw * rng.uniform(0.95, 1.3)


def tree_round(d, x, y, r, color, trunk):
    d.rectangle([x - r * 0.12, y, x + r * 0.12, y + r * 1.1], fill=rgb(trunk))
    d.ellipse([x - r, y - r * 1.4, x + r, y + r * 0.4], fill=rgb(color))


def turbine(d, x, base, h, color, angle):
    d.polygon([(x - 7, base), (x + 7, base), (x + 3, base - h), (x - 3, base - h)], fill=rgb(color))
    hx, hy = x, base - h
    blade = h * 0.45
    for k in range(3):
        a = angle + k * 2 * math.pi / 3
        ex, ey = hx + blade * math.cos(a), hy + blade * math.sin(a)
        nx, ny = -math.sin(a) * 7, math.cos(a) * 7
        d.polygon([(hx + nx, hy + ny), (ex, ey), (hx - nx, hy - ny)], fill=rgb(color))
    d.ellipse([hx - 9, hy - 9, hx + 9, hy + 9], fill=rgb(color))


def crane(d, x, base, h, color):
    d.rectangle([x, base - h, x + 22, base], fill=rgb(color))
    d.rectangle([x + 120, base - h, x + 142, base], fill=rgb(color))
    d.rectangle([x - 40, base - h - 30, x + 420, base - h], fill=rgb(color))
    d.polygon([(x + 60, base - h - 30), (x + 90, base - h - 120), (x + 120, base - h - 30)], fill=rgb(color))
    d.line([x + 90, base - h - 120, x + 420, base - h - 30], fill=rgb(color), width=6)
    d.line([x + 90, base - h - 120, x - 40, base - h - 30], fill=rgb(color), width=6)
    d.line([x + 300, base - h, x + 300, base - h * 0.45], fill=rgb(color), width=4)
    d.rectangle([x + 280, base - h * 0.45, x + 320, base - h * 0.4], fill=rgb(color))
    for k in range(5):  # lattice on the legs
        y0 = base - h + k * h / 5
        d.line([x, y0, x + 142, y0 + h / 5], fill=rgb(color), width=5)


def bunting(d, rng, y0, sag, colors):
    pts = [(x, y0 + sag * math.sin(math.pi * x / W)) for x in range(0, W + 1, 10)]
    d.line(pts, fill=rgb("#3a3a3a"), width=4)
    x = 20
    while x < W:
        y = y0 + sag * math.sin(math.pi * x / W)
        d.polygon([(x, y), (x + 60, y), (x + 30, y + 80)], fill=rgb(rng.choice(colors)))
        x += 90


# ------------------------------------------------------------ scenes
# Each scene takes a seeded Random and returns a W x H RGB image.

def s_warehouse(rng):
    img = canvas(["#0d0f1a", "#1a1d2e", "#2a1e14"])
    d = ImageDraw.Draw(img)
    vx, vy = W * 0.52, H * 0.46
    for side in (-1, 1):
        for k in range(9):
            t0, t1 = k / 9, (k + 0.8) / 9
            x0 = vx + side * (W * 0.6) * (1 - t0)
            x1 = vx + side * (W * 0.6) * (1 - t1)
            top0, top1 = vy - (H * 0.75) * (1 - t0), vy - (H * 0.75) * (1 - t1)
            bot0, bot1 = vy + (H * 0.6) * (1 - t0), vy + (H * 0.6) * (1 - t1)
            c = mix("#e0962f", "#2b1c10", t0 * 0.9)
            d.polygon([(x0, top0), (x1, top1), (x1, bot1), (x0, bot0)], fill=c)
            for s in range(1, 6):
                yy0 = top0 + (bot0 - top0) * s / 6
                yy1 = top1 + (bot1 - top1) * s / 6
                d.line([x0, yy0, x1, yy1], fill=mix(c, "#000000", 0.5), width=6)
    d.polygon([(vx - 40, vy - 6), (vx + 40, vy - 6), (W * 0.9, 0), (W * 0.1, 0)], fill=rgb("#1c2740"))
    translucent(img, "#7fb7ff", 90, lambda dd: dd.rectangle([0, H * 0.08, W, H * 0.13], fill=255))
    glow(img, vx, vy, 260, "#ffd38a", 0.5)
    return img


def s_harbour(rng):
    img = canvas(["#2b1b3d", "#a8465a", "#f29e4c", "#f7c873"])
    glow(img, W * 0.7, H * 0.6, 360, "#fff2c4", 0.8)
    d = ImageDraw.Draw(img)
    d.ellipse([W * 0.7 - 90, H * 0.6 - 90, W * 0.7 + 90, H * 0.6 + 90], fill=rgb("#ffe3a3"))
    sea(img, rng, H * 0.68, ["#d9824a", "#5a2f47", "#24152e"], streaks=90, streak_color="#ffd49a")
    d = ImageDraw.Draw(img)
    d.rectangle([0, H * 0.66, W, H * 0.70], fill=rgb("#2a1726"))
    for x, h in ((W * 0.06, 380), (W * 0.38, 460), (W * 0.72, 330)):
        crane(d, x, H * 0.67, h, "#23142a")
    return img


def s_river(rng):
    img = canvas(["#9aa5ad", "#c9cfc8", "#dfe3d3"])
    d = ImageDraw.Draw(img)
    hills(img, rng, H * 0.32, 30, ["#a9b99a", "#93aa7f", "#7d9a68"], rough=0.5, spacing=60)
    d.rectangle([0, H * 0.5, W, H], fill=rgb("#c4d1a2"))
    for k in range(14):  # field strips
        y = H * 0.5 + k * 48
        d.line([0, y, W, y + rng.uniform(-30, 30)], fill=rgb("#adbd8a"), width=5)
    for band, col in ((150, "#2f6f8a"), (110, "#3d8aa3"), (70, "#66b1c0"), (30, "#9ed3d6")):
        pts = []
        for i in range(0, 121):
            t = i / 120
            x = W * t
            y = H * 0.62 + 170 * math.sin(t * 2.3 * math.pi + 0.6) * (0.6 + 0.4 * t)
            pts.append((x, y))
        d.line(pts, fill=rgb(col), width=band, joint="curve")
    translucent(img, "#6fb6c9", 110, lambda dd: dd.ellipse([W * 0.15, H * 0.58, W * 0.5, H * 0.95], fill=255))
    return img


def s_bauhaus(palette, bg, cell=270):
    def scene(rng):
        img = Image.new("RGB", (W, H), rgb(bg))
        d = ImageDraw.Draw(img)
        cols, rows = math.ceil(W / cell), math.ceil(H / cell)
        ox, oy = (W - cols * cell) / 2, (H - rows * cell) / 2
        for r in range(rows):
            for c in range(cols):
                x, y = ox + c * cell, oy + r * cell
                col = rgb(rng.choice(palette))
                col2 = rgb(rng.choice(palette))
                kind = rng.randrange(7)
                box = [x + 12, y + 12, x + cell - 12, y + cell - 12]
                if kind == 0:
                    d.ellipse(box, fill=col)
                elif kind == 1:
                    d.pieslice([x + 12, y + 12, x + cell - 12, y + 2 * cell - 36], 180, 360, fill=col)
                elif kind == 2:
                    corner = rng.randrange(4)
                    cx, cy = (x + 12, x + cell - 12)[corner % 2], (y + 12, y + cell - 12)[corner // 2]
                    R = cell - 24
                    start = (0, 90, 270, 180)[corner]
                    d.pieslice([cx - R, cy - R, cx + R, cy + R], start, start + 90, fill=col)
                elif kind == 3:
                    d.polygon([(x + 12, y + cell - 12), (x + cell / 2, y + 12), (x + cell - 12, y + cell - 12)], fill=col)
                elif kind == 4:
                    d.rectangle(box, fill=col)
                    d.ellipse([x + cell * 0.3, y + cell * 0.3, x + cell * 0.7, y + cell * 0.7], fill=col2)
                elif kind == 5:
                    for k in range(3):
                        sy = y + 12 + k * (cell - 24) / 3
                        d.rectangle([x + 12, sy, x + cell - 12, sy + (cell - 24) / 6], fill=col)
                else:
                    d.ellipse([x + cell * 0.35, y + cell * 0.35, x + cell * 0.65, y + cell * 0.65], fill=col)
        return img
    return scene


def s_circles(rng):
    img = canvas(["#141b33", "#1e2a4d"])
    for (cx, cy, col) in ((W * 0.36, H * 0.48, "#d8413b"), (W * 0.52, H * 0.55, "#3aa46b"), (W * 0.66, H * 0.44, "#f2c230")):
        r = 420
        translucent(img, col, 170, lambda dd, cx=cx, cy=cy, r=r: dd.ellipse([cx - r, cy - r, cx + r, cy + r], fill=255))
    d = ImageDraw.Draw(img)
    for k in range(40):
        y = H * 0.1 + k * 30
        d.line([W * 0.9, y, W, y - 60], fill=rgb("#2b3a66"), width=4)
    return img


def s_books(rng):
    img = canvas(["#f1e8d6", "#e6d8bd"])
    d = ImageDraw.Draw(img)
    colors = ["#b5482e", "#2f6f73", "#d9a441", "#3b3a48", "#8c9a6b", "#c76d4f", "#e9dcc0"]
    for stack_x in (W * 0.12, W * 0.42, W * 0.70):
        y = H * 0.92
        while y > H * 0.15:
            h = rng.uniform(38, 80)
            w = rng.uniform(380, 560)
            x = stack_x + rng.uniform(-30, 30)
            d.rectangle([x, y - h, x + w, y], fill=rgb(rng.choice(colors)))
            d.rectangle([x + 20, y - h * 0.65, x + 140, y - h * 0.4], fill=rgb("#f5efe0"))
            y -= h + 4
    d.rectangle([0, H * 0.92, W, H], fill=rgb("#6b4b35"))
    return img


def s_salt(rng):
    img = canvas(["#103d8c", "#2f6fc7", "#a9cdf2"])
    hills(img, rng, H * 0.46, 70, ["#8b7bbf", "#6b5aa0"], rough=0.5, spacing=30)
    d = ImageDraw.Draw(img)
    d.rectangle([0, H * 0.56, W, H], fill=rgb("#f4f6f8"))
    g = vgradient(W, int(H * 0.44), ["#e8eef4", "#ffffff"])
    img.paste(g, (0, int(H * 0.56)))
    for _ in range(70):  # salt polygons
        x, y = rng.uniform(0, W), rng.uniform(H * 0.6, H)
        s = 40 + (y - H * 0.6) * 0.35
        pts = [(x + s * math.cos(a) * rng.uniform(0.7, 1.1), y + s * 0.35 * math.sin(a)) for a in [k * math.pi / 3 for k in range(6)]]
        d.polygon(pts, outline=rgb("#cdd7e2"))
        d.line(pts + [pts[0]], fill=rgb("#cdd7e2"), width=3)
    for i in range(3):  # evaporation ponds
        x0 = W * (0.1 + i * 0.12)
        d.rectangle([x0, H * 0.58, x0 + W * 0.1, H * 0.62], fill=rgb(("#7fd1c7", "#5fc1d8", "#b9e3c6")[i]))
    glow(img, W * 0.8, H * 0.12, 200, "#ffffff", 0.9)
    return img


def s_city_evening(sky, blocks, win_off, win_on, lit):
    def scene(rng):
        img = canvas(sky)
        glow(img, W * 0.25, H * 0.25, 300, sky[-1], 0.4)
        skyline(img, rng, H * 1.0, blocks, win_off, win_on, lit=lit, min_h=380, max_h=1000, min_w=180, max_w=330)
        return img
    return scene


def s_cinema(rng):
    img = canvas(["#1a0608", "#3a0b10", "#14040a"])
    d = ImageDraw.Draw(img)
    for r in range(6):  # seats
        y = H * 0.62 + r * 80
        for k in range(28):
            x = k * (W / 27) + (r % 2) * 40 - 40
            d.rounded_rectangle([x, y, x + 70, y + 110], radius=26, fill=mix("#5a1018", "#200407", r / 6))
    translucent(img, "#ffe3a8", 70, lambda dd: dd.polygon([(W * 0.92, H * 0.08), (W * 0.95, H * 0.12), (W * 0.05, H * 0.55), (0, H * 0.3)], fill=255))
    translucent(img, "#fff4d6", 90, lambda dd: dd.polygon([(W * 0.92, H * 0.08), (W * 0.95, H * 0.11), (W * 0.2, H * 0.42), (W * 0.12, H * 0.3)], fill=255))
    glow(img, W * 0.93, H * 0.1, 160, "#fff2c0", 0.95)
    d = ImageDraw.Draw(img)
    d.rectangle([W * 0.02, H * 0.05, W * 0.06, H * 0.6], fill=rgb("#6d1520"))
    for k in range(8):
        d.line([W * 0.02 + k * 12, H * 0.05, W * 0.02 + k * 12, H * 0.6], fill=rgb("#4a0c14"), width=4)
    return img


def s_rings(palette, bg):
    def scene(rng):
        img = Image.new("RGB", (W, H), rgb(bg))
        d = ImageDraw.Draw(img)
        cx, cy = W * rng.uniform(0.4, 0.6), H * rng.uniform(0.4, 0.6)
        r = math.hypot(W, H)
        i = 0
        while r > 20:
            d.ellipse([cx - r, cy - r, cx + r, cy + r], fill=rgb(palette[i % len(palette)]))
            r -= rng.uniform(50, 120)
            i += 1
        return img
    return scene


def s_heatpump(rng):
    img = canvas(["#f7d9a8", "#f2b880", "#e39b6b"])
    d = ImageDraw.Draw(img)
    d.ellipse([W * 0.72, H * 0.1, W * 0.72 + 260, H * 0.1 + 260], fill=rgb("#f26b38"))
    for k in range(5):  # air currents
        y = H * 0.18 + k * 70
        pts = [(x, y + 26 * math.sin(x / 140 + k)) for x in range(0, W, 12)]
        d.line(pts, fill=rgb("#bfe3ec"), width=10)
    houses_row(img, rng, H * 0.98, 6, ["#c98a4b", "#b9773c", "#d89c5c", "#a96a35"], "#7a3f24", min_h=420, max_h=520,
               windows=("#6b4b3a", "#ffd98a"), lit=0.5)
    d = ImageDraw.Draw(img)
    for x in (W * 0.18, W * 0.52, W * 0.84):  # heat pump units
        d.rectangle([x, H * 0.82, x + 120, H * 0.92], fill=rgb("#eef2f2"))
        d.ellipse([x + 30, H * 0.83, x + 90, H * 0.91], fill=rgb("#9fb2b5"))
    return img


def s_rays(colors, bg):
    def scene(rng):
        img = Image.new("RGB", (W, H), rgb(bg))
        d = ImageDraw.Draw(img)
        ox, oy = W * 0.08, H * 1.05
        n = 22
        for k in range(n):
            if k % 2:
                continue
            a0 = -math.pi / 2 - 0.2 + k * (math.pi * 0.75 / n)
            a1 = a0 + math.pi * 0.75 / n
            R = 4000
            d.polygon([(ox, oy), (ox + R * math.cos(a0 + math.pi / 2 - 0.9), oy - R * math.sin(a0 + math.pi / 2 + 0.9)),
                       (ox + R * math.cos(a1 + math.pi / 2 - 0.9), oy - R * math.sin(a1 + math.pi / 2 + 0.9))], fill=rgb(colors[0]))
        d.ellipse([ox - 260, oy - 260, ox + 260, oy + 260], fill=rgb(colors[1]))
        d.polygon([(W * 0.55, H * 0.0), (W * 0.68, 0), (W * 0.42, H), (W * 0.29, H)], fill=rgb(colors[1]))
        d.rectangle([W * 0.62, H * 0.58, W * 0.95, H * 0.66], fill=rgb(colors[1]))
        d.rectangle([W * 0.62, H * 0.70, W * 0.85, H * 0.74], fill=rgb(colors[0]))
        d.ellipse([W * 0.78, H * 0.12, W * 0.78 + 240, H * 0.12 + 240], outline=rgb(colors[1]), width=24)
        return img
    return scene


def s_radio(rng):
    img = canvas(["#2a1f4f", "#7c4f8a", "#f0a27a", "#f6d39a"])
    glow(img, W * 0.3, H * 0.55, 330, "#fff0c0", 0.7)
    lines = hills(img, rng, H * 0.48, 80, ["#6a4c8a", "#4c6e5d", "#3b5a44", "#2c4433"], rough=0.55, spacing=70)
    d = ImageDraw.Draw(img)
    mx = W * 0.7
    my = y_at(lines[1], mx)
    d.line([mx - 50, my, mx, my - 420], fill=rgb("#1d1b2a"), width=8)
    d.line([mx + 50, my, mx, my - 420], fill=rgb("#1d1b2a"), width=8)
    for k in range(1, 8):
        y = my - k * 55
        d.line([mx - 50 * (1 - k / 8), y, mx + 50 * (1 - k / 8), y], fill=rgb("#1d1b2a"), width=5)
    for k in range(1, 5):
        r = k * 70
        d.arc([mx - r, my - 420 - r, mx + r, my - 420 + r], 200, 340, fill=rgb("#ffe1b0"), width=8)
    d.ellipse([mx - 12, my - 432, mx + 12, my - 408], fill=rgb("#ff4d4d"))
    d.rectangle([mx + 90, my - 60, mx + 260, my + 10], fill=rgb("#c98a5f"))
    d.polygon([(mx + 80, my - 60), (mx + 175, my - 110), (mx + 270, my - 60)], fill=rgb("#8a4b36"))
    return img


def s_fence(rng):
    img = canvas(["#f3f1ea", "#e8dcc3", "#d8c39d"])
    hills(img, rng, H * 0.6, 30, ["#cbb189", "#bd9f73"], rough=0.4, spacing=90)
    d = ImageDraw.Draw(img)
    top = H * 0.18
    for k in range(0, 42):
        x = k * (W / 40)
        d.line([x, top + 20 * math.sin(k / 9), x, H * 0.86], fill=rgb("#5d6670"), width=5)
    d.line([0, top + 10, W, top + 10], fill=rgb("#3e454d"), width=12)
    d.line([0, H * 0.5, W, H * 0.5], fill=rgb("#3e454d"), width=10)
    for k in range(0, W, 110):  # razor wire
        d.ellipse([k, top - 40, k + 60, top + 20], outline=rgb("#6d757d"), width=4)
    for x in (W * 0.2, W * 0.75):
        d.rectangle([x, H * 0.05, x + 40, H * 0.86], fill=rgb("#3e454d"))
        d.rectangle([x - 40, H * 0.03, x + 80, H * 0.09], fill=rgb("#3e454d"))
    return img


def s_picket_songs(rng):
    img = canvas(["#fbe9d0", "#f6d2a8"])
    d = ImageDraw.Draw(img)
    for k in range(3):
        y0 = H * 0.12 + k * 90
        for l in range(5):
            pts = [(x, y0 + l * 14 + 40 * math.sin(x / 300 + k)) for x in range(0, W + 20, 20)]
            d.line(pts, fill=rgb("#c0392b") if k != 1 else rgb("#d4a017"), width=3)
        for n in range(9):
            x = rng.uniform(60, W - 60)
            y = y0 + rng.randrange(5) * 14 + 40 * math.sin(x / 300 + k)
            d.ellipse([x - 16, y - 12, x + 16, y + 12], fill=rgb("#2b2b2b"))
            d.line([x + 14, y, x + 14, y - 80], fill=rgb("#2b2b2b"), width=5)
    crowd(img, rng, H * 0.68, 3, ["#c0392b", "#d4a017", "#7a2b2b", "#e07b39", "#3b3b3b"], ["#f0c8a0", "#c68a5a", "#8d5a3b", "#5a3a28"])
    return img


def s_may_day(rng):
    return s_rays(["#c1272d", "#161616"], "#f3e6cc")(rng)


def s_orchard(rng):
    img = canvas(["#5a2a1a", "#c4532b", "#f2a54a", "#f7d38a"])
    glow(img, W * 0.5, H * 0.32, 300, "#ffe3a0", 0.6)
    d = ImageDraw.Draw(img)
    d.ellipse([W * 0.5 - 70, H * 0.32 - 70, W * 0.5 + 70, H * 0.32 + 70], fill=rgb("#e0401f"))
    translucent(img, "#6b5a55", 90, lambda dd: dd.ellipse([W * 0.55, -H * 0.3, W * 1.4, H * 0.45], fill=255))
    lines = hills(img, rng, H * 0.45, 60, ["#8a6a3b", "#6f6a30", "#56602a", "#3f4d22"], rough=0.5, spacing=95)
    d = ImageDraw.Draw(img)
    for li, line in enumerate(lines[1:], start=1):
        r = 16 + li * 7
        x = rng.uniform(0, 40)
        while x < W:
            y = y_at(line, x) + r * 1.8
            tree_round(d, x, y, r, mix("#5e7a2c", "#2e4216", li / 4), "#3b2a1a")
            x += r * 2.8
    return img


def s_taxi(rng):
    img = canvas(["#070b1e", "#13204a", "#1c2e5e"])
    skyline(img, rng, H * 0.72, ["#0f1733", "#141f40", "#0b1228"], "#1a2547", "#f5c65c", lit=0.18, min_h=200, max_h=600)
    d = ImageDraw.Draw(img)
    d.rectangle([0, H * 0.72, W, H], fill=rgb("#10131c"))
    for k in range(12):
        x = k * 220 - 40
        d.rectangle([x, H * 0.85, x + 120, H * 0.87], fill=rgb("#c9b46b"))
    d.rounded_rectangle([W * 0.22, H * 0.46, W * 0.78, H * 0.82], radius=80, fill=rgb("#f2c230"))
    d.rounded_rectangle([W * 0.30, H * 0.36, W * 0.68, H * 0.52], radius=60, fill=rgb("#e0ae1f"))
    d.rectangle([W * 0.33, H * 0.39, W * 0.48, H * 0.5], fill=rgb("#1d2c4d"))
    d.rectangle([W * 0.50, H * 0.39, W * 0.65, H * 0.5], fill=rgb("#1d2c4d"))
    for i in range(4):  # exercise books on the seat
        d.rectangle([W * 0.52 + i * 6, H * 0.45 - i * 12, W * 0.62 + i * 6, H * 0.47 - i * 12], fill=rgb(("#e94f37", "#3f88c5", "#f6f7eb", "#44bba4")[i]))
    d.rounded_rectangle([W * 0.43, H * 0.28, W * 0.56, H * 0.36], radius=16, fill=rgb("#ffe680"))
    glow(img, W * 0.495, H * 0.32, 200, "#fff0a0", 0.5)
    for x in (W * 0.3, W * 0.65):
        d.ellipse([x - 70, H * 0.74, x + 70, H * 0.9], fill=rgb("#141414"))
    return img


def s_coffee(rng):
    img = canvas(["#bfe6ef", "#e6f4f1"])
    d = ImageDraw.Draw(img)
    d.rectangle([0, H * 0.72, W, H], fill=rgb("#2aa6a1"))
    sea(img, rng, H * 0.72, ["#5cc7c0", "#1f8c9a"], streaks=40)
    lines = hills(img, rng, H * 0.2, 90, ["#6fae5a", "#4f9448", "#3a7a3a"], rough=0.5, spacing=110)
    d = ImageDraw.Draw(img)
    for li, line in enumerate(lines):
        for k in range(1, 9):
            off = k * 26
            pts = [(x, y + off) for x, y in line]
            d.line(pts, fill=mix("#2f6a2c", "#1e4b1f", li / 3), width=6)
    for li, line in enumerate(lines):  # fade each ridge at the coast
        pass
    d.polygon([(0, H * 0.72), (W, H * 0.72), (W, H * 0.78), (0, H * 0.8)], fill=rgb("#e7d8a8"))
    sea(img, rng, H * 0.78, ["#4fc0ba", "#17808f"], streaks=50)
    return img


def s_town_hall(rng):
    img = canvas(["#cfe3ea", "#eef3e6"])
    houses_row(img, rng, H * 1.0, 12, ["#6aa0b8", "#8fbf8f", "#4f8a6a", "#a9c6d6"], "#3f6f84", min_h=160, max_h=260)
    d = ImageDraw.Draw(img)
    cx = W * 0.5
    d.rectangle([cx - 420, H * 0.45, cx + 420, H * 0.92], fill=rgb("#b5523b"))
    d.rectangle([cx - 110, H * 0.12, cx + 110, H * 0.45], fill=rgb("#a2432f"))
    d.polygon([(cx - 130, H * 0.12), (cx, H * 0.0), (cx + 130, H * 0.12)], fill=rgb("#6e2a1e"))
    d.ellipse([cx - 70, H * 0.18, cx + 70, H * 0.18 + 140], fill=rgb("#f4ead8"))
    d.line([cx, H * 0.18 + 70, cx, H * 0.18 + 20], fill=rgb("#333333"), width=8)
    d.line([cx, H * 0.18 + 70, cx + 40, H * 0.18 + 70], fill=rgb("#333333"), width=8)
    for k in range(7):
        x = cx - 380 + k * 115
        d.rounded_rectangle([x, H * 0.52, x + 70, H * 0.7], radius=30, fill=rgb("#f1d9a7"))
    d.rectangle([cx - 80, H * 0.74, cx + 80, H * 0.92], fill=rgb("#5a2419"))
    houses_row(img, rng, H * 1.04, 8, ["#7fb3c7", "#9fcca0", "#5f9a7a"], "#2f5f74", min_h=90, max_h=150)
    return img


def s_squares(rng):
    img = Image.new("RGB", (W, H), rgb("#1e2530"))
    d = ImageDraw.Draw(img)
    s = 135
    for y in range(0, H, s):
        for x in range(0, W, s):
            r = rng.random()
            if r < 0.05:
                c = "#e24a3b"
            elif r < 0.45:
                c = "#d9dde2"
            elif r < 0.7:
                c = "#8d98a6"
            else:
                c = "#3b4656"
            d.rectangle([x + 6, y + 6, x + s - 6, y + s - 6], fill=rgb(c))
    translucent(img, "#1e2530", 150, lambda dd: dd.rectangle([0, 0, W * 0.3, H], fill=255))
    return img


def s_wind(rng):
    img = canvas(["#9cc8e6", "#dbeef7", "#f5f9f7"])
    d = ImageDraw.Draw(img)
    for _ in range(8):
        x, y = rng.uniform(0, W), rng.uniform(40, H * 0.3)
        d.rounded_rectangle([x, y, x + rng.uniform(200, 500), y + 26], radius=13, fill=rgb("#ffffff"))
    lines = hills(img, rng, H * 0.55, 70, ["#86b36a", "#5f9a4e", "#3f7a3c"], rough=0.5, spacing=90)
    d = ImageDraw.Draw(img)
    x = 120
    while x < W:
        base = y_at(lines[0], x) + 10
        turbine(d, x, base, rng.uniform(300, 420), "#f7f9fa", rng.uniform(0, 2 * math.pi))
        x += rng.uniform(230, 330)
    return img


def s_bars(rng):
    img = Image.new("RGB", (W, H), rgb("#f3ecd9"))
    d = ImageDraw.Draw(img)
    for k in range(1, 8):
        y = H - k * 160
        d.line([0, y, W, y], fill=rgb("#ded4bb"), width=4)
    n = 14
    bw = W / n
    h = 160
    for i in range(n):
        h += rng.uniform(20, 140)
        c = "#1f5f4a" if i % 3 else "#d2a437"
        d.rectangle([i * bw + 18, H - h, (i + 1) * bw - 18, H], fill=rgb(c))
        d.rectangle([i * bw + 18, H - h, (i + 1) * bw - 18, H - h + 22], fill=rgb("#d2a437" if i % 3 else "#1f5f4a"))
    d.line([0, H - 30, W, H - 30], fill=rgb("#2b2b2b"), width=6)
    return img


def s_hill_city(rng):
    img = canvas(["#4b3b7a", "#d9707a", "#f6b26b", "#fde2a8"])
    glow(img, W * 0.8, H * 0.3, 300, "#ffe9b0", 0.6)
    d = ImageDraw.Draw(img)
    colors = ["#f4a6a0", "#f7d08a", "#9fd3c7", "#c7a2d8", "#f2f0e6", "#e88b6e", "#a7c8e8"]
    for row in range(9):
        y = H * 0.38 + row * 95
        x = rng.uniform(-80, 0) + (row % 2) * 40
        while x < W:
            w = rng.uniform(90, 170)
            h = rng.uniform(90, 150)
            c = rgb(rng.choice(colors))
            c = mix(c, "#3a2a4a", max(0, 0.35 - row * 0.04))
            d.rectangle([x, y - h, x + w, y + 100], fill=c)
            d.rectangle([x + w * 0.3, y - h * 0.6, x + w * 0.5, y - h * 0.3], fill=rgb("#3b3050"))
            x += w + rng.uniform(0, 10)
        if row == 1:
            cx = W * 0.48
            d.rectangle([cx - 90, y - 200, cx + 90, y], fill=rgb("#efe2c8"))
            d.pieslice([cx - 110, y - 330, cx + 110, y - 110], 180, 360, fill=rgb("#6fa3a0"))
            d.rectangle([cx - 6, y - 380, cx + 6, y - 310], fill=rgb("#efe2c8"))
    return img


def s_factory(rng):
    img = canvas(["#8b9a8f", "#b4bfae", "#d3d2bd"])
    d = ImageDraw.Draw(img)
    base = H * 0.9
    d.rectangle([W * 0.05, H * 0.45, W * 0.95, base], fill=rgb("#8a3d26"))
    n = 9
    tw = (W * 0.9) / n
    for k in range(n):
        x = W * 0.05 + k * tw
        d.polygon([(x, H * 0.45), (x, H * 0.28), (x + tw, H * 0.45)], fill=rgb("#6e2f1f"))
        d.polygon([(x + 6, H * 0.44), (x + 6, H * 0.31), (x + tw * 0.28, H * 0.38), (x + tw * 0.28, H * 0.44)], fill=rgb("#c8d3cf"))
    for r in range(3):
        for k in range(14):
            x = W * 0.08 + k * (W * 0.86 / 14)
            d.rounded_rectangle([x, H * 0.52 + r * 110, x + 70, H * 0.52 + r * 110 + 80], radius=30, fill=rgb("#3a2a24"))
    d.rectangle([W * 0.78, H * 0.02, W * 0.83, H * 0.45], fill=rgb("#7a3522"))
    for k in range(12):
        d.line([W * 0.78, H * 0.05 + k * 30, W * 0.83, H * 0.05 + k * 30], fill=rgb("#6a2d1c"), width=3)
    d.rectangle([0, base, W, H], fill=rgb("#4d4a3c"))
    return img


def s_night_train(rng):
    img = canvas(["#050818", "#0e1a3e", "#263b6b"])
    stars(img, rng, 260, H * 0.55)
    lines = hills(img, rng, H * 0.38, 100, ["#5d6f96", "#d9e2f0"], rough=0.55, spacing=120)
    d = ImageDraw.Draw(img)
    line = lines[0]
    for i in range(len(line) - 1):  # snow caps
        x, y = line[i]
        if y < H * 0.4:
            d.polygon([(x, y), (x + 30, y + 40), (x - 30, y + 40)], fill=rgb("#e9eef7"))
    d.rectangle([0, H * 0.7, W, H], fill=rgb("#c7d3e6"))
    d.line([0, H * 0.74, W, H * 0.74], fill=rgb("#4a5878"), width=8)
    x = W * 0.05
    for car in range(5):
        d.rounded_rectangle([x, H * 0.55, x + 430, H * 0.73], radius=24, fill=rgb("#16275a"))
        for k in range(7):
            wx = x + 30 + k * 56
            d.rectangle([wx, H * 0.6, wx + 36, H * 0.66], fill=rgb("#ffd166"))
        x += 445
    glow(img, W * 0.5, H * 0.63, 900, "#ffd166", 0.12)
    return img


def s_dawn_window(rng):
    img = canvas(["#0f1630", "#3a3f6a", "#c98a7a"])
    d = ImageDraw.Draw(img)
    y0 = H * 0.22
    d.rectangle([0, y0, W, H * 0.82], fill=rgb("#1a1c2b"))
    for k in range(7):
        x = k * (W / 6.5)
        d.polygon([(x, y0), (x + W / 13, y0 - 90), (x + W / 6.5, y0)], fill=rgb("#15172a"))
        d.rectangle([x + 40, y0 - 130, x + 80, y0 - 40], fill=rgb("#15172a"))
        for wx in (x + 60, x + 210):
            for wy in (y0 + 70, y0 + 330):
                lit = (k == 3 and wx == x + 210 and wy == y0 + 330)
                d.rectangle([wx, wy, wx + 100, wy + 150], fill=rgb("#ffcf7a" if lit else "#262a40"))
        d.rectangle([x + 190, y0 + 560, x + 270, H * 0.82], fill=rgb("#23263a"))
    lx = 3 * (W / 6.5) + 260
    glow(img, lx, y0 + 405, 260, "#ffcf7a", 0.45)
    d.rectangle([0, H * 0.82, W, H], fill=rgb("#2b2d3d"))
    fx = W * 0.62
    d.ellipse([fx - 20, H * 0.70, fx + 20, H * 0.74], fill=rgb("#0b0c14"))
    d.rounded_rectangle([fx - 30, H * 0.74, fx + 30, H * 0.86], radius=14, fill=rgb("#0b0c14"))
    translucent(img, "#000000", 120, lambda dd: dd.polygon([(fx - 30, H * 0.86), (fx + 30, H * 0.86), (fx + 420, H * 0.97), (fx + 300, H * 0.98)], fill=255))
    glow(img, W * 0.05, H * 0.5, 200, "#fff1c2", 0.35)
    return img


def s_poplars(rng):
    img = canvas(["#f6d58e", "#f3b868", "#e69a52"])
    glow(img, W * 0.08, H * 0.35, 420, "#fff3c4", 0.8)
    d = ImageDraw.Draw(img)
    horizon = H * 0.5
    d.rectangle([0, horizon, W, H], fill=rgb("#d9a441"))
    for k in range(16):
        y = horizon + k * k * 3.2
        d.line([0, y, W, y], fill=rgb("#c98f35"), width=3)
    trees = [W * (0.25 + k * 0.075) for k in range(10)]
    for x in trees:  # long shadows first
        translucent(img, "#6b4a1f", 140, lambda dd, x=x: dd.polygon([(x - 14, horizon + 10), (x + 14, horizon + 10), (x + 900, H * 1.1), (x + 780, H * 1.1)], fill=255))
    d = ImageDraw.Draw(img)
    for x in trees:
        h = rng.uniform(330, 420)
        d.rectangle([x - 6, horizon - 30, x + 6, horizon + 12], fill=rgb("#4a3418"))
        d.ellipse([x - 34, horizon - h, x + 34, horizon - 10], fill=rgb("#4f5a24"))
        d.ellipse([x - 20, horizon - h + 10, x + 8, horizon - 60], fill=rgb("#6b7634"))
    return img


def s_nurses(rng):
    img = canvas(["#d7e6f0", "#f3f1ea"])
    d = ImageDraw.Draw(img)
    d.rectangle([W * 0.1, H * 0.05, W * 0.9, H * 0.8], fill=rgb("#e8e3d6"))
    for r in range(4):
        for k in range(10):
            x = W * 0.13 + k * (W * 0.76 / 10)
            d.rectangle([x, H * 0.1 + r * 130, x + 120, H * 0.1 + r * 130 + 80], fill=rgb("#a9c4d4"))
    d.rectangle([W * 0.42, H * 0.05, W * 0.58, H * 0.13], fill=rgb("#c0392b"))
    d.rectangle([W * 0.497, H * 0.065, W * 0.503, H * 0.115], fill=rgb("#ffffff"))
    d.rectangle([W * 0.485, H * 0.085, W * 0.515, H * 0.095], fill=rgb("#ffffff"))
    crowd(img, rng, H * 0.74, 2, ["#2e5c8a", "#3f7cb3", "#f4f6f8", "#1f3f66", "#5a8fc2"], ["#f0c8a0", "#c68a5a", "#8d5a3b", "#5a3a28"],
          placards=["#ffffff", "#f4d35e", "#ffffff"], scale=1.15)
    return img


def s_bus(rng):
    img = canvas(["#ffb38a", "#ffd6a5"])
    skyline(img, rng, H * 0.82, ["#e86a5c", "#f28f6b", "#d9577a", "#f4a261"], "#b84a4a", "#fff1c1", lit=0.3, min_h=300, max_h=900, min_w=180, max_w=300)
    d = ImageDraw.Draw(img)
    d.rectangle([0, H * 0.82, W, H], fill=rgb("#3b3340"))
    bx0, bx1, by0, by1 = W * 0.12, W * 0.88, H * 0.45, H * 0.86
    d.rounded_rectangle([bx0, by0, bx1, by1], radius=50, fill=rgb("#d62828"))
    for k in range(int((bx1 - bx0 - 300) // 240)):
        x = bx0 + 60 + k * 240
        d.rounded_rectangle([x, by0 + 40, x + 200, by0 + 200], radius=16, fill=rgb("#233d4d"))
    d.rectangle([bx0, by0 + 240, bx1, by0 + 270], fill=rgb("#f6f0e4"))
    d.rectangle([bx1 - 200, by0 + 40, bx1 - 40, by1 - 40], fill=rgb("#233d4d"))
    font = load_font(90)
    d.text((bx0 + 60, by0 + 290), "41", font=font, fill=rgb("#f6f0e4"))
    for x in (bx0 + 300, bx1 - 360):
        d.ellipse([x - 80, by1 - 80, x + 80, by1 + 80], fill=rgb("#1b1b1b"))
        d.ellipse([x - 30, by1 - 30, x + 30, by1 + 30], fill=rgb("#9a9a9a"))
    return img


def s_patchwork(rng):
    img = Image.new("RGB", (W, H), rgb("#7a8b3e"))
    d = ImageDraw.Draw(img)
    palette = ["#8ea84b", "#c8a74a", "#6f8f3a", "#a3ab5c", "#d9c27a", "#5d7a34", "#b59a4a", "#8c7a3a"]

    def split(x0, y0, x1, y1, depth):
        if depth == 0 or (x1 - x0) < 200 or (y1 - y0) < 160:
            d.polygon([(x0 + rng.uniform(0, 20), y0 + rng.uniform(0, 20)), (x1 - rng.uniform(0, 20), y0 + rng.uniform(0, 20)),
                       (x1 - rng.uniform(0, 20), y1 - rng.uniform(0, 20)), (x0 + rng.uniform(0, 20), y1 - rng.uniform(0, 20))],
                      fill=rgb(rng.choice(palette)))
            return
        if (x1 - x0) > (y1 - y0):
            m = rng.uniform(x0 + (x1 - x0) * 0.3, x0 + (x1 - x0) * 0.7)
            split(x0, y0, m, y1, depth - 1)
            split(m, y0, x1, y1, depth - 1)
        else:
            m = rng.uniform(y0 + (y1 - y0) * 0.3, y0 + (y1 - y0) * 0.7)
            split(x0, y0, x1, m, depth - 1)
            split(x0, m, x1, y1, depth - 1)

    split(0, 0, W, H, 6)
    for _ in range(50):  # stripes of ploughing in some fields
        x, y = rng.uniform(0, W), rng.uniform(0, H)
        d.line([x, y, x + 120, y + 40], fill=rgb("#6d5a2c"), width=3)
    d.ellipse([W * 0.44, H * 0.38, W * 0.56, H * 0.62], fill=rgb("#3c86b8"))
    d.ellipse([W * 0.46, H * 0.41, W * 0.53, H * 0.5], fill=rgb("#6fb3dc"))
    return img


def s_pipe(rng):
    img = canvas(["#efe3c6", "#e4d3ac"])
    d = ImageDraw.Draw(img)
    top, bot = H * 0.25, H * 0.75
    colors = ["#0b3d6b", "#145a8d", "#1f7a9e", "#2f9bb0", "#63c1c6"]
    for k in range(5):
        y0 = top + k * (bot - top) / 5
        pts = [(x, y0 + 26 * math.sin(x / 160 + k * 1.3)) for x in range(0, W + 10, 10)]
        d.polygon(pts + [(W, bot), (0, bot)], fill=rgb(colors[k]))
    d.rectangle([0, bot, W, H], fill=rgb("#e4d3ac"))
    d.rectangle([0, 0, W, top], fill=rgb("#efe3c6"))
    d.line([0, top, W, top], fill=rgb("#5b5f66"), width=28)
    d.line([0, bot, W, bot], fill=rgb("#5b5f66"), width=28)
    for x in (W * 0.22, W * 0.6):
        d.rectangle([x, top - 60, x + 60, bot + 60], fill=rgb("#777c84"))
        for b in (top - 40, bot + 20):
            d.ellipse([x + 18, b, x + 42, b + 24], fill=rgb("#4a4e55"))
    d.rectangle([W * 0.8, top - 200, W * 0.83, top], fill=rgb("#5b5f66"))
    d.ellipse([W * 0.77, top - 240, W * 0.86, top - 180], fill=rgb("#c0392b"))
    return img


def s_contract(rng):
    img = Image.new("RGB", (W, H), rgb("#1f7a7a"))
    d = ImageDraw.Draw(img)
    translucent(img, "#0f4f4f", 160, lambda dd: dd.rectangle([W * 0.22, H * 0.1, W * 0.82, H * 1.02], fill=255))
    d = ImageDraw.Draw(img)
    d.rectangle([W * 0.2, H * 0.06, W * 0.8, H], fill=rgb("#f7f1e1"))
    for k in range(14):
        y = H * 0.16 + k * 56
        d.line([W * 0.25, y, W * (0.75 - (0.15 if k % 5 == 4 else 0)), y], fill=rgb("#b7ad98"), width=6)
    d.rectangle([W * 0.25, H * 0.1, W * 0.5, H * 0.13], fill=rgb("#3b3b3b"))
    cols = ["#e63946", "#f4a261", "#2a9d8f", "#e9c46a", "#6a4c93", "#1d3557", "#ff7b9c"]
    for k in range(7):
        x = W * 0.26 + k * 160
        r = 62
        d.ellipse([x, H * 0.82 - r, x + 2 * r, H * 0.82 + r], fill=rgb(cols[k]))
        d.ellipse([x + 18, H * 0.82 - r + 18, x + 2 * r - 18, H * 0.82 + r - 18], outline=rgb("#f7f1e1"), width=5)
    return img


def s_festival(rng):
    img = canvas(["#2ec4c4", "#8fe3df", "#d8f7f2"])
    d = ImageDraw.Draw(img)
    d.rectangle([0, H * 0.78, W, H], fill=rgb("#7cc26a"))
    cx = W * 0.5
    d.polygon([(cx - 700, H * 0.42), (cx, H * 0.12), (cx + 700, H * 0.42)], fill=rgb("#ff5d8f"))
    for k in range(7):
        x0 = cx - 700 + k * 200
        d.polygon([(x0, H * 0.42), (x0 + 100, H * 0.5), (x0 + 200, H * 0.42)], fill=rgb("#ff9f1c" if k % 2 else "#ff5d8f"))
    d.rectangle([cx - 640, H * 0.5, cx + 640, H * 0.8], fill=rgb("#3d2c5a"))
    d.rectangle([cx - 680, H * 0.42, cx - 640, H * 0.8], fill=rgb("#2b1f40"))
    d.rectangle([cx + 640, H * 0.42, cx + 680, H * 0.8], fill=rgb("#2b1f40"))
    for k in range(5):
        glow(img, cx - 500 + k * 250, H * 0.55, 140, ("#ffd166", "#ff5d8f", "#9bf6ff", "#ffd166", "#caffbf")[k], 0.7)
    d = ImageDraw.Draw(img)
    bunting(d, rng, H * 0.04, 130, ["#ff5d8f", "#ffd166", "#06d6a0", "#118ab2", "#ff9f1c"])
    crowd(img, rng, H * 0.9, 1, ["#ff9f1c", "#ffd166", "#06d6a0", "#118ab2", "#ef476f"], ["#f0c8a0", "#c68a5a", "#8d5a3b"], scale=1.2)
    return img


def s_drought(rng):
    img = canvas(["#e9d7b3", "#f1e2c2", "#f5ead3"])
    glow(img, W * 0.82, H * 0.16, 220, "#fffbe8", 0.9)
    lines = hills(img, rng, H * 0.46, 50, ["#d6a767", "#c4874a"], rough=0.5, spacing=120)
    d = ImageDraw.Draw(img)
    for _ in range(60):  # cracks
        x, y = rng.uniform(0, W), rng.uniform(H * 0.72, H)
        pts = [(x, y)]
        for _ in range(5):
            x += rng.uniform(-40, 40)
            y += rng.uniform(-10, 30)
            pts.append((x, y))
        d.line(pts, fill=rgb("#8e5a2e"), width=3)
    sx = W * 0.35
    base = y_at(lines[1], sx + 250) + 40
    d.rectangle([sx, base - 260, sx + 500, base], fill=rgb("#f7f4ee"))
    d.polygon([(sx - 30, base - 260), (sx + 250, base - 380), (sx + 530, base - 260)], fill=rgb("#b5523b"))
    d.rectangle([sx + 210, base - 160, sx + 290, base], fill=rgb("#7a4a2a"))
    for wx in (sx + 60, sx + 360):
        d.rectangle([wx, base - 200, wx + 80, base - 120], fill=rgb("#4f7fa6"))
    tx = sx + 560
    d.rectangle([tx, base - 160, tx + 12, base], fill=rgb("#6b6b6b"))
    d.rectangle([tx + 148, base - 160, tx + 160, base], fill=rgb("#6b6b6b"))
    d.rounded_rectangle([tx - 10, base - 360, tx + 170, base - 160], radius=30, fill=rgb("#1d6fd1"))
    for k in range(4):
        d.line([tx - 10, base - 330 + k * 45, tx + 170, base - 330 + k * 45], fill=rgb("#175bb0"), width=6)
    return img


def s_line(rng):
    img = canvas(["#f6f0e1", "#efe6d0"])
    d = ImageDraw.Draw(img)
    pts = []
    x, y, a = 80.0, H * 0.3, 0.0
    for i in range(900):
        a += math.sin(i / 37) * 0.09 + rng.uniform(-0.05, 0.05)
        x += 6 * math.cos(a) + 1.4
        y += 6 * math.sin(a)
        y = max(120, min(H - 120, y))
        pts.append((x, y))
        if x > W - 60:
            break
    d.line(pts, fill=rgb("#1c1c1c"), width=7, joint="curve")
    d.ellipse([pts[-1][0] - 12, pts[-1][1] - 12, pts[-1][0] + 12, pts[-1][1] + 12], fill=rgb("#1c1c1c"))
    d.line([W * 0.05, H * 0.9, W * 0.95, H * 0.9], fill=rgb("#c9bda3"), width=3)
    return img


def s_cliff(rng):
    img = canvas(["#8fa2ad", "#b9c4c4", "#d4d8cf"])
    d = ImageDraw.Draw(img)
    sea(img, rng, H * 0.5, ["#6f8f8a", "#4f6e6c", "#2e4a4e"], streaks=120)
    d = ImageDraw.Draw(img)
    for k in range(8):  # breaking waves at the foot
        y = H * 0.8 + k * 18
        d.line([(x, y + 10 * math.sin(x / 50 + k)) for x in range(0, int(W * 0.7), 10)], fill=rgb("#e8efea"), width=5)
    edge = [(W * 0.38, H * 0.28)]
    x, y = W * 0.38, H * 0.28
    while y < H:
        x += rng.uniform(-10, 40)
        y += rng.uniform(30, 70)
        edge.append((x, y))
    d.polygon([(W, H * 0.3), (W * 0.38, H * 0.28)] + edge[1:] + [(W, H)], fill=rgb("#c9a36b"))
    for k in range(12):  # strata
        yy = H * 0.36 + k * 55
        d.line([W * 0.4 + k * 12, yy, W, yy - 10], fill=rgb("#b08850"), width=5)
    d.polygon([(W * 0.36, H * 0.28), (W, H * 0.26), (W, H * 0.33), (W * 0.4, H * 0.33)], fill=rgb("#7f9a58"))
    hx = W * 0.46
    d.rectangle([hx, H * 0.16, hx + 180, H * 0.28], fill=rgb("#f1ece0"))
    d.polygon([(hx - 14, H * 0.16), (hx + 90, H * 0.08), (hx + 194, H * 0.16)], fill=rgb("#8b3a2b"))
    d.rectangle([hx + 30, H * 0.19, hx + 70, H * 0.23], fill=rgb("#4f6470"))
    d.rectangle([hx + 110, H * 0.2, hx + 150, H * 0.28], fill=rgb("#5a3b2a"))
    for k in range(5):  # the concrete blocks across the road
        d.rectangle([W * 0.7 + k * 70, H * 0.24, W * 0.7 + k * 70 + 50, H * 0.28], fill=rgb("#9a9a94"))
    return img


def s_courtyard(rng):
    img = canvas(["#dfeee6", "#f1f4ea"])
    d = ImageDraw.Draw(img)
    for x0 in (W * 0.02, W * 0.68):
        d.rectangle([x0, H * 0.22, x0 + W * 0.3, H * 0.78], fill=rgb("#b88a5a"))
        for k in range(16):
            d.line([x0 + k * (W * 0.3 / 16), H * 0.22, x0 + k * (W * 0.3 / 16), H * 0.78], fill=rgb("#a0744a"), width=6)
        for r in range(3):
            for c in range(3):
                wx = x0 + 60 + c * 230
                d.rectangle([wx, H * 0.28 + r * 150, wx + 130, H * 0.28 + r * 150 + 90], fill=rgb("#cfe3ea"))
    d.rectangle([W * 0.3, H * 0.3, W * 0.7, H * 0.62], fill=rgb("#c29567"))
    for c in range(4):
        wx = W * 0.33 + c * 230
        d.rectangle([wx, H * 0.36, wx + 130, H * 0.46], fill=rgb("#cfe3ea"))
    d.polygon([(0, H * 0.78), (W, H * 0.78), (W, H), (0, H)], fill=rgb("#8fbf6a"))
    d.polygon([(W * 0.32, H * 0.62), (W * 0.68, H * 0.62), (W, H * 0.78), (0, H * 0.78)], fill=rgb("#9fcf78"))
    d.line([W * 0.5, H * 0.62, W * 0.5, H], fill=rgb("#e4d9bf"), width=60)
    for x in (W * 0.2, W * 0.36, W * 0.64, W * 0.8):
        tree_round(d, x, H * 0.7, 60, "#5f9a4e", "#6b4a2a")
    return img


def generic(rng):
    kind = rng.randrange(3)
    if kind == 0:
        return s_bauhaus(["#264653", "#2a9d8f", "#e9c46a", "#f4a261", "#e76f51"], "#f4efe6")(rng)
    if kind == 1:
        return s_rings(["#22333b", "#eae0d5", "#c6ac8f", "#5e503f"], "#0a0908")(rng)
    return s_rays(["#2a9d8f", "#264653"], "#f4efe6")(rng)


SCENES = {
    "warehouse-nine": s_warehouse,
    "harbour": s_harbour,
    "river-remembers": s_river,
    "productivity-sermon": s_bauhaus(["#c8102e", "#d98c1f", "#1b1b1b", "#e9c46a", "#7a1f1f"], "#f1e6cf", cell=340),
    "coalition": s_circles,
    "small-presses": s_books,
    "care-without-carers": s_dawn_window,
    "salt-flat": s_salt,
    "rent-strike": s_city_evening(["#2d2150", "#6b4f8f", "#c79bc2"], ["#d9d2c5", "#c9c1b3", "#e4ddd0"], "#7b7488", "#ffd98a", 0.35),
    "repertory-cinema": s_cinema,
    "public-good": s_rings(["#5b7f5b", "#efe7d2", "#7ea3b5", "#d8c79a", "#3e5e4a"], "#efe7d2"),
    "heat-pump": s_heatpump,
    "may-day": s_may_day,
    "highland-radio": s_radio,
    "border-business": s_fence,
    "picket-songs": s_picket_songs,
    "long-afternoon": s_poplars,
    "orchard-fire": s_orchard,
    "teachers-taxis": s_taxi,
    "coffee-coast": s_coffee,
    "municipal-socialism": s_town_hall,
    "algorithm-manager": s_squares,
    "who-owns-the-wind": s_wind,
    "strike-fund": s_bars,
    "san-aurelio": s_hill_city,
    "closed-factories": s_factory,
    "night-train": s_night_train,
    "coast-in-retreat": s_cliff,
    "nurses-picket": s_nurses,
    "bus-fare": s_bus,
    "commons-verb": s_patchwork,
    "water-privatisation": s_pipe,
    "gig-contract": s_contract,
    "summer-festivals": s_festival,
    "drought-school": s_drought,
    "long-sentence": s_line,
    "cooperative-next-door": s_courtyard,
}


# ------------------------------------------------------------ avatars

AVATAR_PALETTES = [
    ("#264653", "#2a9d8f", "#f4efe6"),
    ("#7a1f1f", "#d98c1f", "#fbeedd"),
    ("#1d3557", "#457b9d", "#f1faee"),
    ("#3d2c5a", "#ff5d8f", "#fff0f5"),
    ("#2f3e46", "#84a98c", "#f0f4ef"),
    ("#5e503f", "#c6ac8f", "#fbf7f1"),
    ("#0b3d6b", "#f2c230", "#fffbea"),
    ("#4a2c2a", "#e76f51", "#fff3ec"),
]

_FONT_CACHE: dict[int, ImageFont.ImageFont] = {}


def load_font(size: int):
    if size not in _FONT_CACHE:
        font = None
        for path in ("/usr/share/fonts/truetype/dejavu/DejaVuSerif-Bold.ttf",
                     "/usr/share/fonts/truetype/liberation/LiberationSerif-Bold.ttf"):
            if Path(path).exists():
                font = ImageFont.truetype(path, size)
                break
        _FONT_CACHE[size] = font or ImageFont.load_default(size)
    return _FONT_CACHE[size]


def make_avatar(name: str, seed: int) -> Image.Image:
    rng = random.Random(seed)
    S = AVATAR_SIZE * 4
    dark, accent, light = AVATAR_PALETTES[seed % len(AVATAR_PALETTES)]
    img = Image.new("RGB", (S, S), rgb(dark))
    d = ImageDraw.Draw(img)
    a = rng.uniform(0, math.pi)
    # a diagonal split and a couple of geometric accents
    cx, cy = S / 2, S / 2
    dx, dy = math.cos(a) * S, math.sin(a) * S
    d.polygon([(cx - dx, cy - dy), (cx + dx, cy + dy), (cx + dx + dy, cy + dy - dx), (cx - dx + dy, cy - dy - dx)], fill=mix(dark, accent, 0.35))
    r = rng.uniform(S * 0.08, S * 0.14)
    px, py = rng.uniform(S * 0.1, S * 0.9), rng.uniform(S * 0.08, S * 0.3)
    d.ellipse([px - r, py - r, px + r, py + r], fill=rgb(accent))
    # head and shoulders
    d.ellipse([S * 0.12, S * 0.72, S * 0.88, S * 1.3], fill=rgb(accent))
    d.ellipse([S * 0.32, S * 0.26, S * 0.68, S * 0.68], fill=rgb(light))
    initials = "".join(part[0] for part in name.split()[:2]).upper()
    font = load_font(int(S * 0.17))
    bbox = d.textbbox((0, 0), initials, font=font)
    tw, th = bbox[2] - bbox[0], bbox[3] - bbox[1]
    d.text((S / 2 - tw / 2 - bbox[0], S * 0.47 - th / 2 - bbox[1]), initials, font=font, fill=rgb(dark))
    img = img.resize((AVATAR_SIZE, AVATAR_SIZE), Image.Resampling.LANCZOS)
    return grain(img, seed, 0.1)


# ------------------------------------------------------------ driver

def front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    if not text.startswith("+++\n"):
        return {}
    end = text.index("\n+++", 4)
    return tomllib.loads(text[4:end])


def make_hero(stem: str) -> Image.Image:
    seed = seed_for(stem)
    rng = random.Random(seed)
    scene = SCENES.get(stem, generic)
    return scene(rng).resize((HERO_W, HERO_H), Image.Resampling.LANCZOS)


def encode_hero(img: Image.Image, seed: int) -> bytes:
    """JPEG-encode aiming at TARGET_KB: busy pictures are softened slightly
    (and, as a last resort, saved at a lower quality), flat ones get a little
    film grain so that they do not look plasticky. Deterministic."""
    lo, hi = TARGET_KB

    def enc(im, q):
        buf = io.BytesIO()
        im.save(buf, "JPEG", quality=q, optimize=True, progressive=True)
        return buf.getvalue()

    data = enc(img, HERO_QUALITY)
    if len(data) > hi * 1024:
        for radius, q in ((0.6, 70), (0.9, 68), (1.2, 65), (1.5, 62), (1.8, 58), (2.2, 55)):
            data = enc(img.filter(ImageFilter.GaussianBlur(radius)), q)
            if len(data) <= hi * 1024:
                break
    elif len(data) < lo * 1024:
        for amount in (0.03, 0.05, 0.07, 0.09, 0.12, 0.15):
            data = enc(grain(img, seed, amount), HERO_QUALITY)
            if len(data) >= lo * 1024:
                break
    return data


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--only", nargs="*", help="file stems to regenerate (default: all)")
    args = ap.parse_args()
    only = set(args.only or [])

    heroes: set[str] = set()
    for md in sorted((DEMO / "articles").glob("*.md")):
        img = front_matter(md).get("image")
        if img:
            heroes.add(img)
    avatars: dict[str, str] = {}
    for md in sorted((DEMO / "authors").glob("*.md")):
        fm = front_matter(md)
        if fm.get("avatar"):
            avatars[fm["avatar"]] = fm.get("name", md.stem)

    total = 0
    for rel in sorted(heroes):
        out = DEMO / rel
        stem = out.stem
        if only and stem not in only:
            continue
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(encode_hero(make_hero(stem), seed_for(stem)))
        size = out.stat().st_size
        total += size
        print(f"{rel:42s} {size / 1024:6.1f} KB{'' if stem in SCENES else '  (generic)'}")
    for rel, name in sorted(avatars.items()):
        out = DEMO / rel
        if only and out.stem not in only:
            continue
        out.parent.mkdir(parents=True, exist_ok=True)
        make_avatar(name, seed_for(out.stem)).save(out, "JPEG", quality=80, optimize=True)
        size = out.stat().st_size
        total += size
        print(f"{rel:42s} {size / 1024:6.1f} KB")
    print(f"total written: {total / 1024:.1f} KB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
