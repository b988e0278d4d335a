"""Near-duplicate sketches: MinHash over word shingles (datasketch), cut into LSH bands.

The bands are stored in an indexed table, so the index survives restarts, is shared by every
worker writing to the database, and is never loaded into memory as a whole.
"""

from __future__ import annotations

import hashlib
import struct
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import TYPE_CHECKING

import numpy as np

from newswatch.storage.textkeys import shingles

if TYPE_CHECKING:
    from datasketch import MinHash

NUM_PERM = 128
# 42 bands of 3 rows (126 of the 128 values): a pair with Jaccard 0.45 becomes a candidate 98%
# of the time, 0.3 -> 68%, 0.1 -> 4%; candidates are then verified against THRESHOLD.
BANDS = 42
ROWS = 3
# Estimated Jaccard of word-bigram sets above which two texts are one story. Measured by
# bench.neardup: copies with 30% of their words edited stay above 0.45; different articles that
# share a quote or two stay below 0.12.
THRESHOLD = 0.3


_BAND_PREFIX = [band.to_bytes(2, "little") for band in range(BANDS)]
_BAND_KEYS = struct.Struct(f"<{BANDS}q")  # the digests as signed little-endian 64-bit keys


@lru_cache(maxsize=1)
def _template() -> MinHash:
    """One permutation generator shared by all sketches (generating it costs more than hashing).
    Imported here: datasketch pulls in scipy, half a second that most commands never need."""
    from datasketch import MinHash

    return MinHash(num_perm=NUM_PERM, seed=1)


@dataclass(frozen=True)
class Sketch:
    signature: np.ndarray  # NUM_PERM uint32 values

    def to_bytes(self) -> bytes:
        return self.signature.astype("<u4").tobytes()

    @classmethod
    def from_bytes(cls, data: bytes) -> Sketch:
        return cls(np.frombuffer(data, dtype="<u4"))

    @cached_property
    def band_keys(self) -> list[int]:
        """Signed 64-bit hash of each band (its number and rows), ready for a BIGINT column."""
        data = self.to_bytes()
        width = ROWS * 4
        digests = b"".join(
            [
                hashlib.blake2b(
                    prefix + data[band * width : (band + 1) * width], digest_size=8
                ).digest()
                for band, prefix in enumerate(_BAND_PREFIX)
            ]
        )
        return list(_BAND_KEYS.unpack(digests))

    def jaccard(self, other: Sketch) -> float:
        return float(np.count_nonzero(self.signature == other.signature)) / NUM_PERM


def sketch(text: str) -> Sketch | None:
    """None for texts too short to compare (fewer words than a shingle)."""
    grams = shingles(text)
    if len(grams) < 2:
        return None
    template = _template()
    minhash = type(template)(
        num_perm=NUM_PERM, seed=1, permutations=template.permutations, scheme=template.scheme
    )
    minhash.update_batch(list(grams))
    return Sketch(np.asarray(minhash.hashvalues, dtype=np.uint32))
