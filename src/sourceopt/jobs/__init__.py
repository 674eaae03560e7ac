"""Jobs, shared by the batch and the HTTP service: what a job is, how it runs, how it fails.

- :mod:`~sourceopt.jobs.model`: :class:`FileJob` (a scenario file to solve, a batch's) and
  :class:`InlineJob` (a job kind on a scenario it carries, the service's);
- :mod:`~sourceopt.jobs.kinds`: the table of job kinds (``solve`` and each analysis) with
  their option models (:mod:`~sourceopt.jobs.options`);
- :mod:`~sourceopt.jobs.failures`: :class:`Failure` and its :class:`FailureKind`, and the one
  map from an exception to a failure;
- :mod:`~sourceopt.jobs.execute`: the one execution path (inside a worker process);
- :mod:`~sourceopt.jobs.worker`, :mod:`~sourceopt.jobs.supervise`,
  :mod:`~sourceopt.jobs.pool`, :mod:`~sourceopt.jobs.dask_task`: the supervised worker
  processes (memory cap, watchdog, crash handling, cancellation), locally or beside Dask.

Nothing is imported with the package: a worker process is started as
``python -m sourceopt.jobs.worker``, and a package that imported its own worker module first
would make runpy warn ("found in sys.modules ... prior to execution").
"""
