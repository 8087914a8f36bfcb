"""The deployment's tasks, registered with the composition root's parts (an entry point, like
the CLI and the web: it may import ``steward.bootstrap``). ``steward.jobs.registry.TASK_MODULES``
lists these modules, so every worker and every process that queues knows the same tasks."""
