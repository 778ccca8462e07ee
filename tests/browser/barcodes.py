"""An EAN-13 barcode drawn from its digits, as a camera would see it on a label, in a .y4m
video that Chromium's fake camera films (`--use-file-for-fake-video-capture`)."""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw

# GS1 General Specifications 5.2.1.2: the three sets of digit patterns (1 = a bar module)...
L_CODES = ["0001101", "0011001", "0010011", "0111101", "0100011",
           "0110001", "0101111", "0111011", "0110111", "0001011"]  # fmt: skip
R_CODES = ["".join("1" if bit == "0" else "0" for bit in code) for code in L_CODES]
G_CODES = [code[::-1] for code in R_CODES]
# ...and which set each of the six left digits takes, chosen by the (undrawn) first digit.
PARITY = ["LLLLLL", "LLGLGG", "LLGGLG", "LLGGGL", "LGLLGG",
          "LGGLLG", "LGGGLL", "LGLGLG", "LGLGGL", "LGGLGL"]  # fmt: skip


def ean13_modules(digits: str) -> str:
    """The 95 modules of an EAN-13 symbol, '1' for a bar, start and end guards included."""
    if len(digits) != 13 or not digits.isdigit():
        raise ValueError(f"an EAN-13 has 13 digits, not {digits!r}")
    first, left, right = int(digits[0]), digits[1:7], digits[7:]
    sets = {"L": L_CODES, "G": G_CODES}
    left_half = "".join(sets[kind][int(d)] for kind, d in zip(PARITY[first], left, strict=True))
    return "101" + left_half + "01010" + "".join(R_CODES[int(d)] for d in right) + "101"


def ean13_picture(digits: str, *, width: int = 640, height: int = 480, module: int = 4) -> Image:
    """A white label with the barcode in its middle, quiet zones included, greyscale."""
    picture = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(picture)
    modules = ean13_modules(digits)
    left = (width - len(modules) * module) // 2
    top, bottom = height // 5, height * 4 // 5
    for position, bit in enumerate(modules):
        if bit == "1":
            x = left + position * module
            draw.rectangle([x, top, x + module - 1, bottom], fill=0)
    return picture


def write_y4m(picture: Image, path: Path, *, frames: int = 2) -> Path:
    """A YUV 4:2:0 video of `frames` copies of a greyscale picture (neutral chroma)."""
    width, height = picture.size
    luma = picture.convert("L").tobytes()
    chroma = bytes([128]) * ((width // 2) * (height // 2) * 2)
    with path.open("wb") as video:
        video.write(f"YUV4MPEG2 W{width} H{height} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _ in range(frames):
            video.write(b"FRAME\n" + luma + chroma)
    return path
