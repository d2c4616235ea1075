"""A Jupyter kernel on the Python running the tests, for suites that drive one with nbclient.

Whatever kernelspecs the machine has (or a notebook names), the kernel must be the
interpreter under test, so the tests see the toyloop on PYTHONPATH and this Python's
version.  Used by test_checker_in_a_kernel.py and test_notebook_hygiene.py.
"""

from __future__ import annotations

import sys
from typing import Any


def current_env_kernel_manager() -> Any:
    """A ``jupyter_client`` KernelManager that starts ``sys.executable``'s ipykernel."""
    from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
    from jupyter_client.manager import KernelManager

    class CurrentEnv(KernelSpecManager):
        """A kernel of the Python running the tests, whatever kernelspecs exist."""

        def get_kernel_spec(self, kernel_name):
            return KernelSpec(argv=[sys.executable, "-m", "ipykernel_launcher", "-f",
                                    "{connection_file}"],
                              display_name="current env", language="python")

    return KernelManager(kernel_name="current-env", kernel_spec_manager=CurrentEnv())
