"""Events: reports of one happening (a call, a visit, a summit...) across outlets and languages.

A layer between storage and the crawler/alerts: `features` reads a report (pure), `scoring`
compares two reports (pure), `linking` decides under the writers' lock and stores the link.
"""
