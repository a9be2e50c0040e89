"""What the AppTest benchmarks share: walking AppTest's element tree, and a quiet Streamlit logger."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import streamlit.logger


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
