"""The lock every start of a process in briefgen holds.

``build`` runs Pandoc in worker threads while the check forks worker processes. A
process forked while another thread holds the writing end of a pipe to Pandoc keeps
that end open, and Pandoc never sees the end of its input until that process exits.
Starting Pandoc and writing its input, and forking the check's workers, each hold
:data:`SPAWN_LOCK`, so that neither happens during the other.
"""

from __future__ import annotations

import threading

__all__ = ["SPAWN_LOCK"]

SPAWN_LOCK = threading.Lock()
