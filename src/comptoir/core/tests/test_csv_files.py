"""Reading CSV: the split fast path reads exactly what the csv module reads."""

from __future__ import annotations

import csv
import io
import random

import pytest

from comptoir.core.csv_files import read_csv
from comptoir.core.errors import ValidationFailed


def _by_the_module(text: str, delimiter: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    reader = csv.reader(io.StringIO(text.removeprefix("\ufeff"), newline=""), delimiter=delimiter)
    header = [name.strip().lower() for name in next(reader)]
    rows = [(reader.line_num, f) for f in reader if any(x.strip() for x in f)]
    return header, rows


def _random_plain_file(rng: random.Random, delimiter: str) -> str:
    cells = ["SKU-1", " 12 ", "", "a b", "\t", "Veste été", "0", "-3", "x" * 40]
    lines = [f"sku{delimiter}Quantity{delimiter} note "]
    for _ in range(rng.randint(0, 30)):
        lines.append(delimiter.join(rng.choice(cells) for _ in range(rng.randint(1, 4))))
    ending = rng.choice(["\n", "\r\n"])
    return rng.choice(["", "\ufeff"]) + ending.join(lines) + rng.choice(["", ending, ending * 2])


@pytest.mark.parametrize("seed", range(200))
def test_plain_files_read_as_the_csv_module_reads_them(seed):
    rng = random.Random(seed)
    delimiter = rng.choice([",", ";"])
    text = _random_plain_file(rng, delimiter)

    header, rows = read_csv(text, required=["sku"], invalid=ValidationFailed)

    assert (header, list(rows)) == _by_the_module(text, delimiter)


@pytest.mark.parametrize(
    "text",
    [
        'sku,quantity\n"SKU,1",2\nSKU-2,3\n',  # a quoted delimiter
        'sku,quantity\n"SKU\n1",2\nSKU-2,3\n',  # a line break inside quotes
        "sku,quantity\rSKU-1,2\rSKU-2,3",  # old Mac line ends
    ],
)
def test_quoted_or_unusual_files_still_read_as_the_csv_module_reads_them(text):
    header, rows = read_csv(text, required=["sku"], invalid=ValidationFailed)
    assert (header, list(rows)) == _by_the_module(text, ",")


@pytest.mark.parametrize(
    ("text", "problem"),
    [("", "The file is empty."), ("quantity\n1\n", "The header lacks sku.")],
)
def test_an_empty_file_or_a_missing_column_is_refused(text, problem):
    with pytest.raises(ValidationFailed, match=problem):
        read_csv(text, required=["sku"], invalid=ValidationFailed)


def test_a_nul_byte_is_left_to_the_csv_module():
    text = "sku,quantity\nA\x00,1\n"
    header, rows = read_csv(text, required=["sku"], invalid=ValidationFailed)
    assert (header, list(rows)) == _by_the_module(text, ",")
