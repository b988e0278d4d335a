"""Event linking: quality on the development set (labels.tsv, texts in bench/cache/events) and
the time to link one article with many stored. `python -m bench.events --help`."""
