"""Execute the exercise notebooks, so the site shows the outputs the code really produced.

The sources are jupytext percent-format scripts in ``snippets/notebooks/`` (reviewable
text: no JSON, no committed outputs). Each one is an artifact: it is converted to a
notebook, executed top to bottom in a fresh Python kernel (nbclient; working directory
the repository root) and written, outputs included, to ``exercises/<name>.ipynb`` in
the cache. mkdocs-jupyter renders that file as the page ``exercises/<name>/`` with
``execute: false``: its own cache keys only the notebook's bytes, whereas this one keys
the source's bytes and this module's code, so a notebook runs again exactly when its
source or the executor changes.

A cell that raises stops the build with one line naming the notebook, the cell and the
line of the source (:class:`NotebookError`). The kernel gets one CPU thread (the
networks are tiny, and the outputs then do not depend on the machine's core count), the
inline matplotlib backend, and no ``MNIST_PATH``, so the published page always shows the
bundled ``digits`` run.

Most of a notebook's time is spent starting the kernel and importing torch. So each
kernel imports, while it starts, the modules its notebook imports (:func:`warm_up`:
found in the source, bound to no name, so a notebook that forgets an import still
fails), and while the build executes one notebook, a spare kernel is already starting
on the other core (:class:`_Kernels`), importing what any notebook after it imports, so
that it serves whichever one is out of date next. A spare that no notebook takes is
shut down when the process exits. The kernels talk over Linux abstract-namespace IPC
sockets, which leave no file behind and vanish with their process; their connection
files (which hold their keys) live in one private scratch folder in the cache, removed
with them at exit, and by the next build should the build be killed (a scratch folder,
:data:`actdocs.engine.build.SCRATCH`). A build that is stopped kills the kernel running a
notebook at once (``Artifact.cancel``); a kernel whose build died ends by itself
(ipykernel watches its parent).

The notebooks import only torch, matplotlib, numpy and scikit-learn, never ``actdocs``:
a reader downloads one and runs it as is.
"""

from __future__ import annotations

import ast
import atexit
import os
import re
import secrets
import shutil
import signal
import tempfile
import threading
from contextlib import contextmanager
from functools import lru_cache
from importlib.metadata import version
from pathlib import Path
from typing import Iterator, Mapping, Sequence

from actdocs.engine.artifact import REPO_ROOT, Artifact, Context
from actdocs.engine.build import SCRATCH
from actdocs.engine.errors import ListingError

SOURCES = "snippets/notebooks"
#: Cache folder of the executed notebooks; also the site folder of their pages
#: (mkdocs-jupyter matches its ``include: ["exercises/*.ipynb"]`` against this path).
OUTPUT = "exercises"
#: Seconds one cell may run before the build gives up on it.
CELL_TIMEOUT = 120
KERNEL = "python3"
#: Environment variables the kernel gets on top of the build's own.
KERNEL_ENV = {
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
    "PYDEVD_DISABLE_FILE_VALIDATION": "1",  # no debugger warning on the kernel's stderr
}
#: Variables removed from the kernel's environment: each would change what a page shows.
KERNEL_ENV_DROP = ("MNIST_PATH", "MPLBACKEND")
#: Packages whose version changes what a notebook prints (beyond the build's own set).
PACKAGES = ("numpy", "scikit-learn", "jupytext", "nbformat", "nbclient", "ipykernel")

#: Imported lazily by torch's optimisers (about 1.5 s): warmed up for notebooks using one.
LAZY_IMPORTS = {"torch.optim": ("torch._dynamo",)}

KERNELSPEC = {"name": KERNEL, "display_name": "Python 3 (ipykernel)", "language": "python"}
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


class NotebookError(ListingError):
    """A notebook failed to execute: one line naming it, the cell and the source line."""


def source_paths(root: Path = REPO_ROOT) -> list[Path]:
    """Every notebook source, sorted by name."""
    return sorted((root / SOURCES).glob("*.py"))


def output_name(source: Path) -> str:
    """Cache path (and site path) of the executed notebook made from ``source``."""
    return f"{OUTPUT}/{Path(source).stem}.ipynb"


def load(source: Path):
    """The notebook of a percent-format source, without outputs, with stable cell ids."""
    import jupytext

    nb = jupytext.read(Path(source), fmt="py:percent")
    nb.metadata.pop("jupytext", None)  # the download is a plain notebook, not a paired one
    nb.metadata["kernelspec"] = dict(KERNELSPEC)
    for index, cell in enumerate(nb.cells, 1):
        cell.id = f"cell-{index:02d}"  # jupytext draws random ids: keep the file stable
    return nb


def warm_up(source: Path) -> tuple[str, ...]:
    """The modules the notebook of ``source`` imports at module level, in order (for
    ``from a import b``: ``a`` and ``a.b``, which may be a module), plus the lazy imports
    of :data:`LAZY_IMPORTS` that its text calls for."""
    text = Path(source).read_text(encoding="utf-8")
    found: dict[str, None] = {}
    for node in ast.parse(text).body:
        if isinstance(node, ast.Import):
            found.update((alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found[node.module] = None
            found.update((f"{node.module}.{alias.name}", None) for alias in node.names)
    for trigger, modules in LAZY_IMPORTS.items():
        if trigger in text:
            found.update((module, None) for module in modules)
    return tuple(found)


def _warm_up_code(modules: tuple[str, ...]) -> str:
    """A cell importing ``modules`` (misses ignored) that leaves no name behind."""
    return (
        "import importlib as _importlib\n"
        f"for _module in {modules!r}:\n"
        "    try:\n"
        "        _importlib.import_module(_module)\n"
        "    except ImportError:\n"
        "        pass\n"
        "del _importlib\n"
        "_module = None\n"
        "del _module\n"
    )


def kernel_env(overrides: Mapping[str, str] | None = None) -> dict[str, str]:
    """The kernel's environment: the build's, minus :data:`KERNEL_ENV_DROP`, plus
    :data:`KERNEL_ENV` and ``overrides``."""
    env = {k: v for k, v in os.environ.items() if k not in KERNEL_ENV_DROP}
    env.update(KERNEL_ENV)
    env.update(overrides or {})
    return env


class _Kernels:
    """Starts the kernels, on abstract IPC sockets, with their connection files in a
    private folder.

    ``take`` returns a started kernel: the spare when one was started ahead for the same
    root and environment and its warm-up covers the notebook's, else a new one.
    ``start_spare`` starts one now. ``running`` wraps a notebook's execution.

    ``kill`` (the notebooks' ``Artifact.cancel``: a build that stops calls it from its
    main thread) kills every kernel, the one running a notebook included, with signals
    only: a kernel's sockets belong to the thread running its notebook, which sees the
    kernel die within a second and tidies up. An execution that began before a kill
    starts no kernel after it (see ``epoch``), and nbclient's clean-up at exit skips the
    clients it killed, since it would touch those sockets from the main thread. ``close``
    (at exit) kills what is left and removes the folder: the connection files hold the
    kernels' keys. The folder is made, at the first start, in the folder the first
    execution names (the build's cache, whose next build removes it should this process
    be killed), else in the system's temporary folder.
    """

    def __init__(self) -> None:
        self._spare = None  # ((root, environment), warmed-up modules, kernel manager)
        self._folder: Path | None = None  # the connection files
        self._token = secrets.token_hex(4)  # the sockets' names: this process's own
        self._started = 0
        self._live: list = []  # every manager started and not yet seen stopped
        self._clients: list = []  # notebook clients executing now
        self._kills = 0  # an execution keeps the count it began with: its epoch
        self._lock = threading.Lock()  # ``kill`` comes from another thread
        atexit.register(self.close)

    def epoch(self) -> int:
        """The number of kills so far; pass it to the calls of one execution."""
        return self._kills

    def _check(self, epoch: int) -> None:
        if epoch != self._kills:
            raise RuntimeError("the build stopped")

    def _start(self, root: Path, env: dict[str, str], modules: tuple[str, ...], epoch: int, scratch: Path | None):
        from jupyter_client.manager import AsyncKernelManager
        from jupyter_core.utils import run_sync
        from traitlets.config import Config

        with self._lock:
            self._check(epoch)
            if self._folder is None:
                self._folder = Path(tempfile.mkdtemp(dir=scratch, prefix=f"{SCRATCH}kernels-" if scratch else "actdocs-kernels-"))
            self._started += 1
            # IPC sockets in Linux's abstract namespace ("@" name): no TCP port, no
            # "unencrypted TCP" warning, and no socket file to leave behind. Each kernel
            # has its own name: two starting at once could pick the same one.
            sockets = f"@actdocs-{os.getpid()}-{self._token}-k{self._started}"
            connection = self._folder / f"k{self._started}.json"
            config = Config({"KernelManager": {"transport": "ipc", "ip": sockets, "connection_file": str(connection)}})
            manager = AsyncKernelManager(kernel_name=KERNEL, config=config)
            arguments = ["--HistoryManager.hist_file=:memory:", f"--IPKernelApp.exec_lines={_warm_up_code(modules)}"]
            run_sync(manager.start_kernel)(extra_arguments=arguments, env=env, cwd=str(root))
            self._live = [m for m in self._live if m.has_kernel] + [manager]
        return manager

    def take(self, root: Path, env: dict[str, str], modules: tuple[str, ...], epoch: int, scratch: Path | None):
        spare, self._spare = self._spare, None
        if spare is not None:
            key, warmed, manager = spare
            if key == (str(root), tuple(sorted(env.items()))) and set(modules) <= set(warmed) and self._alive(manager):
                return manager
            self._stop(manager)
        return self._start(root, env, modules, epoch, scratch)

    def start_spare(self, root: Path, env: dict[str, str], modules: tuple[str, ...], epoch: int,
                    scratch: Path | None) -> None:
        if self._spare is None:
            key = (str(root), tuple(sorted(env.items())))
            self._spare = (key, modules, self._start(root, env, modules, epoch, scratch))

    @contextmanager
    def running(self, client, epoch: int) -> Iterator[None]:
        """Note ``client`` as executing while the block runs (unless a kill came first)."""
        with self._lock:
            self._check(epoch)
            self._clients.append(client)
        try:
            yield
        finally:
            with self._lock:
                self._clients.remove(client)

    @staticmethod
    def _alive(manager) -> bool:
        from jupyter_core.utils import run_sync

        return manager.has_kernel and run_sync(manager.is_alive)()

    @staticmethod
    def _stop(manager) -> None:
        from jupyter_core.utils import run_sync

        try:
            if manager.has_kernel:
                run_sync(manager.shutdown_kernel)(now=True)
        except Exception:  # already gone: nothing to stop
            pass

    def kill(self) -> None:
        """Kill every kernel still running, the one executing a notebook included."""
        with self._lock:
            self._kills += 1
            self._spare = None
            live, self._live = self._live, []
            for client in self._clients:
                client.killed = True
        for manager in live:
            if not manager.has_kernel:  # shut down already: its pid may be another's now
                continue
            try:
                os.killpg(manager.provisioner.pgid or manager.provisioner.pid, signal.SIGKILL)
            except OSError:  # already gone
                pass

    def close(self) -> None:
        """Kill every kernel still running and remove the private folder (at exit)."""
        self.kill()
        with self._lock:
            if self._folder is not None:
                shutil.rmtree(self._folder, ignore_errors=True)
                self._folder = None


_KERNELS = _Kernels()


@lru_cache(maxsize=1)
def _client_class():
    """nbclient's client, with a clean-up at exit that skips a client whose kernel
    :meth:`_Kernels.kill` killed (nbclient registers it while a notebook runs)."""
    from nbclient import NotebookClient

    class _Client(NotebookClient):
        killed = False

        def _cleanup_kernel(self) -> None:  # type: ignore[override]
            if not self.killed:
                super()._cleanup_kernel()

    return _Client


def execute(source: Path, *, root: Path = REPO_ROOT, timeout: int = CELL_TIMEOUT,
            env: Mapping[str, str] | None = None, start_next: Sequence[Path] = (),
            scratch: Path | None = None):
    """Run the notebook of ``source`` top to bottom in a fresh kernel; return it, executed.

    Raises :class:`NotebookError` (one line) when a cell raises, times out or the kernel
    dies. ``env`` adds variables to the kernel's environment (tests use it).
    ``start_next`` (sources) starts a spare kernel for the first of those notebooks that
    will run next, before running this one. ``scratch`` is the folder in which the
    kernels' connection files get their private folder (the build's cache).
    """
    from nbclient.exceptions import CellExecutionError

    source = Path(source)
    nb = load(source)
    kernel_environment = kernel_env(env)
    epoch = _KERNELS.epoch()
    try:
        manager = _KERNELS.take(root, kernel_environment, warm_up(source), epoch, scratch)
        if start_next:
            following = dict.fromkeys(module for path in start_next for module in warm_up(path))
            _KERNELS.start_spare(root, kernel_environment, tuple(following), epoch, scratch)
        client = _client_class()(
            nb,
            km=manager,
            timeout=timeout,
            allow_errors=False,
            record_timing=False,
            resources={"metadata": {"path": str(root)}},
        )
        with _KERNELS.running(client, epoch):
            client.execute(cleanup_kc=True)  # the client shuts the kernel down when done
    except CellExecutionError as err:
        raise NotebookError(_describe_failure(source, nb, err)) from None
    except Exception as err:  # timeout, dead kernel, kernel that would not start
        first = str(err).strip().splitlines()[:1] or [""]
        raise NotebookError(f"{source.name} failed: {type(err).__name__}: {first[0]}") from None
    errors = [i for i, cell in enumerate(nb.cells, 1) if _error_output(cell)]
    if errors:  # a cell tagged raises-exception would slip through nbclient
        raise NotebookError(f"{source.name} has an error output in cell {errors[0]}")
    return nb


def _error_output(cell) -> dict | None:
    return next((o for o in cell.get("outputs", []) if o.get("output_type") == "error"), None)


def _describe_failure(source: Path, nb, err) -> str:
    """``ex3.py: cell 7 (ex3.py:120) raised AssertionError: message`` from a failed run."""
    index = next((i for i, cell in enumerate(nb.cells) if _error_output(cell)), None)
    where = "a cell"
    if index is not None:
        where = f"cell {index + 1}"
        line = _source_line(source, index, nb.cells[index])
        if line:
            where += f" ({source.name}:{line})"
    message = " ".join(str(getattr(err, "evalue", "") or "").split())
    name = getattr(err, "ename", None) or type(err).__name__
    return f"{source.name}: {where} raised {name}" + (f": {message}" if message else "")


def _source_line(source: Path, index: int, cell) -> int | None:
    """The line of ``source`` where the failing cell ``index`` stopped: its ``# %%`` marker
    plus the line of the cell that IPython's traceback names (the marker when unknown)."""
    markers = [n for n, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1)
               if line.startswith("# %%")]
    if index >= len(markers):
        return None
    traceback = _ANSI.sub("", "\n".join(_error_output(cell).get("traceback", [])))
    # the failing cell's own frame ("Cell In[7], line 3"), not a function it called
    found = re.search(rf"Cell In\[{cell.get('execution_count')}\], line (\d+)", traceback)
    return markers[index] + (int(found[1]) if found else 0)


def load_executed(path: Path):
    """An executed notebook written by :func:`write` (from the cache)."""
    import nbformat

    return nbformat.reads(Path(path).read_text(encoding="utf-8"), as_version=4)


def write(nb, target: Path) -> None:
    """Write an executed notebook as JSON (``nbformat`` validates it on the way)."""
    import nbformat

    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(nbformat.writes(nb) + "\n", encoding="utf-8")


def _make(source: Path, following: tuple[Path, ...]):
    def make(out: Path, ctx: Context) -> None:
        write(execute(source, root=ctx.root, start_next=following, scratch=ctx.cache), out / output_name(source))

    return make


def artifacts(root: Path = REPO_ROOT) -> list[Artifact]:
    """One artifact per notebook source: the executed notebook, keyed by the source's bytes.

    Imports IPython, here in the build's main thread: the kernel manager imports it when
    it starts the first kernel in the background, and matplotlib, drawing figures in the
    main thread meanwhile, would find it half-imported (``IPython.version_info`` missing).
    """
    import IPython  # noqa: F401
    packages = {name: version(name) for name in PACKAGES}
    sources = source_paths(root)
    return [
        Artifact(
            name=f"notebook-{source.stem}",
            outputs=(output_name(source),),
            make=_make(source, following=tuple(sources[index + 1 :])),
            module="actdocs.execute.notebooks",
            params={"packages": packages},
            inputs=(f"{SOURCES}/{source.name}",),
            concurrent=True,  # kernels are processes: they run beside the rest of the build
            cancel=_KERNELS.kill,  # a build that stops kills the running kernel
        )
        for index, source in enumerate(sources)
    ]
