"""The worker plugin that gives each Dask worker its own ``WorkerModels`` (imports Dask: driver-side use only
after a client exists, and on the workers)."""

from __future__ import annotations

from distributed import WorkerPlugin

from crosscheck.distributed.tasks import PLUGIN_NAME, WorkerModels


class ModelsPlugin(WorkerPlugin):
    """Holds a worker's models; nothing is loaded until a task asks (a warm run loads nothing)."""

    name = PLUGIN_NAME
    idempotent = True  # registered by every run: a worker that has it keeps its loaded models

    def __init__(self) -> None:
        self.models: WorkerModels | None = None

    def setup(self, worker) -> None:  # noqa: ANN001 - a distributed.Worker
        self.models = WorkerModels()

    def teardown(self, worker) -> None:  # noqa: ANN001
        self.models = None


def register(client) -> None:  # noqa: ANN001 - a distributed.Client
    """Install the plugin on every worker, now and joining later (a no-op where it is installed)."""
    client.register_plugin(ModelsPlugin(), name=PLUGIN_NAME)
