"""The one Chromium that draws exported images (PNG, SVG, PDF), kept for the whole process.

PNG/SVG/PDF are drawn by kaleido 1.x in ONE Chromium (Debian's /usr/bin/chromium, found by
kaleido; never downloaded). Starting Chromium costs ~2-3 s, a warm render ~0.1-0.25 s, so the
browser is started lazily on the first image and reused. A module lock serialises every use of
it: Streamlit runs each session in its own thread, and the browser is one shared resource.

Why not `kaleido.start_sync_server()`: when Chromium cannot start (missing, crashed at launch)
its worker thread dies and the next `calc_fig_sync` blocks forever on `Queue.join()` — an
editor's click would hang the session. It also silently reroutes every `fig.to_image()` of the
process through the same unlocked browser. `_Renderer` below is the same idea (one `Kaleido`
on a private event loop thread) with a timeout on each call, a health check and a restart.
"""

from __future__ import annotations

import asyncio
import atexit
import threading
from collections.abc import Coroutine
from typing import Any

import plotly.graph_objects as go

from dashboard.errors import DashboardError

IMAGE_FORMATS = ("png", "svg", "pdf")  # the formats Chromium draws
RENDER_TIMEOUT_S = 60.0  # a render never takes this long; past it the browser is restarted


def _fast_kaleido_class() -> type:
    """kaleido.Kaleido that hands the bytes back before the tab's reload, not after.

    Stock kaleido reloads the tab (the plotly.js page, ~0.17 s here) inside every call, after
    the render (~0.05 s). Here the reload runs in the background and the next call waits for
    the tab as usual, so an editor's click costs the render only. `_return_kaleido_tab` is a
    private hook of kaleido 1.x: if a later version renames it, the override is simply never
    called — same images, stock speed.
    """
    import kaleido

    class FastKaleido(kaleido.Kaleido):
        on_broken: Any = None  # called when a background reload failed

        async def _return_kaleido_tab(self, tab: Any) -> None:
            parent = super()._return_kaleido_tab
            task = asyncio.get_running_loop().create_task(parent(tab))
            self._reloads = getattr(self, "_reloads", set())
            self._reloads.add(task)
            task.add_done_callback(self._reloaded)

        def _reloaded(self, task: asyncio.Task[Any]) -> None:
            self._reloads.discard(task)
            if not task.cancelled() and task.exception() is not None and self.on_broken:
                self.on_broken()  # the tab never came back to the queue

        async def close(self) -> None:
            if reloads := list(getattr(self, "_reloads", ())):
                await asyncio.wait(reloads, timeout=5)
            await super().close()

    return FastKaleido


class _Renderer:
    """One kaleido `Kaleido` (one Chromium, one tab) on a private asyncio loop thread.

    Not thread-safe by itself: callers hold `_LOCK`. Starts on first use, restarts when the
    browser died or a call timed out.
    """

    def __init__(self) -> None:
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._kaleido: Any = None
        self._broken = False

    def _run(self, coro: Coroutine[Any, Any, Any], timeout: float = RENDER_TIMEOUT_S) -> Any:
        assert self._loop is not None
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        try:
            return future.result(timeout)
        except TimeoutError:
            future.cancel()
            self._broken = True
            raise

    @property
    def running(self) -> bool:
        proc = getattr(self._kaleido, "subprocess", None)
        return (
            self._kaleido is not None
            and not self._broken
            and self._thread is not None
            and self._thread.is_alive()
            and (proc is None or proc.poll() is None)
        )

    def start(self) -> None:
        from kaleido.errors import ChromeNotFoundError

        if self._thread is None or not self._thread.is_alive():
            self._loop = asyncio.new_event_loop()
            self._thread = threading.Thread(
                target=self._loop.run_forever, name="dashboard-kaleido", daemon=True
            )
            self._thread.start()
        cls = _fast_kaleido_class()

        async def open_browser() -> Any:
            # mathjax=False: kaleido's default page would fetch MathJax from a CDN.
            k = cls(n=1, timeout=RENDER_TIMEOUT_S - 5, mathjax=False)
            k.on_broken = self._mark_broken
            await k.open()
            return k

        try:
            self._kaleido = self._run(open_browser())
        except ChromeNotFoundError as exc:
            raise DashboardError(
                "Chromium not found: PNG/SVG/PDF exports need /usr/bin/chromium "
                "(`make chromium` or `apt-get install chromium`); HTML, CSV and JSON still work"
            ) from exc
        except Exception as exc:
            self.stop()
            raise DashboardError(f"Chromium did not start for exports ({exc})") from exc
        self._broken = False

    def _mark_broken(self) -> None:
        self._broken = True

    def stop(self) -> None:
        k, self._kaleido = self._kaleido, None
        if k is not None and self._thread is not None and self._thread.is_alive():
            try:
                self._run(k.close(), timeout=15)
            except Exception:
                proc = getattr(k, "subprocess", None)
                if proc is not None and proc.poll() is None:
                    proc.kill()
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=5)
            if not self._thread.is_alive():
                self._loop.close()
        self._loop, self._thread, self._broken = None, None, False

    def render(self, fig_dict: dict[str, Any], opts: dict[str, Any]) -> bytes:
        from kaleido.errors import JavascriptError

        for attempt in (1, 2):
            if not self.running:
                self.stop()
                self.start()
            try:
                return self._run(self._kaleido.calc_fig(fig_dict, opts=opts))
            except JavascriptError as exc:
                # plotly.js refused the figure itself: a new browser would not help.
                raise DashboardError(f"the chart could not be drawn ({exc})") from exc
            except Exception as exc:
                # Browser gone (killed, crashed, out of memory) or stuck: a fresh one, once.
                self._broken = True
                if attempt == 2:
                    raise DashboardError(f"Chromium failed while exporting ({exc!r})") from exc
        raise AssertionError("unreachable")


_LOCK = threading.Lock()
_RENDERER = _Renderer()


def warm_up() -> None:
    """Start the export browser now (e.g. when the app starts) instead of on the first click."""
    with _LOCK:
        if not _RENDERER.running:
            _RENDERER.stop()
            _RENDERER.start()


def shutdown() -> None:
    """Close the export browser now; it is started again by the next image export."""
    with _LOCK:
        _RENDERER.stop()


@atexit.register
def _close_at_exit() -> None:
    # A clean close removes Chromium's profile folder; never wait on a stuck export though.
    if _LOCK.acquire(timeout=2):
        try:
            _RENDERER.stop()
        finally:
            _LOCK.release()


def render_image(fig: go.Figure, fmt: str, *, width: int, height: int, scale: float = 1) -> bytes:
    """Raw kaleido output of an already framed figure (no frame, no metadata)."""
    if fmt not in IMAGE_FORMATS:
        raise DashboardError(f"unknown image format {fmt!r}; choose {', '.join(IMAGE_FORMATS)}")
    opts = dict(format=fmt, width=width, height=height, scale=scale)
    fig_dict = fig.to_dict()
    with _LOCK:
        return _RENDERER.render(fig_dict, opts)
