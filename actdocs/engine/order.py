"""The build's order, from the data: what each artifact ``reads`` and what each ``outputs``.

An artifact that reads a file comes after the artifact whose output it is. Among the
artifacts ready at a step, background (``concurrent``) ones come first, so their work
overlaps the rest; ``exclusive`` ones last, so they wait for the background as little as
possible; otherwise the list's order holds. The order is therefore stable: the same list
gives the same order, and the same log (:func:`log_order`), however many artifacts the
build makes at once and whichever finishes first.
"""

from __future__ import annotations

import heapq
from typing import Sequence

from actdocs.engine.artifact import Artifact
from actdocs.engine.errors import UsageError


def producers(artifacts: Sequence[Artifact]) -> dict[str, int]:
    """Which artifact (its index) makes each output; two artifacts naming one name or
    one output is a :class:`UsageError`."""
    names: dict[str, int] = {}
    made: dict[str, int] = {}
    for index, artifact in enumerate(artifacts):
        if artifact.name in names:
            raise UsageError(f"two artifacts are named {artifact.name}")
        names[artifact.name] = index
        for rel in artifact.outputs:
            if rel in made:
                raise UsageError(f"{rel} is an output of both {artifacts[made[rel]].name} and {artifact.name}")
            made[rel] = index
    return made


def dependencies(artifacts: Sequence[Artifact]) -> list[list[int]]:
    """For each artifact, the indices of the artifacts whose outputs it reads (sorted).

    Reading a file that no artifact of the list makes is a :class:`UsageError`.
    """
    made = producers(artifacts)
    needs: list[list[int]] = []
    for artifact in artifacts:
        missing = [rel for rel in artifact.reads if rel not in made]
        if missing:
            raise UsageError(f"artifact {artifact.name} reads {missing[0]}, which no artifact makes")
        needs.append(sorted({made[rel] for rel in artifact.reads}))
    return needs


def _rank(artifact: Artifact, index: int) -> tuple[int, int]:
    return (0 if artifact.concurrent else 2 if artifact.exclusive else 1), index


def topological(artifacts: Sequence[Artifact]) -> list[Artifact]:
    """``artifacts`` with every one after those it reads from (see the module docstring).

    A cycle is a :class:`UsageError` naming it: ``artifacts form a cycle: a -> b -> a``
    (each reads an output of the next).
    """
    needs = dependencies(artifacts)
    waiting = [len(n) for n in needs]
    readers: list[list[int]] = [[] for _ in artifacts]
    for reader, producers_of in enumerate(needs):
        for producer in producers_of:
            readers[producer].append(reader)
    ready = [_rank(a, i) for i, a in enumerate(artifacts) if not waiting[i]]
    heapq.heapify(ready)
    placed: list[int] = []
    while ready:
        _, index = heapq.heappop(ready)
        placed.append(index)
        for reader in readers[index]:
            waiting[reader] -= 1
            if not waiting[reader]:
                heapq.heappush(ready, _rank(artifacts[reader], reader))
    if len(placed) < len(artifacts):
        raise UsageError(f"artifacts form a cycle: {_cycle(artifacts, needs, set(placed))}")
    return [artifacts[i] for i in placed]


def log_order(plan: Sequence[Artifact]) -> list[int]:
    """The order of the build's log lines, as indices of ``plan`` (a list in build order,
    from :func:`topological`): the plan's order, but each ``concurrent`` artifact comes just
    before the first later one that waits for it (one that reads its outputs, or an
    ``exclusive`` one), or at the end. It depends on the plan alone, never on which
    artifact happens to finish first.
    """
    needs = dependencies(plan)
    slot = {i: next((j for j in range(i + 1, len(plan)) if i in needs[j] or plan[j].exclusive), len(plan))
            for i, artifact in enumerate(plan) if artifact.concurrent}
    sequence: list[int] = []
    for j in range(len(plan) + 1):
        sequence.extend(i for i in sorted(slot) if slot[i] == j)
        if j < len(plan) and not plan[j].concurrent:
            sequence.append(j)
    return sequence


def _cycle(artifacts: Sequence[Artifact], needs: list[list[int]], placed: set[int]) -> str:
    """One cycle among the artifacts that could not be placed, as ``a -> b -> a``.

    Each of them reads from another unplaced one, so following the first such link from
    the first of them in list order must come back to an artifact already visited.
    """
    path: list[int] = []
    node = min(set(range(len(artifacts))) - placed)
    while node not in path:
        path.append(node)
        node = next(n for n in needs[node] if n not in placed)
    loop = path[path.index(node):]
    start = loop.index(min(loop))  # begin with the loop's first artifact in list order
    loop = loop[start:] + loop[:start]
    return " -> ".join(artifacts[i].name for i in [*loop, loop[0]])


def with_dependencies(everything: Sequence[Artifact], chosen: Sequence[Artifact]) -> list[Artifact]:
    """``chosen`` plus, transitively, every artifact of ``everything`` whose outputs they
    read, in the order of ``everything`` (``build --only`` makes what it reads too)."""
    needs = dependencies(everything)
    index = {a.name: i for i, a in enumerate(everything)}
    keep: set[int] = set()
    todo = [index[a.name] for a in chosen]
    while todo:
        i = todo.pop()
        if i not in keep:
            keep.add(i)
            todo.extend(needs[i])
    return [a for i, a in enumerate(everything) if i in keep]
