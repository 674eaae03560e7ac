"""``sourceopt serve``: the HTTP service (FastAPI app, job store, workers, API keys).

Needs the optional extra ``sourceopt[service]``; importing :mod:`sourceopt` does not import it.
Entry points: :func:`sourceopt.service.app.create_app` and
:class:`sourceopt.service.settings.Settings`.
"""
