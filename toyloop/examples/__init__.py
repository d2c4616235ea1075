"""Runnable examples that go with the notebooks (``python -m toyloop.examples.<name>``)."""
