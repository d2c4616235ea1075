"""Production extras: what the finished loop needs and the chapters do not teach.

Each module holds one concern as a mixin of chapter 5's ``EventLoop``
(``class EventLoop(AsyncgenMixin, TaskFactoryMixin, DatagramMixin,
SendfileMixin, SignalMixin, ThreadLoop, asyncio.AbstractEventLoop)``), so the
chapter modules read like their chapters and the loop stays one finished,
asyncio-compatible ``toyloop.EventLoop``:

* ``asyncgens``   -- async-generator hooks and ``shutdown_asyncgens``;
* ``taskfactory`` -- ``set_task_factory``/``get_task_factory``;
* ``datagram``    -- UDP: ``create_datagram_endpoint``, its transport, ``sock_sendto``...;
* ``sendfile``    -- ``sendfile``/``sock_sendfile`` (asyncio's read-and-send fallback);
* ``signals``     -- ``add_signal_handler`` through ``signal.set_wakeup_fd``.

They import chapters 2-4 and ``ch5_transports``; ``ch5_asyncio`` imports them.
"""
