"""Each asset's code version, derived from the code that computes it (``shared.stages``).

Dagster marks an asset stale when its ``code_version`` changes, and everything downstream of it, so
the version must change when, and only when, the code that computes the asset does. The version of
a function is a hash of the sources of everything it reaches in the project's packages (harvest,
transforms, outputs, shared; never a library): the functions it calls, found through the names its
code loads (globals, closure cells, annotated parameters, ``self``) and the attributes it takes of
them (``model.flatten_objects``, ``frame.clean``); what it hands on whole (a list of checks, a
Pandera model, a ``functools.partial``, a museum's lambda) and its defaults; the constants it reads;
and the SQL files it runs (``CODE_FILES``). A function counts as compiled (its bytecode, names and
constants, without its docstring or line numbers), a class as the syntax tree of its statements: a
comment, a docstring or a reformat changes no version. The graph is walked once per process.

A name that only a local variable holds (``x = f(); x.method()``) cannot be followed: those calls
count only where the function's source or another path reaches them.
"""

import ast
import dis
import functools
import hashlib
import inspect
import sys
from collections.abc import Callable, Iterator
from enum import Enum
from pathlib import Path
from types import CodeType, FunctionType, MethodType, ModuleType
from typing import Any

import polars as pl

PACKAGES = frozenset({"harvest", "transforms", "outputs", "shared"})
ROOT = Path(__file__).resolve().parent.parent
_ROOT_PREFIX = f"{ROOT}/"
CODE_FILES = frozenset({".sql"})  # files the code runs, which count as its source
_LOCALS = frozenset({"LOAD_FAST", "LOAD_FAST_CHECK"})
_ATTRIBUTES = frozenset({"LOAD_ATTR", "LOAD_METHOD"})
_MISSING, _FOREIGN = object(), object()
# Each object's own facts (its source, or its value) and what it reaches, by id; the object is kept
# so that its id is never reused for another.
_NODES: dict[int, tuple[object, str | None, tuple[object, ...]]] = {}


def code_version(fn: Callable[..., Any]) -> str:
    """The version of ``fn``'s code: the first 12 hex digits of the sha256 of the sorted sources
    (and constants) of everything it reaches in the project."""
    facts: set[str] = set()
    seen: set[int] = set()
    pending: list[object] = [fn]
    while pending:
        node = pending.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        fact, reached = _node(node)
        if fact is not None:
            facts.add(fact)
        pending.extend(reached)
    return hashlib.sha256("\n".join(sorted(facts)).encode()).hexdigest()[:12]


def _node(obj: object) -> tuple[str | None, tuple[object, ...]]:
    if id(obj) not in _NODES:
        _NODES[id(obj)] = (obj, *_facts(obj))
    _, fact, reached = _NODES[id(obj)]
    return fact, reached


def _ours(obj: object) -> bool:
    """Defined in the project's packages (not a library's); a function, written in their files
    (not one a library made for a class of ours: a dataclass's ``__init__``)."""
    module = obj.__name__ if isinstance(obj, ModuleType) else getattr(obj, "__module__", None)
    if isinstance(obj, FunctionType) and not obj.__code__.co_filename.startswith(_ROOT_PREFIX):
        return False
    return isinstance(module, str) and module.split(".")[0] in PACKAGES


def _facts(obj: object) -> tuple[str | None, tuple[object, ...]]:
    """What ``obj`` contributes to a version itself, and what else it brings in."""
    if (data := _data(obj)) is not None:
        return data, ()
    if (wrapped := _wrapped(obj)) is not None and not _ours(obj):  # a library's decorator
        return None, (wrapped,)
    if isinstance(obj, FunctionType):
        if not _ours(obj):
            return None, ()
        return f"{obj.__module__}.{obj.__qualname__}: {_compiled(obj.__code__)}", _references(obj)
    if isinstance(obj, MethodType):
        return None, (obj.__func__, obj.__self__)
    if isinstance(obj, functools.partial):
        return None, (obj.func, *obj.args, *obj.keywords.values())
    if isinstance(obj, type):
        if not _ours(obj):
            return None, ()
        # Its source holds its attributes; its methods bring in what they call (not those a
        # library made for it, a dataclass's, nor what a library keeps on it, Pydantic's).
        members = (_unwrap(v) for v in vars(obj).values())
        written = (m for m in members if isinstance(m, FunctionType) and _ours(m))
        return _class_source(obj), (*(b for b in obj.__bases__ if _ours(b)), *written)
    if isinstance(obj, list | tuple | set | frozenset):
        return None, tuple(obj)
    if isinstance(obj, dict):
        return None, (*obj.keys(), *obj.values())
    if isinstance(obj, Path):
        return _code_file(obj), ()
    if _ours(type(obj)) and hasattr(obj, "__dict__"):  # an instance of a project class: its state
        return None, (type(obj), *vars(obj).values())
    return None, ()


def _data(value: object) -> str | None:
    """``value``'s canonical text when it is plain data (the same in every process: a set's items
    sorted), else None."""
    if value is None or isinstance(value, bool | int | float | str | bytes | Enum | pl.DataType | pl.Schema):
        return repr(value)
    if isinstance(value, dict):
        parts = [_data(pair) for pair in value.items()]
    elif isinstance(value, list | tuple | set | frozenset):
        parts = [_data(item) for item in value]
    else:
        return None
    known = [part for part in parts if part is not None]
    if len(known) < len(parts):
        return None
    if isinstance(value, set | frozenset):
        known.sort()
    return f"{type(value).__name__}({', '.join(known)})"


def _compiled(code: CodeType) -> str:
    """``code`` as compiled, without its docstring or line numbers: the same whatever the comments,
    docstrings and layout of its source (on one Python version, as the project pins)."""
    consts = list(code.co_consts)
    if consts and not code.co_name.startswith("<"):
        consts[0] = None  # a function's first constant is its docstring (or None)
    shape = (code.co_argcount, code.co_posonlyargcount, code.co_kwonlyargcount, code.co_flags)
    names = (code.co_names, code.co_varnames, code.co_freevars, code.co_cellvars)
    constants = [_compiled(c) if isinstance(c, CodeType) else _data(c) or repr(c) for c in consts]
    return f"{code.co_code.hex()} {shape} {names} [{', '.join(constants)}]"


def _class_source(cls: type) -> str:
    """``cls``'s statements but its methods (they count as code of their own), without
    docstrings; a class made at run time, that has none, by its name only."""
    path = getattr(sys.modules.get(cls.__module__), "__file__", None) or ""
    found = _class_definitions(path).get(cls.__qualname__)
    return f"{cls.__module__}.{cls.__qualname__}: {found or ''}"


@functools.cache
def _class_definitions(path: str) -> dict[str, str]:
    """The classes defined in the module file ``path``, by qualified name: their statements but
    their methods and docstrings, as syntax trees."""
    definitions: dict[str, str] = {}

    def visit(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, ast.ClassDef):
                name = f"{prefix}{node.name}"
                visit(node.body, f"{name}.")
                statements = [
                    s for s in node.body if not isinstance(s, ast.FunctionDef | ast.AsyncFunctionDef)
                ]
                if (
                    statements
                    and isinstance(statements[0], ast.Expr)
                    and isinstance(statements[0].value, ast.Constant)
                ):
                    statements = statements[1:]  # the docstring
                node.body = statements or [ast.Pass()]
                definitions[name] = ast.dump(node)

    try:
        visit(ast.parse(Path(path).read_text()).body, "")
    except (OSError, SyntaxError):
        return {}
    return definitions


def _code_file(path: Path) -> str | None:
    """The text of a file of the project's code that the code runs (``CODE_FILES``)."""
    resolved = path.resolve()
    if path.suffix not in CODE_FILES or not resolved.is_relative_to(ROOT) or not resolved.is_file():
        return None
    return f"{resolved.relative_to(ROOT)}: {resolved.read_text()}"


def _unwrap(member: object) -> object:
    """The function behind a class member (a static or class method, a property)."""
    if isinstance(member, staticmethod | classmethod):
        return member.__func__
    if isinstance(member, property):
        return member.fget
    if isinstance(member, functools.cached_property):
        return member.func
    return member


def _references(fn: FunctionType) -> tuple[object, ...]:
    """What ``fn``'s code uses, its defaults and the function it wraps."""
    reached: list[object] = [*(fn.__defaults__ or ()), *(fn.__kwdefaults__ or {}).values()]
    if (wrapped := _wrapped(fn)) is not None:
        reached.append(wrapped)
    cells, arguments = _cells(fn), _arguments(fn)
    for code in _codes(fn.__code__):
        # A local name is known only as the function's own annotated parameter (or ``self``); one
        # that nested code (a comprehension) reads is a cell of the function's.
        enclosing, local = {**arguments, **cells}, arguments if code is fn.__code__ else {}
        scopes = {"LOAD_GLOBAL": fn.__globals__, "LOAD_NAME": fn.__globals__}
        scopes |= {"LOAD_DEREF": enclosing, "LOAD_CLASSDEREF": enclosing}
        scopes |= {opname: local for opname in _LOCALS}
        stand_ins = {name for name in arguments if name not in cells}
        reached.extend(_chains(code, scopes, stand_ins))
    return tuple(reached)


def _chains(code: CodeType, scopes: dict[str, dict[str, Any]], stand_ins: set[str]) -> Iterator[object]:
    """Each object ``code`` uses: a name it loads (from ``scopes``, by instruction), followed
    through the attributes taken of it (``model.flatten_objects`` is that function, not the
    module). A parameter's class (``stand_ins``) stands for an instance: it counts only through
    the methods called on it, since its fields are known at run time only."""
    current, stand_in = _MISSING, False
    for instruction in dis.get_instructions(code):
        if instruction.opname in _ATTRIBUTES and current is not _MISSING:
            found = _attribute(current, instruction.argval)
            if found is not _MISSING and found is not _FOREIGN:
                current, stand_in = found, False
                continue
            stand_in = stand_in or (found is _MISSING and isinstance(current, type))  # an instance's field
        if current is not _MISSING and not stand_in:
            yield current
        name = instruction.argval
        current = (
            scopes.get(instruction.opname, {}).get(name, _MISSING) if isinstance(name, str) else _MISSING
        )
        stand_in = instruction.opname not in ("LOAD_GLOBAL", "LOAD_NAME") and name in stand_ins
    if current is not _MISSING and not stand_in:
        yield current


def _cells(fn: FunctionType) -> dict[str, object]:
    """What ``fn``'s closure holds, by name (a cell not assigned yet holds nothing)."""
    cells: dict[str, object] = {}
    for name, cell in zip(fn.__code__.co_freevars, fn.__closure__ or (), strict=True):
        try:
            cells[name] = cell.cell_contents
        except ValueError:
            continue
    return cells


def _arguments(fn: FunctionType) -> dict[str, object]:
    """The classes ``fn``'s parameters are annotated with, and a method's ``self``, by name."""
    arguments: dict[str, object] = {
        name: annotation
        for name, annotation in inspect.get_annotations(fn).items()
        if isinstance(annotation, type) and name != "return"
    }
    owner = _owner(fn)
    if owner is not None and fn.__code__.co_argcount:
        arguments[fn.__code__.co_varnames[0]] = owner
    return arguments


def _owner(fn: FunctionType) -> type | None:
    """The class a method is defined in (its ``self``), when it is reachable from its module."""
    *path, _ = fn.__qualname__.split(".")
    owner: object = sys.modules.get(fn.__module__)
    if not path or "<locals>" in path:
        return None
    for name in path:
        owner = getattr(owner, name, None)
    return owner if isinstance(owner, type) else None


def _codes(code: CodeType) -> Iterator[CodeType]:
    """``code`` and the code nested in it (comprehensions, lambdas, inner functions)."""
    yield code
    for const in code.co_consts:
        if isinstance(const, CodeType):
            yield from _codes(const)


def _attribute(obj: object, name: str) -> object:
    """``obj.name`` as defined (no property run, no descriptor bound); ``_MISSING`` when it is not
    defined before run time, ``_FOREIGN`` when it is a library's (``pl.col``, ``model.validate``)."""
    if isinstance(obj, ModuleType):
        return vars(obj).get(name, _MISSING) if _ours(obj) else _FOREIGN
    try:
        found = _unwrap(inspect.getattr_static(obj, name))
    except AttributeError:
        return _MISSING
    known = isinstance(found, list | tuple | set | frozenset | dict) or _data(found) is not None
    return found if known or _ours(found) or _ours(_wrapped(found)) or _ours(type(found)) else _FOREIGN


def _wrapped(obj: object) -> object:
    """The function ``obj`` wraps (``functools.wraps``: ``contextmanager``, ``cache``), or None."""
    return getattr(obj, "__dict__", {}).get("__wrapped__")
