"""`newswatch web`: a read-only web view of what was collected, a JSON API and Atom feeds."""
