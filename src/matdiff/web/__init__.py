"""matdiff's local web app: a page and a JSON API over the public API.

Modules: :mod:`.results` (the JSON of requests and parsed input; the JSON of results, shared
with the command line, is :mod:`matdiff.presentation`),
:mod:`.worker` (derivations in worker processes with a work-time budget), :mod:`.app` (the
Starlette application) and :mod:`.server` (``matdiff serve`` on uvicorn).  Importing this
package imports no web framework: only :mod:`.app` and :mod:`.server` do.
"""

__all__: list[str] = []
