"""Learner tools: the rich tracer, the ipywidgets explorer, the exercise checker.

They stay outside the core: each subscribes to a loop as an *instrument*
(``loop.add_instrument``), and no core module imports rich or ipywidgets.
Import them from their modules, for example::

    from toyloop.tools.tracer import run_traced, trace, Tracer
    from toyloop.tools.explorer import Explorer, LiveMonitor
    from toyloop.tools.checker import Exercise

(They are not re-exported here, so that importing the checker does not import
ipywidgets.)
"""
