"""Static scan of submitted code for attempts to fool the checks.

The hidden tests are judged outside the kernel, from the numbers the student's code produced
(``bpkit.grading.judging``), so a tampering answer earns nothing for an exercise it did not solve.
This scan is the second half: it reads the student's cells (without running them) and says *why*
a submission deserves a human look, so the export can flag it.

Flagged, with the line number:

- assigning, deleting or ``setattr``-ing an attribute of numpy, builtins, bpkit, the grader-only
  package or the notebook's imported check modules (``np.allclose = ...``,
  ``setattr(np.testing, "assert_allclose", f)``, ``builtins.abs = ...``, ``checks.sigmoid = ...``);
- rebinding a builtin the tests rely on at notebook level (``abs = lambda x: 0``, ``def all(x):``)
  or a name the locked setup cell imported (``np = FakeNumpy()``);
- editing ``sys.modules``, ``globals()``, ``vars(...)`` or a module's ``__dict__``;
- hooks that watch the checks run or make every cell show a value (``sys.setprofile``,
  ``sys.settrace``, ``get_ipython().events.register``, ``displayhook``), importing the checks'
  own modules or ``pickle``, or naming the hidden cases file;
- reading a checks package's exercise table (``checks.EXERCISES``), or ``object.__setattr__``,
  which writes even its frozen rows;
- code that hides what it does or reaches into the interpreter: ``exec``/``eval``/``compile``,
  ``__import__``/``importlib``, ``ctypes``, ``gc.get_referents``, ``sys._getframe``, frame or
  function internals (``f_globals``, ``__code__``), ``unittest.mock`` patching;
- an answer that hands the exercise to bpkit's own implementation of the same name:
  ``def topological_order(root): return autodiff.topological_order(root)``,
  ``class Dropout(layers.Dropout): ...`` or ``softmax = bpkit.functional.softmax``. Such an
  answer passes the checks, which compare values; only a reader can see it implemented nothing.

It is a heuristic: it can be fooled, and harmless code can trip it. That is fine for its job,
which is to point a human at a submission, never to change a score.
"""

from __future__ import annotations

import ast
import importlib.util

#: Modules whose attributes a submission has no business changing.
PROTECTED_ROOTS = ("numpy", "builtins", "__builtins__", "bpkit", "bpkit_grader", "scipy")
#: Builtins that tests and checks typically rely on.
BUILTIN_NAMES = frozenset(
    "abs all any bool float int isinstance len max min round sum type AssertionError".split()
)
DYNAMIC_CALLS = {
    "exec": "runs code from a string (exec)",
    "eval": "runs code from a string (eval)",
    "compile": "compiles code from a string",
    "__import__": "imports modules by name (__import__)",
}
DANGEROUS_MODULES = {
    "ctypes": "imports ctypes (can rewrite interpreter memory)",
    "gc": "imports gc (can reach objects behind the checks)",
    "importlib": "imports importlib (can reload or replace modules)",
    "unittest.mock": "imports unittest.mock (patching)",
    "mock": "imports mock (patching)",
    "inspect": "imports inspect (can reach the checks' frames)",
    "pickle": "imports pickle (the hidden cases are a pickle in the working folder)",
    "bpkit.checks": "imports the checks' own modules (their references and hidden recording)",
}
#: Calls that hook into the interpreter or IPython: they can watch the checks run, or make every
#: cell show a value.
HOOK_CALLS = frozenset(
    "settrace setprofile set_custom_exc register displayhook set_trace_callback".split()
)
INTERNAL_ATTRS = frozenset(
    "f_globals f_locals f_builtins f_back __code__ __globals__ __defaults__ __kwdefaults__ "
    "__closure__ __dict__ __builtins__ _getframe".split()
)


def _dotted(node: ast.AST) -> str | None:
    """``a.b.c`` for a chain of Name/Attribute nodes, else None."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return None


def _is_module(path: str) -> bool:
    """True if ``path`` names an importable module or package (not a function or class)."""
    try:
        return importlib.util.find_spec(path) is not None
    except (ImportError, ValueError):
        return False


class _Scanner(ast.NodeVisitor):
    def __init__(self, aliases: dict[str, str], protected_names: set[str]) -> None:
        self.aliases = aliases  # local name -> module path it refers to
        self.trusted = dict(aliases)  # what the setup cell bound
        self.protected_names = protected_names
        self.reasons: list[str] = []
        self.depth = 0  # > 0 inside a function or class body
        self.answer: str | None = None  # name of the top-level function or class being read

    # -- helpers ---------------------------------------------------------------------------
    def flag(self, node: ast.AST, text: str) -> None:
        self.reasons.append(f"line {getattr(node, 'lineno', '?')}: {text}")

    def resolve(self, node: ast.AST) -> str | None:
        """The full module path a Name/Attribute chain refers to, if it starts at an alias."""
        dotted = _dotted(node)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        if head in self.aliases:
            return self.aliases[head] + ("." + rest if rest else "")
        if head == "__builtins__":
            return dotted
        return None

    def protected(self, path: str | None) -> bool:
        return path is not None and (
            path.split(".")[0] in PROTECTED_ROOTS or path.split(".")[0] in self.protected_modules
        )

    @property
    def protected_modules(self) -> set[str]:
        return {self.aliases[n].split(".")[0] for n in self.protected_names if n in self.aliases}

    def check_reference(self, node: ast.AST, name: str | None) -> None:
        """Flag ``node`` if it refers to bpkit's own object called ``name`` (not the checks)."""
        path = self.resolve(node)
        if (
            name is not None
            and path is not None
            and path.startswith("bpkit.")
            and not path.startswith("bpkit.checks")
            and path.rsplit(".", 1)[-1] == name
            and not _is_module(path)  # def train(...) may use bpkit.train.fit
        ):
            self.flag(node, f"answers '{name}' with bpkit's own {path}")

    def check_target(self, target: ast.AST, verb: str) -> None:
        if isinstance(target, ast.Tuple | ast.List):
            for elt in target.elts:
                self.check_target(elt, verb)
        elif isinstance(target, ast.Attribute):
            path = self.resolve(target)
            if self.protected(path):
                self.flag(target, f"{verb} {path}")
            elif target.attr in INTERNAL_ATTRS:
                self.flag(target, f"{verb} the interpreter internal '{target.attr}'")
        elif isinstance(target, ast.Subscript):
            self.check_subscript_target(target, verb)
        elif isinstance(target, ast.Name) and self.depth == 0:
            if target.id in BUILTIN_NAMES:
                self.flag(target, f"{verb} the builtin '{target.id}' for the whole notebook")
            elif target.id in self.protected_names:
                self.flag(target, f"{verb} '{target.id}', which the setup cell imported")

    def check_subscript_target(self, target: ast.Subscript, verb: str) -> None:
        container = target.value
        dotted = _dotted(container) or ""
        if dotted.endswith("sys.modules") or self.resolve(container) == "sys.modules":
            self.flag(target, f"{verb} an entry of sys.modules")
        elif dotted.endswith("__dict__") or dotted == "__builtins__":
            self.flag(target, f"{verb} an entry of {dotted}")
        elif isinstance(container, ast.Call) and _dotted(container.func) in ("globals", "vars"):
            self.flag(target, f"{verb} an entry of {_dotted(container.func)}()")

    # -- imports ---------------------------------------------------------------------------
    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            name = alias.asname or alias.name.split(".")[0]
            module = alias.name if alias.asname else alias.name.split(".")[0]
            self.check_module(node, alias.name)
            if self.depth == 0 and name in self.protected_names and self.trusted[name] != module:
                self.flag(node, f"rebinds '{name}', which the setup cell imported, to {module}")
            self.aliases[name] = module

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        self.check_module(node, module)
        for alias in node.names:
            self.check_module(node, f"{module}.{alias.name}")
            local = alias.asname or alias.name
            path = f"{module}.{alias.name}"
            if self.depth == 0 and local in BUILTIN_NAMES and module != "builtins":
                self.flag(node, f"shadows the builtin '{local}' with {path}")
            if self.depth == 0 and local in self.protected_names and self.trusted[local] != path:
                self.flag(node, f"rebinds '{local}', which the setup cell imported, to {path}")
            self.aliases[local] = path

    def check_module(self, node: ast.AST, module: str) -> None:
        for name, why in DANGEROUS_MODULES.items():
            if module == name or module.startswith(name + "."):
                self.flag(node, why)
        if module.split(".")[0] == "bpkit_grader":
            self.flag(node, "imports the grader-only package bpkit_grader")

    # -- statements ------------------------------------------------------------------------
    def visit_Assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self.check_target(target, "assigns")
            if self.depth == 0 and isinstance(target, ast.Name):
                self.check_reference(node.value, target.id)  # softmax = functional.softmax
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self.check_target(node.target, "modifies")
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self.check_target(node.target, "assigns")
        self.generic_visit(node)

    def visit_Delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            self.check_target(target, "deletes")
        self.generic_visit(node)

    def _scope(self, node: ast.AST, name: str | None) -> None:
        top_level = self.depth == 0
        if name is not None and top_level:
            if name in BUILTIN_NAMES:
                self.flag(node, f"defines '{name}', replacing the builtin for the whole notebook")
            elif name in self.protected_names:
                self.flag(node, f"defines '{name}', which the setup cell imported")
            self.answer = name
        self.depth += 1
        self.generic_visit(node)  # decorators, bases and body
        self.depth -= 1
        if top_level:
            self.answer = None

    def visit_FunctionDef(self, node: ast.FunctionDef) -> None:
        self._scope(node, node.name)

    def visit_AsyncFunctionDef(self, node: ast.AsyncFunctionDef) -> None:
        self._scope(node, node.name)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._scope(node, node.name)

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self._scope(node, None)

    def visit_Call(self, node: ast.Call) -> None:
        func = _dotted(node.func) or ""
        short = node.func.attr if isinstance(node.func, ast.Attribute) else func
        if short in ("setattr", "delattr") and node.args:
            path = self.resolve(node.args[0])
            if self.protected(path) or _dotted(node.args[0]) == "__builtins__":
                attr = node.args[1] if len(node.args) > 1 else None
                name = attr.value if isinstance(attr, ast.Constant) else "?"
                self.flag(node, f"calls {short} on {path or '__builtins__'} ('{name}')")
        elif short == "__setattr__":
            self.flag(node, f"calls {func or short}() (writes even frozen objects)")
        elif func in DYNAMIC_CALLS:
            self.flag(node, DYNAMIC_CALLS[func])
        elif short in ("update", "setdefault", "pop", "__setitem__", "__delitem__"):
            owner = _dotted(node.func.value) if isinstance(node.func, ast.Attribute) else None
            if owner and (owner.endswith(("sys.modules", "__dict__")) or owner == "__builtins__"):
                self.flag(node, f"calls {owner}.{short}()")
            elif isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Call):
                inner = _dotted(node.func.value.func)
                if inner in ("globals", "vars"):
                    self.flag(node, f"calls {inner}().{short}()")
        elif func.endswith("patch") or func.endswith("patch.object"):
            self.flag(node, f"calls {func}() (monkeypatching)")
        elif short in HOOK_CALLS:
            self.flag(node, f"calls {func or short}() (hooks into the interpreter or IPython)")
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and "bpkit_hidden_cases" in node.value:
            self.flag(node, "names the hidden cases file")

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr in ("_getframe", "f_globals", "f_builtins", "__globals__", "__code__"):
            if isinstance(node.ctx, ast.Load):
                self.flag(node, f"reads the interpreter internal '{node.attr}'")
        if node.attr == "EXERCISES":
            self.flag(node, "reads the checks' exercise table (their checks and references)")
        if isinstance(node.ctx, ast.Load):
            self.check_reference(node, self.answer)  # autodiff.topological_order(...)
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if isinstance(node.ctx, ast.Load):
            self.check_reference(node, self.answer)  # a name imported from bpkit


def _python_source(source: str) -> str:
    """Turn IPython syntax (magics, ``!shell``) into plain Python where possible."""
    try:
        from IPython.core.inputtransformer2 import TransformerManager

        return TransformerManager().transform_cell(source)
    except Exception:  # IPython missing or a transform error: use the raw text
        return source


def setup_aliases(sources: list[str]) -> dict[str, str]:
    """Names bound by imports in trusted cells (the locked setup cell): name -> module path."""
    scanner = _Scanner({}, set())
    for source in sources:
        try:
            scanner.visit(ast.parse(_python_source(source)))
        except SyntaxError:
            continue
    return scanner.aliases


def scan_cells(cells: list[tuple[str, str]], trusted: list[str] | None = None) -> list[str]:
    """Reasons to look at these cells by hand (empty list: nothing found).

    cells: (label, source) of the student's code cells in notebook order, e.g.
    ``("answer 'sigmoid'", "def sigmoid(z): ...")``; trusted: the locked cells' code from the
    source notebook (their imports tell which names, like ``np`` or ``checks``, are protected).
    """
    aliases = setup_aliases(trusted or [])
    scanner = _Scanner(dict(aliases), set(aliases))
    reasons: list[str] = []
    for label, source in cells:
        scanner.reasons = []
        try:
            tree = ast.parse(_python_source(source))
        except SyntaxError:
            continue  # it will fail when run; nothing to flag
        scanner.visit(tree)
        reasons.extend(f"{label}, {r}" for r in scanner.reasons)
    return list(dict.fromkeys(reasons))
