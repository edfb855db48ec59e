"""The `backprop-tui` command line. Imports textual only to open the app."""

from __future__ import annotations

import gc
import os
import sys
from types import SimpleNamespace
from typing import TYPE_CHECKING

from . import __version__, counts
from .core.errors import BackpropError
from .notation import EXACT_ZERO, count, dims, matrix_cells
from .say import PROG
from .say import err as _err

if TYPE_CHECKING:
    import argparse

    from .core.network import Params

# The engine (numpy) is imported by each command that needs it: the app's first screen does not wait for it.

SUBCOMMANDS = (
    "list",
    "show",
    "bugs",
    "check",
    "trace",
    "explain",
    "train",
    "gradcheck",
    "serve",
    "sheets",
    "landscape",
    "compare",
)
MAX_STUDENTS = 500
WIDTH = 80  # `list`, `show` and `train` fit a terminal this wide
EDGE = 3  # a large matrix prints its first and last EDGE rows and columns, as numpy does


def _count(parse):
    """An argparse type from one of `counts`' readers: its one-line reason on a bad value."""

    def read(text: str) -> int:
        import argparse

        try:
            return parse(text)
        except ValueError as err:
            raise argparse.ArgumentTypeError(str(err)) from None

    read.__name__ = parse.__name__  # argparse names the type in "invalid <name> value"
    return read


def _whole(low: int, high: int):
    """An argparse type: a whole number from low to high."""

    def parse(text: str) -> int:
        import argparse

        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"expected {low:,} to {high:,}, got {value:,}")
        return value

    return parse


_epochs = _count(counts.epochs)
_decimals = _count(counts.decimals)


def _app_parser() -> argparse.ArgumentParser:
    import argparse

    p = argparse.ArgumentParser(
        prog=PROG,
        description="Step through one training iteration of a small neural network, gate by gate.",
        epilog=(
            "subcommands (each has --help): list, show SCENARIO, bugs, check FILE..., trace SCENARIO, "
            "explain SCENARIO, train SCENARIO, gradcheck SCENARIO, serve [SCENARIO], sheets SCENARIO, landscape SCENARIO, "
            "compare A B | A --vary KEY=VALUE"
        ),
    )
    p.add_argument(
        "scenario", nargs="?", help="a scenario file or a bundled scenario's name (default: the article's sleep-study)"
    )
    p.add_argument("--decimals", type=_decimals, default=None, help="decimals shown for values (default 3)")
    _bug_arguments(p)
    p.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    return p


def _seed(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected a non-negative integer, got {value}")
    return value


def _bug_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--bug", metavar="NAME", help="plant a classic mistake to find: a name from `backprop-tui bugs`, or random"
    )
    p.add_argument("--seed", type=_seed, default=None, help="with --bug random: which mistake, reproducibly")


def _tolerance(text: str) -> float:
    import argparse
    import math

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number > 0, got {text!r}") from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(f"expected a finite number > 0, got {text!r}")
    return value


def _sub_parser() -> argparse.ArgumentParser:
    import argparse

    from .core.network import TOLERANCE
    from .notation import DEFAULT_DECIMALS

    p = argparse.ArgumentParser(prog=PROG)
    sub = p.add_subparsers(dest="command", required=True)
    li = sub.add_parser(
        "list",
        help="list the bundled scenarios",
        description="List the bundled scenarios as a table: name, layers, m and title.",
    )
    li.add_argument("--long", action="store_true", help="each with its description")
    sh = sub.add_parser(
        "show",
        help="describe one scenario",
        description="Describe a scenario (a bundled name or a file): network, training and its description.",
    )
    sh.add_argument("scenario")
    b = sub.add_parser(
        "bugs",
        help="list the mistakes --bug can plant",
        description="List the classic mistakes --bug can plant: name, gate, what the student did.",
    )
    b.add_argument("--json", action="store_true", help='print [{"name", "description", "gate", ...}] as JSON')
    c = sub.add_parser(
        "check", help="validate scenario files", description="Validate scenario files; exit 1 if any is invalid."
    )
    c.add_argument("files", nargs="+", metavar="FILE")
    t = sub.add_parser("trace", help="print the whole gate-by-gate walk", description="Print every step of the walk.")
    t.add_argument("scenario")
    t.add_argument("--epochs", type=_epochs, default=1, help="epochs to trace (default 1)")
    t.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    t.add_argument(
        "--decimals",
        type=_decimals,
        default=DEFAULT_DECIMALS,
        help=f"decimals (default {DEFAULT_DECIMALS}, as the app)",
    )
    t.add_argument("--blank", action="store_true", help="markdown: leave results empty for students to fill in")
    t.add_argument("--fade", action="store_true", help="markdown: work the first half of the steps, leave the rest")
    t.add_argument(
        "--variant",
        type=_whole(0, 2**64 - 1),
        metavar="K",
        help="initial weights drawn reproducibly from K (LeCun normal): one set of numbers per student",
    )
    _bug_arguments(t)
    t.add_argument("--answers", action="store_true", help="with --bug: add the answer key (where, and what)")
    h = sub.add_parser(
        "sheets",
        help="write a blank sheet and its answer key per student",
        description="Write sheet-NN.md (blank) and answers-NN.md (worked) for each student, each with its own "
        "initial weights (variant NN), and index.md.",
    )
    h.add_argument("scenario")
    h.add_argument("--students", type=_whole(1, MAX_STUDENTS), required=True, metavar="N")
    h.add_argument("--out", required=True, metavar="DIR", help="folder to write to (made if missing)")
    h.add_argument("--fade", action="store_true", help="work the first half of each sheet's steps")
    h.add_argument("--epochs", type=_epochs, default=1)
    h.add_argument("--decimals", type=_decimals, default=4)
    x = sub.add_parser(
        "explain",
        help="one entry of a step written out as a sum of products",
        description="Print one result entry of a step as the sum behind it, with the numbers plugged in.",
    )
    x.add_argument("scenario")
    x.add_argument("--epoch", type=_epochs, default=1, help="the epoch (default 1)")
    x.add_argument("--step", type=int, required=True, help="the step, counted from 1 as in the trace")
    x.add_argument("--entry", required=True, help="NAME[i,j] as in the JSON trace, counted from 1, e.g. dJ_dW1[2,3]")
    x.add_argument("--json", action="store_true", help="print {name, index, value, equation, terms} as JSON")
    x.add_argument("--decimals", type=_decimals, default=4)
    r = sub.add_parser(
        "train", help="train many epochs without the trace", description="Train without building the trace."
    )
    r.add_argument("scenario")
    r.add_argument("--epochs", type=_epochs, default=None, help="epochs to train (default: the scenario's)")
    r.add_argument("--json", action="store_true", help="print {epochs, cost, params} as JSON")
    g = sub.add_parser(
        "gradcheck",
        help="compare analytic and numerical gradients",
        description="Central differences for every parameter entry; exit 1 above the tolerance.",
    )
    g.add_argument("scenario")
    g.add_argument(
        "--tolerance", type=_tolerance, default=TOLERANCE, help=f"max relative error (default {TOLERANCE:g})"
    )
    _bug_arguments(g)
    s = sub.add_parser(
        "serve", help="serve the app to browsers", description="Serve the app over HTTP with textual-serve."
    )
    s.add_argument("scenario", nargs="?")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument(
        "--max-sessions",
        type=int,
        default=60,
        metavar="N",
        help="students served at once (default 60); more see a page saying the class is full",
    )
    s.add_argument(
        "--idle-timeout",
        type=float,
        default=30.0,
        metavar="MINUTES",
        help="end a session after this long without a key press (default 30; 0: never)",
    )
    _landscape_parser(sub)
    _compare_parser(sub)
    return p


def _usage_error(command: str, message: str) -> None:
    """A malformed command line: argparse's form and exit status 2."""
    print(f"usage: {PROG} {command} ...\n{PROG} {command}: error: {message}", file=sys.stderr)
    raise SystemExit(2)


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _wrapped(text: str, indent: str = "") -> str:
    import textwrap

    return textwrap.fill(" ".join(text.split()), WIDTH, initial_indent=indent, subsequent_indent=indent)


def cmd_list(args) -> int:
    from .core import DEFAULT, load_bundled, names

    rows = [("name", "layers", "m", "title")]
    described = []
    for name in names():
        s = load_bundled(name)
        rows.append((name + (" *" if name == DEFAULT else ""), s.shape_text, str(s.m), s.name))
        described.append(s.description)
    widths = [max(len(r[k]) for r in rows) for k in range(3)]
    for i, (name, layers, m, title) in enumerate(rows):
        head = f"{name:<{widths[0]}}  {layers:<{widths[1]}}  {m:>{widths[2]}}  "
        print(head + _cut(title, WIDTH - len(head)))
        if args.long and i and described[i - 1]:
            print(_wrapped(described[i - 1], "    "))
    print(f"* the default · `{PROG} show NAME` describes one" + ("" if args.long else ", `list --long` all"))
    return 0


def cmd_show(args) -> int:
    from .core import resolve

    s = resolve(args.scenario)
    acts = s.activation if s.activation == s.output_activation else f"{s.activation}, output {s.output_activation}"
    print(s.name)
    print(f"layers {s.shape_text}, m = {s.m}; {acts}; cost {s.cost}; η = {s.learning_rate:g}; {count(s.epochs)} epochs")
    if s.description:
        print()
        print(_wrapped(s.description))
    lesson = s.lesson
    if lesson.message or lesson.quiz or lesson.hide_panels or lesson.lock_keys or lesson.bug:
        print()
        parts = ["quiz mode"] if lesson.quiz else []
        if lesson.lock_keys:
            parts.append("locks " + ", ".join(lesson.lock_keys))
        if lesson.hide_panels:
            parts.append("hides " + ", ".join(lesson.hide_panels))
        if lesson.bug:
            parts.append("plants a mistake to find")  # not which: `show` must not give the hunt away
        print(_wrapped("A lesson" + (f" ({'; '.join(parts)})" if parts else "") + f": {lesson.message}".rstrip(": ")))
    return 0


def cmd_bugs(args) -> int:
    from .core.bugs import CATALOGUE, catalogue_json

    if args.json:
        import json

        print(json.dumps(catalogue_json(), indent=1, ensure_ascii=False))
        return 0
    print("Mistakes --bug can plant (one gate computes one result wrongly; every later gate uses it):")
    for m in CATALOGUE:
        name = f"{m.name}[@N]" if m.layered else m.name
        print(f"  {name:<22} {m.corrupts.key:<18} {m.describe(None)}")
    print(
        "@N picks layer N of the network (2 = the first hidden layer, the last is the output); without it, the "
        "layer nearest the output where the mistake applies. --bug random [--seed S] picks one for you.\n"
        "Every mistake changes a gradient (gradcheck --bug fails) except update-sign, which changes only the "
        "update: trace shows it."
    )
    return 0


def _session(args):
    """The scenario's session, with the mistake --bug (or its lesson) plants."""
    from .core import Session, resolve
    from .core.bugs import planted_for

    if args.seed is not None and args.bug != "random":
        _usage_error(args.command, "--seed goes with --bug random (it picks which mistake)")
    s = resolve(args.scenario)
    if getattr(args, "variant", None) is not None:
        from .core.scenario import variant

        s = variant(s, args.variant)
    return Session(s, planted_for(s, args.bug, args.seed))


def cmd_check(args) -> int:
    from .core import resolve

    failed = 0
    for spec in args.files:
        try:
            s = resolve(spec)
        except BackpropError as exc:
            _err(str(exc))
            failed += 1
            continue
        print(f"{spec}: ok: {s.name}, layers {s.shape_text}, m = {s.m}")
    return 1 if failed else 0


def cmd_trace(args) -> int:
    from . import export

    for flag in ("blank", "fade"):
        if getattr(args, flag) and args.format != "markdown":
            _usage_error("trace", f"--{flag} goes with --format markdown (a handout to fill in)")
    session = _session(args)
    if args.answers and session.planted is None:
        _usage_error("trace", "--answers goes with --bug (the key to a planted mistake)")
    for flag in ("blank", "fade"):
        if getattr(args, flag) and session.planted is not None:
            _usage_error(
                "trace", f"--{flag} does not go with a planted mistake: find-the-error needs the worked results"
            )
    if args.format == "json":
        print(export.dumps(export.trace_json(session, args.epochs)))
    elif args.format == "markdown":
        from . import handout

        text = handout.trace_markdown(
            session, args.epochs, args.decimals, blank=args.blank, fade=args.fade, answers=args.answers
        )
        print(text, end="")
    else:
        print(export.trace_text(session, args.epochs, args.decimals, answers=args.answers), end="")
    if session.diverged is not None:
        _err(str(session.diverged))
        return 1
    return 0


def cmd_explain(args) -> int:
    import json
    import re

    from .core import Session, resolve

    m = re.fullmatch(r"\s*(\w+)\s*\[\s*(\d+)\s*,\s*(\d+)\s*\]\s*", args.entry)
    if m is None:
        _err(f"--entry: expected NAME[i,j], e.g. dJ_dW1[2,3], got {args.entry!r}")
        return 1
    name, i, j = m.group(1), int(m.group(2)), int(m.group(3))
    session = Session(resolve(args.scenario))
    if args.epoch > 1 and not all(session.can_enter(e) for e in range(2, args.epoch + 1)):
        _err(str(session.diverged))
        return 1
    steps = session.epoch_pass(args.epoch)[2]
    if not 1 <= args.step <= len(steps):
        _err(f"--step: expected 1 to {len(steps)}, got {args.step}")
        return 1
    step = steps[args.step - 1]
    results = [op.result for op in step.operations]
    if name not in results:
        _err(f"--entry: step {step.index} ({step.title}) computes {', '.join(results)}, not {name}")
        return 1
    op = step.operation(name)
    rows, cols = op.shape
    if not (1 <= i <= rows and 1 <= j <= cols):
        _err(f"--entry: {name} is {rows}×{cols}: expected i from 1 to {rows} and j from 1 to {cols}, got [{i},{j}]")
        return 1
    e = op.expand(i - 1, j - 1)
    if args.json:
        print(json.dumps(e.json(), ensure_ascii=False, allow_nan=False))
        return 0
    from .notation import signed_number

    pad = " " * len(e.label)
    print(e.equation)
    if e.summed:
        print(f"{pad} = {e.symbols()}")
    print(f"{pad} = {e.numbers(args.decimals)}")
    print(f"{pad} = {signed_number(e.value, args.decimals)}")
    return 0


def _progress_bar(total: int):
    if not sys.stderr.isatty():
        return None, lambda: None
    step = max(1, total // 200)

    def report(done: int) -> None:
        if done % step == 0 or done == total:
            filled = 30 * done // total
            sys.stderr.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total}")
            sys.stderr.flush()

    return report, lambda: sys.stderr.write("\n")


def _params_json(params: Params) -> dict:
    return {k: v.tolist() for k, v in params.named().items()}


def _edges(n: int) -> list[int | None]:
    return list(range(n)) if n <= 2 * EDGE else [*range(EDGE), None, *range(n - EDGE, n)]


def matrix_summary(name: str, value, decimals: int = 6) -> list[str]:
    """A parameter as `train` prints it: a title, then one line per row; a large matrix as numpy
    summarises it, its first and last rows and columns around `…` (`--json` prints every value)."""
    rows, cols = value.shape
    keep_r, keep_c = _edges(rows), _edges(cols)
    shown = [[value[i, j] for j in keep_c if j is not None] for i in keep_r if i is not None]
    cells = matrix_cells(shown, decimals, float(abs(value).max()) if value.size else 0.0)
    title = f"  {name} ({rows}×{cols})"
    if cells.scale:
        title += f" {cells.scale_text}"
    cut = [w for w, n, kept in (("rows", rows, keep_r), ("columns", cols, keep_c)) if len(kept) < n]
    if cut:
        title += f", first and last {' and '.join(cut)} (--json: all)"
    if cells.exact_zero:
        title += f"; {EXACT_ZERO}"
    lines = [title]
    blank = " " * len(cells.text[0][0]) if cells.text and cells.text[0] else ""
    it = iter(cells.text)
    for i in keep_r:
        if i is None:
            lines.append("    " + " ".join("⋮".rjust(len(blank)) if j is not None else " " for j in keep_c))
            continue
        row = iter(next(it))
        lines.append("    " + " ".join(next(row) if j is not None else "…" for j in keep_c))
    return lines


def cmd_train(args) -> int:
    from .core import resolve, train

    s = resolve(args.scenario)
    epochs = args.epochs or s.epochs
    report, finish = _progress_bar(epochs)
    result = train(s.network(), s.params, s.learning_rate, epochs, progress=report, optimizer=s.optimizer)
    finish()
    # After divergence, the last sane parameters: those that start the last recorded epoch.
    params = result.params if result.diverged is None else (result.previous or s.params)
    if args.json:
        doc = {"epochs": len(result.costs), "cost": result.costs, "params": _params_json(params)}
        if result.diverged:
            doc["diverged"] = {
                "epoch": result.diverged.epoch,
                "message": str(result.diverged),
                "params": f"at the start of epoch {len(result.costs)}, the last before divergence",
            }
        import json

        print(json.dumps(doc, allow_nan=False))
    else:
        every = max(1, len(result.costs) // 10)
        print(s.name)
        print(f"layers {s.shape_text}, m = {s.m}, η = {s.learning_rate:g}, {s.cost}")
        wide = len(count(len(result.costs)))
        for i, cost in enumerate(result.costs, start=1):
            if i == 1 or i % every == 0 or i == len(result.costs):
                print(f"epoch {count(i):>{wide}}  J = {cost:.8g}")
        if result.diverged is None:
            print("parameters after training:")
        else:
            print(f"parameters at the start of epoch {count(len(result.costs))}, the last before divergence:")
        for name, value in params.named().items():
            print("\n".join(matrix_summary(name, value)))
    if result.diverged:
        _err(str(result.diverged))
        return 1
    return 0


def cmd_gradcheck(args) -> int:
    from .core import gradient_check

    session = _session(args)
    s, planted = session.scenario, session.planted
    entries = gradient_check(s.network(), s.params, plant=planted)
    worst = 0.0
    mistaken = " against the analytic gradients of the walk with its planted mistake" if planted else ""
    print(f"{s.name}: central differences (ε = 1e-5){mistaken}, tolerance {args.tolerance:g}")
    for e in entries:
        worst = max(worst, e.max_error)
        verdict = "ok" if e.max_error <= args.tolerance else "FAIL"
        shape = dims(e.analytic.shape)
        print(f"  {e.name:<4} {shape:<8} max relative error {e.max_error:.3e}  {verdict}")
    if worst > args.tolerance:
        from .core.network import relu_kinks

        kinks = relu_kinks(s.network(), s.params)
        if kinks:
            print(
                f"note: {kinks} relu pre-activation{'s are' if kinks > 1 else ' is'} within 1e-3 of 0, where relu "
                "has no derivative: central differences straddle the kink there, so a FAIL need not mean a wrong gradient"
            )
        _err(f"gradient check failed: max relative error {worst:.3e} > {args.tolerance:g}")
        return 1
    if planted is not None:
        print("note: every gradient agrees, so the planted mistake is not in a gradient: look at the update")
    return 0


def cmd_serve(args) -> int:
    from .core import resolve
    from .serve import serve

    resolve(args.scenario)  # fail here, with the one-line error, not in each browser
    return serve(args.scenario, args.host, args.port, args.max_sessions, args.idle_timeout)


# --- landscape: the loss surface of two weights ----------------------------------------------------


def _grid_size(text: str) -> int:
    import argparse

    from .core.landscape import MAX_SIZE

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer from 2 to {MAX_SIZE}, got {text!r}") from None
    if not 2 <= value <= MAX_SIZE:
        raise argparse.ArgumentTypeError(f"expected an integer from 2 to {MAX_SIZE}, got {value}")
    return value


def _landscape_parser(sub) -> None:
    from .core.landscape import DEFAULT_SIZE

    p = sub.add_parser(
        "landscape",
        help="the cost over a grid of two parameter entries, and the path of gradient descent",
        description=(
            "J over a SIZE×SIZE grid of two parameter entries, every other parameter at its value at the start "
            'of training; prints {"x", "y", "J", "path"} as JSON, J[r][c] at x[c], y[r]; path: the two entries '
            "and J at the start of each epoch."
        ),
    )
    p.add_argument("scenario")
    p.add_argument(
        "--weight", action="append", required=True, metavar="NAME[i,j]", help="a parameter entry, e.g. W1[1,2]; twice"
    )
    p.add_argument("--epochs", type=_epochs, default=None, help="epochs of the path (default: the scenario's)")
    p.add_argument(
        "--size", type=_grid_size, default=DEFAULT_SIZE, help=f"grid points per axis (default {DEFAULT_SIZE})"
    )
    p.add_argument(
        "--span",
        type=_tolerance,
        default=None,
        help="half-width of the grid around each start value (default: fits the path, at least 1)",
    )
    p.add_argument("--json", action="store_true", help="print the grid and the path as JSON (the only output form)")


def cmd_landscape(args) -> int:
    import json
    import math

    from .core import resolve
    from .core.landscape import landscape, parse_entry, path_points

    if len(args.weight) != 2:
        _usage_error("landscape", f"--weight is given twice (the two axes), got {len(args.weight)}")
    s = resolve(args.scenario)
    first, second = (parse_entry(w, s.params) for w in args.weight)
    net = s.network()
    epochs = args.epochs or s.epochs
    path = path_points(net, s.params, s.learning_rate, epochs, first, second)
    land = landscape(net, s.params, first, second, path, args.size, args.span)

    def num(v: float) -> float | None:
        return v if math.isfinite(v) else None  # JSON has no inf: an overflowed cost is null

    doc = {
        "x": land.xs.tolist(),
        "y": land.ys.tolist(),
        "J": [[num(v) for v in row] for row in land.J.tolist()],
        "path": path.tolist(),
    }
    print(json.dumps(doc, allow_nan=False))
    if len(path) < epochs:
        _err(f"training diverged at epoch {len(path) + 1}: the cost is not finite; the path stops there")
        return 1
    return 0


# --- compare: two settings side by side --------------------------------------------------------------


def _compare_parser(sub) -> None:
    from .core.compare import VARY_KEYS

    p = sub.add_parser(
        "compare",
        help="two scenarios of the same shapes side by side, stepped together",
        description="Open two scenarios whose networks and data have the same shapes, or one twice with a "
        "setting changed (--vary), in two panes stepped in lockstep; the entries that differ are marked.",
    )
    p.add_argument("a", metavar="A", help="a scenario file or a bundled scenario's name")
    p.add_argument("b", metavar="B", nargs="?", help="the other scenario (or --vary)")
    p.add_argument(
        "--vary",
        metavar="KEY=VALUE",
        help=f"A again with one setting changed; KEY is one of {', '.join(VARY_KEYS)} (seed: initial weights "
        "drawn from it), e.g. learning_rate=3, activation=tanh",
    )
    p.add_argument("--decimals", type=_decimals, default=None, help="decimals shown for values (default 3)")


def cmd_compare(args) -> int:
    from .core.compare import open_pair

    if (args.b is None) == (args.vary is None):
        _usage_error("compare", "give a second scenario B or --vary KEY=VALUE (one of them)")
    a, b, sides = open_pair(args.a, args.b, args.vary)  # every refusal here, before the terminal is taken over
    from .app.compare import CompareApp

    app = CompareApp(a, b, sides, args.decimals)
    app.run()
    return app.return_code or 0


def _collect_again() -> None:
    gc.freeze()  # what start-up built lives as long as the app: later collections need not walk it
    gc.enable()


def cmd_app(args) -> int:
    # Start-up allocates thousands of long-lived objects (modules, classes, styles, widgets); collecting
    # cycles among them only delays the first frame. Collection resumes once the scenario is shown.
    gc.disable()
    try:
        return _run_app(args)
    finally:
        gc.enable()


def _run_app(args) -> int:
    from .locate import locate

    spec = args.scenario
    locate(spec)  # no such file or bundled name: the one-line error before the terminal is taken over
    if not sys.stdout.isatty():
        # No terminal to paint first (a pipe, a browser through textual-serve): validate before starting.
        from .core import resolve

        spec = resolve(spec)
    from .app import BackpropApp

    # The app paints its first screen, then loads the scenario (numpy, validation); a file it cannot
    # use ends it at once, and the error is printed here, after the terminal is restored.
    app = BackpropApp(spec, decimals=args.decimals, bug=args.bug, seed=args.seed)
    app.when_loaded = _collect_again
    app.run()
    if app.startup_error is not None:
        _err(app.startup_error)
        return 1
    return app.return_code or 0


def cmd_sheets(args) -> int:
    from pathlib import Path

    from . import handout
    from .core import Session, resolve
    from .core.scenario import variant

    scenario = resolve(args.scenario)
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _err(f"{args.out}: cannot make the folder: {exc.strerror or exc}")
        return 1
    width = max(2, len(str(args.students)))
    index = [
        f"# {scenario.name}: one sheet per student",
        "",
        "| student | variant | sheet | answer key |",
        "|---|---|---|---|",
    ]
    for k in range(1, args.students + 1):
        n = f"{k:0{width}d}"
        sheet, key = f"sheet-{n}.md", f"answers-{n}.md"
        s = variant(scenario, k)
        tag = f"*Variant {k}: the answer key is `{key}`.*"
        files = {
            sheet: handout.trace_markdown(
                Session(s), args.epochs, args.decimals, blank=not args.fade, fade=args.fade, header=tag
            ),
            key: handout.trace_markdown(
                Session(s), args.epochs, args.decimals, header=f"*Variant {k}: answer key to `{sheet}`.*"
            ),
        }
        try:
            for name, text in files.items():
                (out / name).write_text(text, encoding="utf-8")
        except OSError as exc:
            _err(f"{out / sheet}: cannot write: {exc.strerror or exc}")
            return 1
        index.append(f"| {k} | {k} | [{sheet}]({sheet}) | [{key}]({key}) |")
    (out / "index.md").write_text("\n".join(index) + "\n", encoding="utf-8")
    print(f"wrote {args.students} sheet{'s' if args.students != 1 else ''} and answer keys to {out}/ (see index.md)")
    return 0


COMMANDS = {
    "list": cmd_list,
    "show": cmd_show,
    "bugs": cmd_bugs,
    "check": cmd_check,
    "trace": cmd_trace,
    "explain": cmd_explain,
    "train": cmd_train,
    "gradcheck": cmd_gradcheck,
    "serve": cmd_serve,
    "sheets": cmd_sheets,
    "landscape": cmd_landscape,
    "compare": cmd_compare,
}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    try:
        if argv and argv[0] in SUBCOMMANDS:
            args = _sub_parser().parse_args(argv)
            return COMMANDS[args.command](args)
        if not argv or (len(argv) == 1 and not argv[0].startswith("-")):
            # The usual launch, `backprop-tui [SCENARIO]`: no parser to build before the first frame.
            return cmd_app(SimpleNamespace(scenario=argv[0] if argv else None, decimals=None, bug=None, seed=None))
        return cmd_app(_app_parser().parse_args(argv))
    except BackpropError as exc:
        _err(str(exc))
        return 1
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: still one line, the traceback on request
        if os.environ.get("BACKPROP_TUI_DEBUG"):
            raise
        _err(f"internal error: {type(exc).__name__}: {exc} (set BACKPROP_TUI_DEBUG=1 for the traceback)")
        return 1
