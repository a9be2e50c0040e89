"""What the benchmarks share: walking AppTest's element tree, a quiet Streamlit logger, a throwaway
PostgreSQL cluster for ``--store postgres``, and percentiles."""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import streamlit.logger

# A benchmark's exit status when ``--store postgres`` finds no PostgreSQL to start (automake's "skipped"):
# tests/test_benchmarks_run.py skips on it, except in CI.
NO_POSTGRES = 77


def quiet_streamlit() -> None:
    """Setting AppTest's session state between runs warns 'missing ScriptRunContext': expected here.

    A filter, because every ``AppTest.run()`` resets Streamlit's log level.
    """
    for name in ("streamlit.runtime.scriptrunner_utils.script_run_context", "streamlit"):
        streamlit.logger.get_logger(name).addFilter(
            lambda record: "missing ScriptRunContext" not in record.getMessage()
        )


def leaves(node: Any) -> Iterator[Any]:
    """Every element of an AppTest tree (containers opened up)."""
    children = getattr(node, "children", None)
    if isinstance(children, dict):
        for child in children.values():
            yield from leaves(child)
    else:
        yield node


def share_script_cache() -> None:
    """Give every AppTest run one script cache, as ``streamlit run`` does.

    A server's ``Runtime`` holds one ``ScriptCache`` for all sessions and runs, so it compiles a
    page file once; AppTest's ``LocalScriptRunner`` makes a new one per run, so every timed run would
    compile the main script and the page again (for Samenspel's *Spelen* page about 15 ms with
    Streamlit's "magic" AST pass), a cost no user of a server ever waits for. Applied to the app and
    to its baseline alike.
    """
    from streamlit.runtime.scriptrunner.script_cache import ScriptCache
    from streamlit.testing.v1 import app_test, local_script_runner

    shared = ScriptCache()
    for module in (app_test, local_script_runner):  # each makes a new one per run, by this name
        module.ScriptCache = lambda: shared  # type: ignore[attr-defined]


def mirror_script(tree: Any, on_click: str = "chosen") -> str:
    """A bare Streamlit script that draws the same elements as an AppTest tree: same kinds, same
    texts, same containers (chat messages, expanders, popovers, columns, the sidebar), buttons
    with the same keys and a callback named ``on_click``. No app logic: timing it gives what
    Streamlit itself costs for the page, the baseline an app's own work is compared with."""
    lines = ["import streamlit as st", "", f"def {on_click}():", "    st.session_state['clicks'] = 1", ""]
    unnamed = iter(range(1_000_000))

    def key(node: Any) -> str:
        return getattr(node, "key", None) or f"mirror-{next(unnamed)}"

    def emit(node: Any, depth: int) -> None:
        pad = "    " * depth
        kind = type(node).__name__
        proto = getattr(node, "proto", None)
        found = getattr(node, "children", None)
        children = list(found.values()) if isinstance(found, dict) else []
        if kind == "ElementTree":
            for child in children:
                emit(child, depth)
            return
        if kind == "SpecialBlock":
            if node.type == "sidebar":
                lines.append(f"{pad}with st.sidebar:")
                lines.append(f"{pad}    pass")
                for child in children:
                    emit(child, depth + 1)
            elif node.type == "main":
                for child in children:
                    emit(child, depth)
            return
        block = None if kind not in {"Block", "Column", "Expander", "ChatMessage"} else kind
        if block is not None:
            which = getattr(node, "type", None)
            if (
                kind == "Block"
                and which == "flex_container"
                and children
                and all(type(c).__name__ == "Column" for c in children)
            ):
                names = ", ".join(f"c{depth}_{i}" for i in range(len(children)))
                lines.append(f"{pad}{names}{',' if len(children) == 1 else ''} = st.columns({len(children)})")
                for i, column in enumerate(children):
                    lines.append(f"{pad}with c{depth}_{i}:")
                    lines.append(f"{pad}    pass")
                    for child in column.children.values():
                        emit(child, depth + 1)
                return
            opener = "st.container()"
            if kind == "Expander":
                opener = f"st.expander({proto.label!r})"
            elif kind == "ChatMessage":
                opener = f"st.chat_message({proto.name!r}, avatar={proto.avatar!r})"
            elif which == "popover":
                opener = f"st.popover({proto.popover.label!r})"
            lines.append(f"{pad}with {opener}:")
            lines.append(f"{pad}    pass")
            for child in children:
                emit(child, depth + 1)
            return
        body = getattr(proto, "body", "")
        call = {
            "Markdown": f"st.markdown({body!r})",
            "Caption": f"st.caption({body!r})",
            "Title": f"st.title({body!r})",
            "Header": f"st.header({body!r})",
            "Subheader": f"st.subheader({body!r})",
            "Divider": "st.divider()",
            "Text": f"st.text({body!r})",
            "Metric": f"st.metric({getattr(proto, 'label', '')!r}, {body!r})",
            "Toggle": f"st.toggle({getattr(proto, 'label', '')!r}, key={key(node)!r})",
            "Checkbox": f"st.checkbox({getattr(proto, 'label', '')!r}, key={key(node)!r})",
            "Button": f"st.button({getattr(proto, 'label', '')!r}, key={key(node)!r}, "
            f"on_click={on_click}, width='stretch')",
        }.get(kind, f"st.markdown({body or ' '!r})")
        lines.append(pad + call)

    emit(tree, 0)
    return "\n".join(lines) + "\n"


# --- PostgreSQL ------------------------------------------------------------------------------------


@contextmanager
def postgres_cluster() -> Iterator[Any]:
    """A throwaway PostgreSQL cluster (``tests/pg_cluster.py``: Debian's binaries, a temporary folder, a
    free port of 127.0.0.1), stopped and removed afterwards. Exits with ``NO_POSTGRES`` when there is none."""
    from tests.pg_cluster import Cluster, Unavailable

    try:
        cluster = Cluster.start()
    except Unavailable as exc:
        print(f"PostgreSQL is not available here: {exc}", file=sys.stderr)
        raise SystemExit(NO_POSTGRES) from None
    try:
        yield cluster
    finally:
        cluster.stop()


def make_durable(cluster: Any, vacuum: Sequence[str] = ()) -> str:
    """Restart a throwaway cluster as a production server for what is measured next.

    ``tests/pg_cluster.py`` starts it with fsync, full-page writes and synchronous commit off and 32 MB of
    shared buffers: right for tests and for seeding, wrong for timing a save. Those settings are options of
    the server's command line, which outrank ``ALTER SYSTEM``, so the server is restarted (``pg_ctl
    restart``, the cluster's own binaries, user, folder and port) without them: PostgreSQL's defaults, so
    every commit waits for its WAL to reach the disk. First the databases in ``vacuum`` get ``VACUUM
    ANALYZE`` (what autovacuum does on a server that has held its data a while) and a checkpoint writes the
    seeding's pages, so neither happens during the measurement. Returns the settings the server reports.
    """
    import psycopg

    for url in vacuum:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("VACUUM ANALYZE")
    with psycopg.connect(cluster.url(), autocommit=True) as conn:
        conn.execute("CHECKPOINT")
    options = f"-p {cluster.port} -k {cluster.folder} -c listen_addresses=127.0.0.1 -c max_connections=300"
    subprocess.run(
        [
            *cluster.as_user,
            str(cluster.bin / "pg_ctl"),
            "restart",
            "-D",
            str(cluster.data),
            "-m",
            "fast",
            "-w",
            "-t",
            "120",
            "-l",
            str(cluster.folder / "server.log"),
            "-o",
            options,
        ],
        check=True,
        capture_output=True,
        timeout=180,
        cwd=cluster.folder,
        env={**{k: v for k, v in os.environ.items() if not k.startswith("PG")}, "LC_ALL": "C"},
    )
    settings = ("fsync", "synchronous_commit", "full_page_writes", "shared_buffers")
    with psycopg.connect(cluster.url(), autocommit=True) as conn:
        shown = [conn.execute(f"SHOW {name}".encode()).fetchone() for name in settings]
    return ", ".join(f"{name}={row[0] if row else '?'}" for name, row in zip(settings, shown, strict=True))


def server_version(url: str) -> str:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        row = conn.execute("SHOW server_version").fetchone()
    return f"PostgreSQL {row[0].split()[0] if row else '?'}"


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[-1] if len(values) >= 2 else values[0]


def load_note() -> str:
    """What else ran on the machine: the 1-minute load average against the cores."""
    try:
        one, _, _ = os.getloadavg()
    except OSError:
        return ""
    return f"load average {one:.1f} on {os.cpu_count()} cores"
