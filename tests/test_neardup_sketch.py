"""Sketches come from datasketch's MinHash, loaded without the package's indexes (scipy)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO

# Run in a fresh interpreter: this one may have imported datasketch whole already.
CHECK = """
import sys
from newswatch.storage.neardup import NUM_PERM, sketch
from newswatch.storage.textkeys import shingles

texts = [
    "Президент Казахстана провёл переговоры с Президентом Таджикистана в Астане.",
    "Тоқаев пен Рахмон екі ел арасындағы ынтымақтастықты талқылады.",
    "Rahmon and Tokayev discussed water and energy cooperation in Dushanbe on Monday.",
]
ours = [sketch(text).signature for text in texts]
loaded = sorted({m.split(".")[0] for m in sys.modules} & {"scipy", "redis", "datasketch"})
assert not loaded, loaded

from datasketch import MinHash  # the whole package, as before: the same values

for text, signature in zip(texts, ours):
    reference = MinHash(num_perm=NUM_PERM, seed=1)
    reference.update_batch(list(shingles(text)))
    assert reference.hashvalues.tolist() == signature.tolist(), text
print("ok")
"""


def test_sketch_imports_neither_scipy_nor_the_indexes_and_equals_datasketch() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CHECK], cwd=REPO, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
