"""Griffe extension for the API reference: the package's docstrings, written for Sphinx,
rendered by mkdocstrings.

- Sphinx roles (:func:`~millicharge.xsec.api.cross_section`, :mod:`.etl`, …) become
  cross-references to the page that documents the target, resolved the way Sphinx does
  (absolute, then relative to the current module, class and package); a target that is
  not rendered (private, undocumented or outside the package) is shown as code.
- Doctest blocks (``>>>``) become ``pycon`` code blocks, and a reST literal-block marker
  (``text::``) a plain colon.
- A prose paragraph written inside a numpy ``Parameters`` (or ``Returns``, …) section,
  which numpydoc would read as a parameter, is moved to a ``Notes`` section just after it;
  ``name : a description.`` (numpydoc would read the description as the type) becomes
  ``name`` with that description, so the type comes from the signature.

Loaded by mkdocs.yml (``mkdocstrings`` → ``extensions``).
"""

from __future__ import annotations

import re
from typing import Any

import griffe

ITEM_SECTIONS = {"parameters", "other parameters", "returns", "yields", "receives", "raises",
                 "warns", "attributes"}
ITEM = re.compile(r"\s*[\w*][\w*, ]*\s*:(\s|$)")
"""An item line of a numpy section: ``name : description`` or ``a, b : description``."""
ROLE = re.compile(r":(?:py:)?(func|class|mod|meth|data|attr|exc|obj|const):`(~?)([^`]+)`")


def _find(pkg: griffe.Module, path: str) -> griffe.Object | None:
    """The rendered object at ``path`` (aliases followed), or None."""
    parts = path.split(".")
    if parts[0] != pkg.name:
        return None
    obj: Any = pkg
    for part in parts[1:]:
        try:
            obj = obj.members[part]
        except (KeyError, AttributeError):
            return None
        if obj.is_alias:
            try:
                obj = obj.final_target
            except Exception:  # an alias to something outside the package
                return None
    if any(p.startswith("_") for p in obj.path.split(".")):
        return None
    return obj if obj.has_docstrings else None


def _candidates(obj: griffe.Object, target: str) -> list[str]:
    """Where Sphinx would look for ``target`` from the docstring of ``obj``."""
    scopes = []
    scope: Any = obj
    while scope is not None:
        if scope.is_module or scope.is_class:
            scopes.append(scope.path)
        scope = scope.parent
    if target.startswith("."):
        return [s + target for s in scopes]
    return [target] + [f"{s}.{target}" for s in scopes]


def _role(obj: griffe.Object, pkg: griffe.Module, match: re.Match[str]) -> str:
    _, tilde, text = match.groups()
    target = text
    label_target = re.fullmatch(r"(.*?)\s*<(.+)>", text)
    if label_target:
        label, target = label_target.groups()
    else:
        target = text.rstrip("()")
        label = target.lstrip(".").rsplit(".", 1)[-1] if tilde else target.lstrip(".")
        if text.endswith("()"):
            label += "()"
    for path in _candidates(obj, target):
        found = _find(pkg, path)
        if found is not None:
            return f"[`{label}`][{found.path}]"
    return f"`{label}`"


def _doctests(text: str) -> str:
    """Fence ``>>>`` blocks as ``pycon`` and turn a trailing ``::`` into ``:``."""
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    in_fence = False
    while i < len(lines):
        line = lines[i]
        stripped = line.lstrip()
        if stripped.startswith("```"):
            in_fence = not in_fence
        if not in_fence and stripped.startswith(">>>"):
            indent = line[: len(line) - len(stripped)]
            block = []
            while i < len(lines) and lines[i].strip():
                block.append(lines[i])
                i += 1
            if out and out[-1].strip():
                out.append("")
            out += [indent + "```pycon", *block, indent + "```", ""]
            continue
        if not in_fence and line.endswith("::") and not stripped.startswith(".."):
            line = line[:-1]
        out.append(line)
        i += 1
    return "\n".join(out)


def _is_header(lines: list[str], i: int) -> bool:
    return (i + 1 < len(lines) and lines[i].strip().lower() in ITEM_SECTIONS
            and set(lines[i + 1].strip()) == {"-"})


def _description_not_type(line: str) -> str:
    """``name : some words of description.`` (a description where numpydoc wants a type)
    becomes ``name`` with the text as its description; a real type (``int or None``,
    ``str, optional``) stays."""
    match = re.fullmatch(r"([\w*][\w*, ]*?)\s+:\s+(.+)", line)
    if match is None:
        return line
    name, text = match.groups()
    if len(text.split()) >= 4 or text.rstrip().endswith("."):
        return f"{name}\n    {text}"
    return line


def _prose_after_sections(text: str) -> str:
    """Move prose paragraphs (≥ 4 words on their first line, no ``name :``) out of numpy
    item sections into a ``Notes`` section just after it."""
    lines = text.splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        if not _is_header(lines, i):
            out.append(lines[i])
            i += 1
            continue
        out += lines[i:i + 2]
        i += 2
        body: list[str] = []
        moved: list[str] = []
        while i < len(lines) and not _is_header(lines, i):
            line = lines[i]
            starts_block = line.strip() and (not body or not body[-1].strip()) \
                and line == line.lstrip()
            if starts_block and not ITEM.match(line) and len(line.split()) >= 4:
                moved.append(line)
                i += 1
                while i < len(lines) and lines[i].strip() and not (
                        lines[i] == lines[i].lstrip() and ITEM.match(lines[i])):
                    moved.append(lines[i])
                    i += 1
                moved.append("")
                body.append("")
                continue
            if starts_block or (line.strip() and line == line.lstrip()):
                line = _description_not_type(line)
            body.append(line)
            i += 1
        while body and not body[-1].strip():
            body.pop()
        out += body
        if moved:  # an item section lasts until the next header: give the prose one
            out += ["", "Notes", "-----", *moved]
        elif i < len(lines):
            out.append("")
    return "\n".join(out)


class SphinxRoles(griffe.Extension):
    """Rewrite every docstring of the package once it is loaded."""

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:
        seen: set[int] = set()

        def visit(obj: griffe.Object) -> None:
            if id(obj) in seen:
                return
            seen.add(id(obj))
            if obj.docstring is not None:
                value = _doctests(_prose_after_sections(obj.docstring.value))
                obj.docstring.value = ROLE.sub(lambda m: _role(obj, pkg, m), value)
            for member in obj.members.values():
                if not member.is_alias:
                    visit(member)

        visit(pkg)
