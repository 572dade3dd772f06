"""The Prefect adapter: the library's steps as flows and tasks, for operators.

* ``flows``: the four flows (``i18npub-pipeline``, ``-ingest``, ``-translate``, ``-publish``);
* ``tasks``: their task runs (retries, caching, concurrency limits) and the runner that maps
  units of work onto them;
* ``artifacts``: what a run leaves in the Prefect UI;
* ``local``: ``i18npub run --prefect`` (a flow run in the CLI's process);
* ``server``: a quiet Prefect server on 127.0.0.1 for that and for the tests;
* ``deployments``: the ``prefect.yaml`` of a project (``i18npub init --prefect``).

The library never imports this package; importing it (or ``server``, ``deployments``)
does not import Prefect either, so the CLI loads Prefect only for a command that runs a flow.
``docs/operators.md`` says how to serve, deploy, run and scale the flows.
"""
