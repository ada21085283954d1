#!/usr/bin/env python3
"""Writes data/digits.bin from scikit-learn's copy of the UCI optical digits (see README.md here).

Reads `sklearn/datasets/data/digits.csv.gz` straight out of a scikit-learn wheel (no install
needed) and packs each of its 1,797 rows — 64 pixels 0..16 row by row, then the class 0..9 — into
41 bytes: the class, then the 64 pixels at 5 bits each, most significant bit first. Lossless (the
pixels take 17 values, one more than 4 bits hold).

    pip download --no-deps scikit-learn -d /tmp/wheel
    python3 data/make_digits.py /tmp/wheel/scikit_learn-*.whl > data/digits.bin
"""

import gzip
import sys
import zipfile


def pack(pixels, label):
    bits = 0
    for value in pixels:
        bits = (bits << 5) | value
    return bytes([label]) + bits.to_bytes(40, "big")


def main():
    with zipfile.ZipFile(sys.argv[1]) as wheel:
        text = gzip.decompress(wheel.read("sklearn/datasets/data/digits.csv.gz")).decode()
    out = bytearray()
    for line in text.split():
        values = [int(float(v)) for v in line.split(",")]
        pixels, label = values[:64], values[64]
        assert len(values) == 65 and all(0 <= v <= 16 for v in pixels) and 0 <= label <= 9
        out += pack(pixels, label)
    sys.stdout.buffer.write(out)


if __name__ == "__main__":
    main()
