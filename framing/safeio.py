"""Size- and shape-limited readers for files a user (or a stranger) hands us.

Every YAML read goes through :func:`load_yaml`, every JSON record through
:func:`loads_json`: both refuse input beyond a byte size, YAML also beyond a node
budget that counts alias expansion (the 536-byte "billion laughs" document of eight
levels of ``&a1 [*a0, *a0, ...]`` expands to 10^8 nodes and is refused before anything
is built), JSON beyond a nesting depth. They raise :class:`UnsafeInputError`, a
``ValueError`` whose message names the source and the limit; callers wrap it in their
own error (``CodebookError``, ``IngestError``).

The limits are module constants, documented in ``docs/security.md``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

__all__ = [
    "JSON_MAX_DEPTH",
    "UnsafeInputError",
    "YAML_MAX_BYTES",
    "YAML_MAX_NODES",
    "json_depth",
    "load_yaml",
    "loads_json",
    "read_text_limited",
]

#: Largest YAML document read (codebooks, boilerplate lists): 2 MiB.
YAML_MAX_BYTES = 2 * 1024 * 1024
#: Most YAML nodes a document may expand to, aliases counted every time they are used.
#: The largest built-in codebook has about 2,000.
YAML_MAX_NODES = 200_000
#: Deepest nesting of lists / objects accepted in one JSON record.
JSON_MAX_DEPTH = 64


class UnsafeInputError(ValueError):
    """Input refused because it exceeds a size, node or depth limit (or cannot be parsed safely)."""


# ---------------------------------------------------------------------- text
def read_text_limited(path: str | Path, max_bytes: int, *, what: str = "file") -> str:
    """Read a UTF-8 text file of at most ``max_bytes`` bytes.

    Raises
    ------
    UnsafeInputError
        The file is larger than ``max_bytes`` (it is not read).
    UnicodeDecodeError, OSError
        As ``Path.read_text`` would.
    """
    path = Path(path)
    with open(path, "rb") as fh:
        data = fh.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UnsafeInputError(f"{path}: {what} larger than the limit of {_size(max_bytes)}")
    return data.decode("utf-8")


def _size(n: int) -> str:
    return f"{n / 2**20:g} MiB" if n >= 2**20 else f"{n} bytes"


# ---------------------------------------------------------------------- YAML
class _DuplicateKeyError(yaml.constructor.ConstructorError):
    pass


class SafeYamlLoader(yaml.SafeLoader):
    """SafeLoader that rejects duplicate mapping keys (plain YAML keeps the last one silently,
    which would drop a frame's lexicon term or a whole field without notice)."""

    def construct_mapping(self, node, deep=False):
        seen: dict = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                hash(key)
            except TypeError:
                continue  # let SafeLoader raise its own error
            if key in seen:
                raise _DuplicateKeyError(
                    f"line {key_node.start_mark.line + 1}: duplicate key {key!r} "
                    f"(first at line {seen[key] + 1})"
                )
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)


def expanded_size(node: yaml.Node, limit: int) -> int:
    """Nodes the document under ``node`` expands to (an alias counts its whole target each time).

    Counted without building anything, without recursion, and stopping as soon as the
    count passes ``limit`` (the returned number is then just above ``limit``).
    """
    sizes: dict[int, int] = {}
    stack: list[tuple[yaml.Node, bool]] = [(node, False)]
    on_path: set[int] = set()
    while stack:
        current, children_done = stack.pop()
        key = id(current)
        if key in sizes:
            continue
        kids = _children(current)
        if not children_done:
            if key in on_path:  # a recursive alias: infinite expansion
                return limit + 1
            on_path.add(key)
            stack.append((current, True))
            stack.extend((k, False) for k in kids if id(k) not in sizes)
            continue
        on_path.discard(key)
        total = 1
        for k in kids:
            total += sizes.get(id(k), limit + 1)
            if total > limit:
                return limit + 1
        sizes[key] = total
    return sizes[id(node)]


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    if isinstance(node, yaml.MappingNode):
        return [n for pair in node.value for n in pair]
    return []


def load_yaml(text: str | bytes, *, source: str = "<yaml>", max_bytes: int = YAML_MAX_BYTES,
              max_nodes: int = YAML_MAX_NODES) -> Any:
    """Parse one YAML document with safe types only, within a size and node budget.

    Parameters
    ----------
    text : str or bytes
        The document.
    source : str
        Named in error messages (a file name).
    max_bytes : int, default :data:`YAML_MAX_BYTES`
    max_nodes : int, default :data:`YAML_MAX_NODES`
        Most nodes the document may expand to, each use of an alias counting its
        whole target again.

    Returns
    -------
    The Python value (dict, list, str, int, float, bool, None, date).

    Raises
    ------
    UnsafeInputError
        Too large, too many nodes after alias expansion, nested too deeply,
        a duplicate key, or not valid YAML; the message starts with ``source``.
    """
    size = len(text.encode("utf-8")) if isinstance(text, str) else len(text)
    if size > max_bytes:
        raise UnsafeInputError(f"{source}: YAML document of {size} bytes is larger than the limit of "
                               f"{_size(max_bytes)}")
    loader = SafeYamlLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        n = expanded_size(node, max_nodes)
        if n > max_nodes:
            raise UnsafeInputError(
                f"{source}: YAML document expands to more than {max_nodes} nodes (aliases counted every "
                "time they are used); refused"
            )
        return loader.construct_document(node)
    except _DuplicateKeyError as exc:
        raise UnsafeInputError(f"{source}: {exc}") from None
    except yaml.YAMLError as exc:
        raise UnsafeInputError(f"{source}: not valid YAML ({exc})") from None
    except RecursionError:
        raise UnsafeInputError(f"{source}: YAML nested too deeply") from None
    finally:
        loader.dispose()


# ---------------------------------------------------------------------- JSON
def json_depth(value: Any, limit: int) -> int:
    """Nesting depth of a parsed JSON value (0 for a scalar), counting no further than ``limit + 1``."""
    deepest = 0
    stack = [(value, 0)]
    while stack:
        current, depth = stack.pop()
        if isinstance(current, dict):
            items = current.values()
        elif isinstance(current, list):
            items = current
        else:
            continue
        depth += 1
        if depth > deepest:
            deepest = depth
            if deepest > limit:
                return deepest
        stack.extend((v, depth) for v in items if isinstance(v, (dict, list)))
    return deepest


def loads_json(text: str | bytes, *, max_depth: int = JSON_MAX_DEPTH, max_bytes: int | None = None,
               strict: bool = True) -> Any:
    """``json.loads`` that refuses documents nested deeper than ``max_depth`` or larger than ``max_bytes``.

    ``strict=False`` accepts raw control characters (tabs, newlines, NUL) inside strings, as
    sloppy exporters write them.

    Raises
    ------
    json.JSONDecodeError
        Malformed JSON (as ``json.loads``).
    UnsafeInputError
        Too deep or too large; the message says which limit.
    """
    if max_bytes is not None and len(text) > max_bytes:
        raise UnsafeInputError(f"JSON record of {len(text)} bytes is larger than the limit of {_size(max_bytes)}")
    try:
        value = json.loads(text, strict=strict)
    except RecursionError:
        raise UnsafeInputError(f"JSON nested more than {max_depth} levels deep") from None
    if json_depth(value, max_depth) > max_depth:
        raise UnsafeInputError(f"JSON nested more than {max_depth} levels deep")
    return value
