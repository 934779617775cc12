"""A deliberately tiny template language for letter text: ``{{ name }}`` and nothing else.

Placeholders are looked up by their full dotted name in a flat mapping of plain strings, so a
template can never reach attributes, settings or Python objects: ``{{ requester.__dict__ }}`` is
just an unknown name. There are no expressions, filters, loops or tags; ``{%`` and ``{#`` are
errors. Substitution is a single pass, so a value that itself contains ``{{ ... }}`` is printed
as typed and never rendered again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = ["Template", "TemplateError", "compile_template", "paragraphs_of"]

_NAME = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)?")
_PLACEHOLDER = re.compile(r"\{\{(.*?)\}\}")
# Anything that looks like the start or end of a tag once valid placeholders are removed.
_STRAY = re.compile(r"\{\{|\}\}|\{%|%\}|\{#|#\}")


class TemplateError(ValueError):
    """A letter template uses an unknown placeholder or malformed braces."""

    def __init__(self, message: str, *, piece: str, line: int, placeholder: str) -> None:
        self.piece = piece
        self.line = line
        self.placeholder = placeholder
        super().__init__(f"{piece}, line {line}: {message} ({placeholder!r})")


@dataclass(frozen=True)
class Template:
    """A validated template: paragraphs of literal text and placeholder names."""

    piece: str
    # Each paragraph alternates literal text and placeholder names: [lit, name, lit, name, lit].
    paragraphs: tuple[tuple[str, ...], ...]

    @property
    def names(self) -> frozenset[str]:
        """Every placeholder the template uses."""
        return frozenset(name for para in self.paragraphs for name in para[1::2])

    def render(self, values: Mapping[str, str]) -> list[str]:
        """Substitute plain strings; one output string per source paragraph (empty ones dropped)."""
        out: list[str] = []
        for para in self.paragraphs:
            parts = [para[0]]
            for i in range(1, len(para), 2):
                parts.append(values[para[i]])
                parts.append(para[i + 1])
            text = "".join(parts).strip()
            if text:
                out.append(text)
        return out


def _check_line(line: str, lineno: int, piece: str, allowed: frozenset[str]) -> None:
    for match in _PLACEHOLDER.finditer(line):
        inner = match.group(1).strip()
        if not _NAME.fullmatch(inner):
            raise TemplateError(
                "malformed placeholder", piece=piece, line=lineno, placeholder=match.group(0)
            )
        if inner not in allowed:
            raise TemplateError(
                "unknown placeholder", piece=piece, line=lineno, placeholder=match.group(0)
            )
    stray = _STRAY.search(_PLACEHOLDER.sub("", line))
    if stray:
        raise TemplateError(
            "malformed braces", piece=piece, line=lineno, placeholder=stray.group(0)
        )


def paragraphs_of(text: str) -> list[str]:
    """Split text into paragraphs on blank lines, trimming trailing spaces on each line."""
    paras: list[str] = []
    current: list[str] = []
    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.rstrip()
        if line.strip():
            current.append(line)
        elif current:
            paras.append("\n".join(current))
            current = []
    if current:
        paras.append("\n".join(current))
    return paras


def compile_template(source: str, *, piece: str, allowed: Iterable[str]) -> Template:
    """Validate ``source`` line by line and compile it; raises ``TemplateError``.

    Paragraphs are separated by blank lines; a single line break inside a paragraph is kept
    (a signature block, an address), so write each prose paragraph on one line.
    """
    allowed_set = frozenset(allowed)
    for lineno, line in enumerate(source.replace("\r\n", "\n").split("\n"), start=1):
        _check_line(line, lineno, piece, allowed_set)
    compiled: list[tuple[str, ...]] = []
    for para in paragraphs_of(source):
        pieces = _PLACEHOLDER.split(para)
        # re.split with one group yields [lit, inner, lit, inner, ..., lit].
        compiled.append(tuple(p if i % 2 == 0 else p.strip() for i, p in enumerate(pieces)))
    return Template(piece=piece, paragraphs=tuple(compiled))
