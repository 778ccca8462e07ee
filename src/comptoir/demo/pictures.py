"""The demo draws its own product pictures, offline, with Pillow: a shape per sport, the
product's colours, its name. Simple, but distinct per product and pleasant enough to show
what a product page with real pictures looks like. Stored through the catalogue's service,
like any retailer's upload, so the smaller copies are made the same way."""

from __future__ import annotations

import colorsys
import hashlib
import io
import math
from collections.abc import Callable

from PIL import Image, ImageDraw, ImageFont

from comptoir.catalog.models import Product
from comptoir.catalog.services.images import add_product_image

SIDE = 640  # the original (PNG) serves the largest width; copies at 160 and 320 px
COLOURS = {  # the demo's colour words → what the picture paints
    "noir": (38, 40, 46),
    "bleu": (31, 95, 191),
    "rouge": (198, 40, 40),
    "blanc": (245, 245, 240),
    "": (70, 120, 110),  # equipment has no colour: a sporty green
}
COLOUR_NAMES = {"noir": "noir", "bleu": "bleu", "rouge": "rouge", "blanc": "blanc"}


def draw_missing_pictures(*, limit: int | None = None) -> int:
    """Give every product without a picture two or three. Returns how many were drawn."""
    products = (
        Product.objects.filter(images__isnull=True)
        .select_related("category")
        .prefetch_related("variants")
        .order_by("pk")
    )
    drawn = 0
    for product in products[:limit] if limit else products:
        variants = list(product.variants.all())
        colours = list(dict.fromkeys(v.colour for v in variants))
        kind = variants[0].attributes.get("kind", "") if variants else ""
        for view, colour in _views(colours):
            add_product_image(
                product_slug=product.slug,
                content=draw_picture(
                    name=product.name,
                    category=product.category.slug,
                    colour=colour,
                    view=view,
                    kind=kind,
                ),
                filename="drawing.png",
                alt_text=_alt_text(product.name, colour, view),
            )
            drawn += 1
    return drawn


def _views(colours: list[str]) -> list[tuple[str, str]]:
    """One front view per colour (up to three), and a close-up when it has a single colour."""
    if len(colours) > 1:
        return [("front", colour) for colour in colours[:3]]
    colour = colours[0] if colours else ""
    return [("front", colour), ("detail", colour)]


def _alt_text(name: str, colour: str, view: str) -> str:
    coloured = f"{name}, coloris {COLOUR_NAMES[colour]}" if colour in COLOUR_NAMES else name
    return f"{coloured}, vue de près" if view == "detail" else coloured


def draw_picture(*, name: str, category: str, colour: str, view: str, kind: str = "") -> bytes:
    """A PNG: a soft background tinted per product, the product's shape in its colour (a
    garment, a shoe, or the sport's own object), the sport's emblem in a corner for clothes
    and shoes, and its name. The same arguments always give the same picture."""
    seed = int.from_bytes(hashlib.blake2b(name.encode(), digest_size=4).digest(), "big")
    hue = (seed % 360) / 360
    background = tuple(round(c * 255) for c in colorsys.hls_to_rgb(hue, 0.93, 0.45))
    accent = tuple(round(c * 255) for c in colorsys.hls_to_rgb(hue, 0.55, 0.55))
    paint = COLOURS.get(colour, COLOURS[""])
    image = Image.new("RGB", (SIDE, SIDE), background)
    draw = ImageDraw.Draw(image)
    draw.ellipse((SIDE * 0.12, SIDE * 0.08, SIDE * 0.88, SIDE * 0.84), fill=accent)
    scale = 1.45 if view == "detail" else 1.0
    centre = (SIDE / 2 + (SIDE * 0.12 if view == "detail" else 0), SIDE * 0.46)
    by_noun = next((shape for noun, shape in NOUN_SHAPES.items() if name.startswith(noun)), None)
    shape = KIND_SHAPES.get(kind) or by_noun or SHAPES.get(category, _circle)
    shape(draw, centre, SIDE * 0.26 * scale, paint)
    if kind in KIND_SHAPES:  # the sport, as a badge
        badge = (SIDE * 0.13, SIDE * 0.13)
        draw.ellipse((SIDE * 0.03, SIDE * 0.03, SIDE * 0.23, SIDE * 0.23), fill=(255, 255, 255))
        SHAPES.get(category, _circle)(draw, badge, SIDE * 0.06, accent)
    font = _font(SIDE // 16)
    label = name if len(name) <= 28 else name[:27] + "…"
    draw.rectangle((0, SIDE * 0.86, SIDE, SIDE), fill=(255, 255, 255))
    draw.text((SIDE / 2, SIDE * 0.93), label, font=font, fill=(30, 30, 30), anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, "PNG", optimize=False, compress_level=1)
    return buffer.getvalue()


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """DejaVu Sans where the system has it (accents: "Élan", "Randonnée"), else Pillow's own."""
    try:
        return ImageFont.truetype("DejaVuSans.ttf", size)
    except OSError:
        return ImageFont.load_default(size=size)


Point = tuple[float, float]
Colour = tuple[int, ...]


def _outlined(paint: Colour) -> dict[str, Colour | int]:
    # White paint on a pale background needs an outline to be seen.
    return {"fill": paint, "outline": (60, 60, 60), "width": 6}


def _circle(draw: ImageDraw.ImageDraw, c: Point, r: float, paint: Colour) -> None:
    draw.ellipse((c[0] - r, c[1] - r, c[0] + r, c[1] + r), **_outlined(paint))


def _polygon(sides: int, c: Point, r: float, turn: float = 0.0) -> list[Point]:
    return [
        (
            c[0] + r * math.cos(turn + 2 * math.pi * k / sides),
            c[1] + r * math.sin(turn + 2 * math.pi * k / sides),
        )
        for k in range(sides)
    ]


def _running(draw: ImageDraw.ImageDraw, c: Point, r: float, paint: Colour) -> None:
    """A shoe's side: a sole and an upper."""
    draw.rounded_rectangle(
        (c[0] - r * 1.3, c[1] + r * 0.2, c[0] + r * 1.3, c[1] + r * 0.55), r * 0.15, fill=(250,) * 3
    )
    draw.polygon(
        [(c[0] - r * 1.3, c[1] + r * 0.2), (c[0] - r * 1.0, c[1] - r * 0.7),
         (c[0] - r * 0.2, c[1] - r * 0.6), (c[0] + r * 1.3, c[1] + r * 0.2)],
        **_outlined(paint),
    )  # fmt: skip


def _football(draw: ImageDraw.ImageDraw, c: Point, r: float, paint: Colour) -> None:
    _circle(draw, c, r, (250, 250, 250))
    draw.polygon(_polygon(5, c, r * 0.4, -math.pi / 2), fill=paint)
    for k in range(5):
        angle = -math.pi / 2 + 2 * math.pi * k / 5
        draw.polygon(_polygon(5, (c[0] + r * 0.82 * math.cos(angle), c[1] + r * 0.82 * math.sin(angle)), r * 0.2, angle), fill=paint)  # fmt: skip


def _cycling(draw: ImageDraw.ImageDraw, c: Point, r: float, paint: Colour) -> None:
    for dx in (-0.75, 0.75):
        draw.ellipse(
            (c[0] + dx * r - r * 0.6, c[1] - r * 0.2, c[0] + dx * r + r * 0.6, c[1] + r),
            outline=paint, width=int(r * 0.12),
        )  # fmt: skip
    draw.line([(c[0] - r * 0.75, c[1] + r * 0.4), (c[0], c[1] - r * 0.3), (c[0] + r * 0.75, c[1] + r * 0.4)], fill=paint, width=int(r * 0.1))  # fmt: skip


def _hiking(draw: ImageDraw.ImageDraw, c: Point, r: float, paint: Colour) -> None:
    draw.polygon([(c[0] - r * 1.3, c[1] + r * 0.8), (c[0] - r * 0.3, c[1] - r), (c[0] + r * 0.7, c[1] + r * 0.8)], **_outlined(paint))  # fmt: skip
    draw.polygon([(c[0] - r * 0.1, c[1] + r * 0.8), (c[0] + r * 0.6, c[1] - r * 0.4), (c[0] + r * 1.3, c[1] + r * 0.8)], **_outlined(paint))  # fmt: skip


def _swimming(draw: ImageDraw.ImageDraw, c: Point, r: float, paint: Colour) -> None:
    for row in range(3):
        y = c[1] - r * 0.6 + row * r * 0.6
        points = [
            (c[0] - r * 1.3 + k * r * 0.1, y + math.sin(k / 2.5) * r * 0.15) for k in range(27)
        ]
        draw.line(points, fill=paint, width=int(r * 0.16), joint="curve")


def _tennis(draw: ImageDraw.ImageDraw, c: Point, r: float, paint: Colour) -> None:
    _circle(draw, c, r, paint)
    draw.arc((c[0] - r * 1.6, c[1] - r, c[0] + r * 0.2, c[1] + r), -60, 60, fill=(250,) * 3, width=int(r * 0.1))  # fmt: skip
    draw.arc((c[0] - r * 0.2, c[1] - r, c[0] + r * 1.6, c[1] + r), 120, 240, fill=(250,) * 3, width=int(r * 0.1))  # fmt: skip


def _fitness(draw: ImageDraw.ImageDraw, c: Point, r: float, paint: Colour) -> None:
    draw.rectangle((c[0] - r, c[1] - r * 0.08, c[0] + r, c[1] + r * 0.08), fill=(90, 90, 90))
    for dx in (-1, 1):
        x = c[0] + dx * r * 0.85
        draw.rounded_rectangle((x - r * 0.2, c[1] - r * 0.6, x + r * 0.2, c[1] + r * 0.6), r * 0.08, **_outlined(paint))  # fmt: skip


def _watch(draw: ImageDraw.ImageDraw, c: Point, r: float, paint: Colour) -> None:
    draw.rectangle((c[0] - r * 0.35, c[1] - r * 1.3, c[0] + r * 0.35, c[1] + r * 1.3), fill=paint)
    _circle(draw, c, r * 0.7, (40, 40, 40))
    draw.ellipse((c[0] - r * 0.55, c[1] - r * 0.55, c[0] + r * 0.55, c[1] + r * 0.55), fill=(120, 200, 180))  # fmt: skip


def _audio(draw: ImageDraw.ImageDraw, c: Point, r: float, paint: Colour) -> None:
    for dx in (-0.55, 0.55):
        _circle(draw, (c[0] + dx * r, c[1]), r * 0.38, paint)
        draw.rounded_rectangle((c[0] + dx * r - r * 0.1, c[1], c[0] + dx * r + r * 0.1, c[1] + r * 0.9), r * 0.08, fill=paint)  # fmt: skip


def _camera(draw: ImageDraw.ImageDraw, c: Point, r: float, paint: Colour) -> None:
    draw.rounded_rectangle((c[0] - r, c[1] - r * 0.7, c[0] + r, c[1] + r * 0.7), r * 0.15, **_outlined(paint))  # fmt: skip
    _circle(draw, c, r * 0.45, (40, 40, 40))
    draw.ellipse((c[0] - r * 0.2, c[1] - r * 0.2, c[0] + r * 0.2, c[1] + r * 0.2), fill=(110, 150, 220))  # fmt: skip


def _garment(draw: ImageDraw.ImageDraw, c: Point, r: float, paint: Colour) -> None:
    """A top seen from the front: body, sleeves, a neckline."""
    x, y = c
    draw.polygon(
        [(x - r * 0.45, y - r), (x - r * 1.2, y - r * 0.55), (x - r * 0.95, y - r * 0.1),
         (x - r * 0.7, y - r * 0.3), (x - r * 0.7, y + r), (x + r * 0.7, y + r),
         (x + r * 0.7, y - r * 0.3), (x + r * 0.95, y - r * 0.1), (x + r * 1.2, y - r * 0.55),
         (x + r * 0.45, y - r), (x + r * 0.2, y - r * 0.75), (x - r * 0.2, y - r * 0.75)],
        **_outlined(paint),
    )  # fmt: skip


KIND_SHAPES = {"apparel": _garment, "shoes": _running}
NOUN_SHAPES: dict[str, Callable[[ImageDraw.ImageDraw, Point, float, Colour], None]] = {}

SHAPES = {
    "running": _running,
    "football": _football,
    "cyclisme": _cycling,
    "randonnee": _hiking,
    "natation": _swimming,
    "tennis": _tennis,
    "fitness": _fitness,
    "montres-gps": _watch,
    "audio": _audio,
    "cameras": _camera,
}

# A watch looks like a watch whatever shelf it is on (the demo files some under "Audio").
NOUN_SHAPES.update(
    {"Montre GPS": _watch, "Capteur cardio": _watch, "Écouteurs": _audio, "Caméra": _camera}
)
