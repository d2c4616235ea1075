"""Learner tools: the rich tracer, the ipywidgets explorer, the exercise checker.

They stay outside the core: each subscribes to a loop as an *instrument*
(``loop.add_instrument``), and no core module imports rich or ipywidgets.
"""
