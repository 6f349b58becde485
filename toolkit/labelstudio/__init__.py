"""Label Studio: task files, and (with a server) push, pull and serve."""

from toolkit.labelstudio.tasks import build_tasks, write_tasks

__all__ = ["build_tasks", "write_tasks"]
