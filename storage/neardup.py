"""Near-duplicate sketches: MinHash over word shingles (datasketch), cut into LSH bands.

The bands are stored in an indexed table, so the index survives restarts, is shared by every
worker writing to the database, and is never loaded into memory as a whole.
"""

from __future__ import annotations

import hashlib
import importlib.util
import struct
import sys
import threading
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
_import_lock = threading.Lock()  # _minhash_class swaps sys.modules["datasketch"] for a moment


@lru_cache(maxsize=1)
def _template() -> MinHash:
    """One permutation generator shared by all sketches (generating it costs more than hashing).
    Imported on first use: most commands never sketch."""
    with _import_lock:
        return _minhash_class()(num_perm=NUM_PERM, seed=1)


def _minhash_class() -> type[MinHash]:
    """datasketch's MinHash without running the package's __init__, which imports every index
    it offers: MinHashLSH and its kin pull in scipy and redis, ~45 MB of RSS a daemon keeps for
    nothing. The package module is created but not executed, only datasketch.minhash (and the
    hashfunc module it needs) run; then sys.modules is left as it was, so a later
    `import datasketch` elsewhere gets the whole, real package."""
    if "datasketch" in sys.modules:  # already imported whole
        return sys.modules["datasketch"].MinHash
    before = set(sys.modules)
    spec = importlib.util.find_spec("datasketch")
    if spec is None:
        raise ModuleNotFoundError("No module named 'datasketch'", name="datasketch")
    sys.modules["datasketch"] = importlib.util.module_from_spec(spec)
    try:
        return importlib.import_module("datasketch.minhash").MinHash
    finally:
        for name in set(sys.modules) - before:
            if name == "datasketch" or name.startswith("datasketch."):
                del sys.modules[name]


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
    """None for texts too short to compare (fewer words than a shingle). Its band keys come
    worked out: every new sketch is looked up and indexed by them, and one made in an
    extraction worker travels to the store with them."""
    grams = shingles(text)
    if len(grams) < 2:
        return None
    template = _template()
    minhash = type(template)(
        num_perm=NUM_PERM, seed=1, permutations=template.permutations, scheme=template.scheme
    )
    minhash.update_batch(list(grams))
    made = Sketch(np.asarray(minhash.hashvalues, dtype=np.uint32))
    made.band_keys  # noqa: B018 - a cached property: computed once, here
    return made
