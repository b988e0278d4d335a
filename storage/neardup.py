"""Near-duplicate sketches: MinHash over word shingles (datasketch), cut into LSH bands.

The bands are stored in an indexed table, so the index survives restarts, is shared by every
worker writing to the database, and is never loaded into memory as a whole.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np

from storage.textkeys import shingles

if TYPE_CHECKING:
    from datasketch import MinHash

NUM_PERM = 128
BANDS = 32  # 32 bands of 4 rows: a pair with Jaccard 0.5 becomes a candidate 87% of the time,
ROWS = NUM_PERM // BANDS  # 0.6 -> 99%, 0.3 -> 23%; candidates are then verified (THRESHOLD).
THRESHOLD = 0.45  # estimated Jaccard of shingles above which two texts are copies of one story


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

    def band_keys(self) -> list[tuple[int, int]]:
        """(band number, signed 64-bit hash of the band's rows), ready for a BIGINT column."""
        keys = []
        for band in range(BANDS):
            rows = self.signature[band * ROWS : (band + 1) * ROWS].astype("<u4").tobytes()
            digest = hashlib.blake2b(rows, digest_size=8).digest()
            keys.append((band, int.from_bytes(digest, "little", signed=True)))
        return keys

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
