"""The relevance corpus of the built-in topic "tajik-kazakh": labelled real news items.

``labels.tsv`` (committed) names each item: id, lang, label (1 relevant, 0 not), kind, site,
url, query, reason. The texts are third-party and live in a git-ignored cache,
``bench/cache/relevance/<id>.txt``, rebuilt from the URLs and queries (README.md beside this
file). Items are split into folds by site, so that no site is both tuned on and judged on.
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
LABELS = HERE / "labels.tsv"
# Batches labelled after the topic was frozen, blind to its verdicts. Each file has the
# columns of labels.tsv; the texts share the cache. A, B and D (fresh_ru_kk, fresh_tg_en,
# fresh_d_*) were split by site folds, 1-3 tuned on and 4-5 held out until session 25.
FRESH_GLOB = "fresh_[dtr]*.tsv"  # fresh_ru_kk, fresh_tg_en, fresh_d_*
# Batches held out whole when they came, each measured once before it was tuned on: C
# (gathered in session 21), E and F (session 25), H (session 26), I and K (session 27), M
# (session 28). (letter, files, the session that first tuned on it)
TUNED_BATCHES = (
    ("C", "fresh_c_*.tsv", 25),
    ("E", "fresh_e_*.tsv", 25),
    ("F", "fresh_f_*.tsv", 25),
    ("H", "fresh_h_*.tsv", 26),
    ("I", "fresh_i_*.tsv", 27),
    ("K", "fresh_k_*.tsv", 27),
    ("M", "fresh_m_*.tsv", 28),
)
# Batches never tuned on, the held-out figures: G (session 25, gathered after F was tuned on),
# J (session 27, gathered while I was tuned on), L (session 27, gathered last) and N (session
# 28, gathered beside M). (letter, files)
HELD_OUT_BATCHES = (
    ("G", "fresh_g_*.tsv"),
    ("J", "fresh_j_*.tsv"),
    ("L", "fresh_l_*.tsv"),
    ("N", "fresh_n_*.tsv"),
)
CACHE = HERE.parent / "cache" / "relevance"
FOLDS = 5
# The topic is a hand-written rule definition: it is tuned on these folds only and judged on
# the others (see README.md, "Relevance of the built-in topic").
DEV_FOLDS = (1, 2, 3)
HELD_OUT_FOLDS = (4, 5)


class CacheMissing(RuntimeError):
    """The texts of the corpus are not on this machine."""


@dataclass(frozen=True)
class Item:
    id: str
    lang: str
    label: int
    kind: str
    site: str
    url: str
    text: str

    @property
    def fold(self) -> int:
        return fold_of(self.site)

    @property
    def title(self) -> str:
        """The first line of the text, for listings (the cached texts have no title field)."""
        first = next((line.strip() for line in self.text.splitlines() if line.strip()), "")
        return first if len(first) <= 70 else first[:69] + "…"


def site_group(site: str) -> str:
    """Sites of one publisher share a fold: ar.inform.kz and en.inform.kz are inform.kz."""
    host = site.lower().removeprefix("www.")
    parts = host.split(".")
    return ".".join(parts[-2:]) if len(parts) > 2 else host


def fold_of(site: str) -> int:
    """1..5 from a hash of the site's group: stable while the corpus grows."""
    digest = hashlib.sha256(site_group(site).encode("utf-8")).digest()
    return int.from_bytes(digest[:4], "big") % FOLDS + 1


def load_fresh(
    cache: Path = CACHE, pattern: str = FRESH_GLOB, skipped: list[str] | None = None
) -> list[Item]:
    """The fresh batches (none when no such file is committed)."""
    return [
        item
        for path in sorted(HERE.glob(pattern))
        for item in load_items(path, cache, skipped=skipped)
    ]


def load_items(
    labels: Path = LABELS, cache: Path = CACHE, skipped: list[str] | None = None
) -> list[Item]:
    """Every labelled item with its cached text; CacheMissing names what is absent, unless
    `skipped` is given: then the absent items are left out and their ids appended to it (a
    cache rebuilt only in part, when the search tool's budget ran out)."""
    with labels.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    missing = [row["id"] for row in rows if not (cache / f"{row['id']}.txt").is_file()]
    if missing and skipped is not None:
        skipped.extend(missing)
        rows = [row for row in rows if row["id"] not in set(missing)]
    elif missing:
        shown = ", ".join(missing[:5]) + (", …" if len(missing) > 5 else "")
        raise CacheMissing(
            f"{len(missing)} of {len(rows)} texts are not in {cache} ({shown}).\n"
            f"The texts are third-party and not in git: rebuild the cache as "
            f"{HERE / 'README.md'} describes (each row's url, or its query)."
        )
    return [
        Item(
            id=row["id"],
            lang=row["lang"],
            label=int(row["label"]),
            kind=row["kind"],
            site=row["site"],
            url=row["url"],
            text=(cache / f"{row['id']}.txt").read_text(encoding="utf-8"),
        )
        for row in rows
    ]
