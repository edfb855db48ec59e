"""The `backprop-tui` command line. Imports textual only to open the app."""

from __future__ import annotations

import gc
import os
import sys
from types import SimpleNamespace
from typing import TYPE_CHECKING

from . import __version__, counts
from .core.errors import BackpropError
from .i18n import LANGUAGES, _, ngettext, start
from .notation import EXACT_ZERO, cell_len, count, dims, ljust, matrix_cells, rjust, wrap
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
            raise argparse.ArgumentTypeError(
                _("expected a whole number, got {found}").format(found=repr(text))
            ) from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(
                _("expected {low} to {high}, got {found}").format(low=f"{low:,}", high=f"{high:,}", found=f"{value:,}")
            )
        return value

    return parse


_epochs = _count(counts.epochs)
_decimals = _count(counts.decimals)


def _language_parser() -> argparse.ArgumentParser:
    """`--lang`, shared by the app's parser and every subcommand's."""
    import argparse

    p = argparse.ArgumentParser(add_help=False)
    p.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=None,
        help=_("language of everything shown: en or zh (default: the lesson's, else the locale's, else en)"),
    )
    return p


def _lang_in(argv: list[str]) -> str | None:
    """--lang's value, read before the parsers are built so that their help is in that language
    (argparse still validates it)."""
    for i, arg in enumerate(argv):
        value = argv[i + 1] if arg == "--lang" and i + 1 < len(argv) else arg.partition("=")[2]
        if (arg == "--lang" or arg.startswith("--lang=")) and value in LANGUAGES:
            return value
    return None


def _app_parser() -> argparse.ArgumentParser:
    import argparse

    p = argparse.ArgumentParser(
        prog=PROG,
        parents=[_language_parser()],
        description=_("Step through one training iteration of a small neural network, gate by gate."),
        epilog=_(
            "subcommands (each has --help): list, show SCENARIO, bugs, check FILE..., trace SCENARIO, "
            "explain SCENARIO, train SCENARIO, gradcheck SCENARIO, serve [SCENARIO], sheets SCENARIO, landscape SCENARIO, "
            "compare A B | A --vary KEY=VALUE"
        ),
    )
    p.add_argument(
        "scenario",
        nargs="?",
        help=_("a scenario file or a bundled scenario's name (default: the article's sleep-study)"),
    )
    p.add_argument("--decimals", type=_decimals, default=None, help=_("decimals shown for values (default 3)"))
    _bug_arguments(p)
    p.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    return p


def _seed(text: str) -> int:
    import argparse

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("expected a non-negative integer, got {found}").format(found=repr(text))
        ) from None
    if value < 0:
        raise argparse.ArgumentTypeError(_("expected a non-negative integer, got {found}").format(found=value))
    return value


def _bug_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--bug", metavar="NAME", help=_("plant a classic mistake to find: a name from `backprop-tui bugs`, or random")
    )
    p.add_argument("--seed", type=_seed, default=None, help=_("with --bug random: which mistake, reproducibly"))


def _tolerance(text: str) -> float:
    import argparse
    import math

    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(_("expected a number > 0, got {found}").format(found=repr(text))) from None
    if not math.isfinite(value) or value <= 0:
        raise argparse.ArgumentTypeError(_("expected a finite number > 0, got {found}").format(found=repr(text)))
    return value


def _sub_parser() -> argparse.ArgumentParser:
    import argparse

    from .core.network import TOLERANCE
    from .notation import DEFAULT_DECIMALS

    p = argparse.ArgumentParser(prog=PROG)
    sub = p.add_subparsers(dest="command", required=True)
    lang = _language_parser()

    def add(name: str, **kwargs) -> argparse.ArgumentParser:
        return sub.add_parser(name, parents=[lang], **kwargs)

    li = add(
        "list",
        help=_("list the bundled scenarios"),
        description=_("List the bundled scenarios as a table: name, layers, m and title."),
    )
    li.add_argument("--long", action="store_true", help=_("each with its description"))
    sh = add(
        "show",
        help=_("describe one scenario"),
        description=_("Describe a scenario (a bundled name or a file): network, training and its description."),
    )
    sh.add_argument("scenario")
    b = add(
        "bugs",
        help=_("list the mistakes --bug can plant"),
        description=_("List the classic mistakes --bug can plant: name, gate, what the student did."),
    )
    b.add_argument("--json", action="store_true", help=_('print [{"name", "description", "gate", ...}] as JSON'))
    c = add(
        "check", help=_("validate scenario files"), description=_("Validate scenario files; exit 1 if any is invalid.")
    )
    c.add_argument("files", nargs="+", metavar="FILE")
    t = add("trace", help=_("print the whole gate-by-gate walk"), description=_("Print every step of the walk."))
    t.add_argument("scenario")
    t.add_argument("--epochs", type=_epochs, default=1, help=_("epochs to trace (default 1)"))
    t.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    t.add_argument(
        "--decimals",
        type=_decimals,
        default=DEFAULT_DECIMALS,
        help=_("decimals (default {n}, as the app)").format(n=DEFAULT_DECIMALS),
    )
    t.add_argument("--blank", action="store_true", help=_("markdown: leave results empty for students to fill in"))
    t.add_argument("--fade", action="store_true", help=_("markdown: work the first half of the steps, leave the rest"))
    t.add_argument(
        "--variant",
        type=_whole(0, 2**64 - 1),
        metavar="K",
        help=_("initial weights drawn reproducibly from K (LeCun normal): one set of numbers per student"),
    )
    _bug_arguments(t)
    t.add_argument("--answers", action="store_true", help=_("with --bug: add the answer key (where, and what)"))
    h = add(
        "sheets",
        help=_("write a blank sheet and its answer key per student"),
        description=_(
            "Write sheet-NN.md (blank) and answers-NN.md (worked) for each student, each with its own "
            "initial weights (variant NN), and index.md."
        ),
    )
    h.add_argument("scenario")
    h.add_argument("--students", type=_whole(1, MAX_STUDENTS), required=True, metavar="N")
    h.add_argument("--out", required=True, metavar="DIR", help=_("folder to write to (made if missing)"))
    h.add_argument("--fade", action="store_true", help=_("work the first half of each sheet's steps"))
    h.add_argument("--epochs", type=_epochs, default=1)
    h.add_argument("--decimals", type=_decimals, default=4)
    x = add(
        "explain",
        help=_("one entry of a step written out as a sum of products"),
        description=_("Print one result entry of a step as the sum behind it, with the numbers plugged in."),
    )
    x.add_argument("scenario")
    x.add_argument("--epoch", type=_epochs, default=1, help=_("the epoch (default 1)"))
    x.add_argument("--step", type=int, required=True, help=_("the step, counted from 1 as in the trace"))
    x.add_argument("--entry", required=True, help=_("NAME[i,j] as in the JSON trace, counted from 1, e.g. dJ_dW1[2,3]"))
    x.add_argument("--json", action="store_true", help=_("print {name, index, value, equation, terms} as JSON"))
    x.add_argument("--decimals", type=_decimals, default=4)
    r = add("train", help=_("train many epochs without the trace"), description=_("Train without building the trace."))
    r.add_argument("scenario")
    r.add_argument("--epochs", type=_epochs, default=None, help=_("epochs to train (default: the scenario's)"))
    r.add_argument("--json", action="store_true", help=_("print {epochs, cost, params} as JSON"))
    g = add(
        "gradcheck",
        help=_("compare analytic and numerical gradients"),
        description=_("Central differences for every parameter entry; exit 1 above the tolerance."),
    )
    g.add_argument("scenario")
    g.add_argument(
        "--tolerance",
        type=_tolerance,
        default=TOLERANCE,
        help=_("max relative error (default {tolerance})").format(tolerance=f"{TOLERANCE:g}"),
    )
    _bug_arguments(g)
    s = add("serve", help=_("serve the app to browsers"), description=_("Serve the app over HTTP with textual-serve."))
    s.add_argument("scenario", nargs="?")
    s.add_argument("--host", default="127.0.0.1")
    s.add_argument("--port", type=int, default=8000)
    s.add_argument(
        "--max-sessions",
        type=int,
        default=60,
        metavar="N",
        help=_("students served at once (default 60); more see a page saying the class is full"),
    )
    s.add_argument(
        "--idle-timeout",
        type=float,
        default=30.0,
        metavar="MINUTES",
        help=_("end a session after this long without a key press (default 30; 0: never)"),
    )
    _landscape_parser(add)
    _compare_parser(add)
    return p


def _usage_error(command: str, message: str) -> None:
    """A malformed command line: argparse's form and exit status 2."""
    # The frame is argparse's, untranslated as argparse's own messages are; the message is ours.
    print(f"usage: {PROG} {command} ...\n{PROG} {command}: error: {message}", file=sys.stderr)
    raise SystemExit(2)


def _cut(text: str, width: int) -> str:
    """`text` cut to `width` terminal cells (a CJK character takes two)."""
    if cell_len(text) <= width:
        return text
    while cell_len(text) > width - 1:
        text = text[:-1]
    return text + "…"


def _wrapped(text: str, indent: str = "") -> str:
    return wrap(text, WIDTH, indent)


def cmd_list(args) -> int:
    from .core import DEFAULT, load_bundled, names

    rows = [(_("name"), _("layers"), "m", _("title"))]
    described = []
    for name in names():
        s = load_bundled(name)
        rows.append((name + (" *" if name == DEFAULT else ""), s.shape_text, str(s.m), s.title))
        described.append(s.about)
    widths = [max(cell_len(r[k]) for r in rows) for k in range(3)]
    for i, (name, layers, m, title) in enumerate(rows):
        head = f"{ljust(name, widths[0])}  {ljust(layers, widths[1])}  {rjust(m, widths[2])}  "
        print(head + _cut(title, WIDTH - cell_len(head)))
        if args.long and i and described[i - 1]:
            print(_wrapped(described[i - 1], "    "))
    if args.long:
        print(_("* the default · `{prog} show NAME` describes one").format(prog=PROG))
    else:
        print(_("* the default · `{prog} show NAME` describes one, `list --long` all").format(prog=PROG))
    return 0


def cmd_show(args) -> int:

    s = _resolve(args.scenario)
    acts = (
        s.activation
        if s.activation == s.output_activation
        else _("{hidden}, output {output}").format(hidden=s.activation, output=s.output_activation)
    )
    print(s.title)
    print(
        _("layers {layers}, m = {m}; {activations}; cost {cost}; η = {eta}; {epochs} epochs").format(
            layers=s.shape_text,
            m=s.m,
            activations=acts,
            cost=s.cost,
            eta=f"{s.learning_rate:g}",
            epochs=count(s.epochs),
        )
    )
    if s.about:
        print()
        print(_wrapped(s.about))
    lesson = s.lesson
    if lesson.message or lesson.quiz or lesson.hide_panels or lesson.lock_keys or lesson.bug:
        print()
        parts = [_("quiz mode")] if lesson.quiz else []
        if lesson.lock_keys:
            parts.append(_("locks {actions}").format(actions=", ".join(lesson.lock_keys)))
        if lesson.hide_panels:
            parts.append(_("hides {panels}").format(panels=", ".join(lesson.hide_panels)))
        if lesson.bug:
            parts.append(_("plants a mistake to find"))  # not which: `show` must not give the hunt away
        head = _("A lesson ({parts})").format(parts="; ".join(parts)) if parts else _("A lesson")
        print(_wrapped(f"{head}: {lesson.message}".rstrip(": ")))
    return 0


def cmd_bugs(args) -> int:
    from .core.bugs import CATALOGUE, catalogue_json

    if args.json:
        import json

        print(json.dumps(catalogue_json(), indent=1, ensure_ascii=False))
        return 0
    print(_("Mistakes --bug can plant (one gate computes one result wrongly; every later gate uses it):"))
    for m in CATALOGUE:
        name = f"{m.name}[@N]" if m.layered else m.name
        print(f"  {name:<22} {m.corrupts.key:<18} {m.describe(None)}")
    print(
        _(
            "@N picks layer N of the network (2 = the first hidden layer, the last is the output); without it, the "
            "layer nearest the output where the mistake applies. --bug random [--seed S] picks one for you.\n"
            "Every mistake changes a gradient (gradcheck --bug fails) except update-sign, which changes only the "
            "update: trace shows it."
        )
    )
    return 0


def _session(args):
    """The scenario's session, with the mistake --bug (or its lesson) plants."""
    from .core import Session
    from .core.bugs import planted_for

    if args.seed is not None and args.bug != "random":
        _usage_error(args.command, _("--seed goes with --bug random (it picks which mistake)"))
    s = _resolve(args.scenario)
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
        print(
            _("{file}: ok: {name}, layers {layers}, m = {m}").format(
                file=spec, name=s.title, layers=s.shape_text, m=s.m
            )
        )
    return 1 if failed else 0


def cmd_trace(args) -> int:
    from . import export

    for flag in ("blank", "fade"):
        if getattr(args, flag) and args.format != "markdown":
            _usage_error("trace", _("--{flag} goes with --format markdown (a handout to fill in)").format(flag=flag))
    session = _session(args)
    if args.answers and session.planted is None:
        _usage_error("trace", _("--answers goes with --bug (the key to a planted mistake)"))
    for flag in ("blank", "fade"):
        if getattr(args, flag) and session.planted is not None:
            _usage_error(
                "trace",
                _("--{flag} does not go with a planted mistake: find-the-error needs the worked results").format(
                    flag=flag
                ),
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

    from .core import Session

    m = re.fullmatch(r"\s*(\w+)\s*\[\s*(\d+)\s*,\s*(\d+)\s*\]\s*", args.entry)
    if m is None:
        _err(_("--entry: expected NAME[i,j], e.g. dJ_dW1[2,3], got {entry}").format(entry=repr(args.entry)))
        return 1
    name, i, j = m.group(1), int(m.group(2)), int(m.group(3))
    session = Session(_resolve(args.scenario))
    if args.epoch > 1 and not all(session.can_enter(e) for e in range(2, args.epoch + 1)):
        _err(str(session.diverged))
        return 1
    steps = session.epoch_pass(args.epoch)[2]
    if not 1 <= args.step <= len(steps):
        _err(_("--step: expected 1 to {n}, got {step}").format(n=len(steps), step=args.step))
        return 1
    step = steps[args.step - 1]
    results = [op.result for op in step.operations]
    if name not in results:
        _err(
            _("--entry: step {index} ({title}) computes {results}, not {name}").format(
                index=step.index, title=step.title, results=", ".join(results), name=name
            )
        )
        return 1
    op = step.operation(name)
    rows, cols = op.shape
    if not (1 <= i <= rows and 1 <= j <= cols):
        _err(
            _(
                "--entry: {name} is {rows}×{cols}: expected i from 1 to {rows} and j from 1 to {cols}, got [{i},{j}]"
            ).format(name=name, rows=rows, cols=cols, i=i, j=j)
        )
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
    cut_rows, cut_cols = len(keep_r) < rows, len(keep_c) < cols
    if cut_rows and cut_cols:
        title += _(", first and last rows and columns (--json: all)")
    elif cut_rows:
        title += _(", first and last rows (--json: all)")
    elif cut_cols:
        title += _(", first and last columns (--json: all)")
    if cells.exact_zero:
        title += f"; {_(EXACT_ZERO)}"
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
    from .core import train

    s = _resolve(args.scenario)
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
                "params": _("at the start of epoch {epoch}, the last before divergence").format(
                    epoch=len(result.costs)
                ),
            }
        import json

        print(json.dumps(doc, allow_nan=False))
    else:
        every = max(1, len(result.costs) // 10)
        print(s.title)
        print(
            _("layers {layers}, m = {m}, η = {eta}, {cost}").format(
                layers=s.shape_text, m=s.m, eta=f"{s.learning_rate:g}", cost=s.cost
            )
        )
        wide = len(count(len(result.costs)))
        for i, cost in enumerate(result.costs, start=1):
            if i == 1 or i % every == 0 or i == len(result.costs):
                print(_("epoch {epoch}  J = {cost}").format(epoch=f"{count(i):>{wide}}", cost=f"{cost:.8g}"))
        if result.diverged is None:
            print(_("parameters after training:"))
        else:
            print(
                _("parameters at the start of epoch {epoch}, the last before divergence:").format(
                    epoch=count(len(result.costs))
                )
            )
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
    head = (
        _(
            "{name}: central differences (ε = 1e-5) against the analytic gradients of the walk with its planted "
            "mistake, tolerance {tolerance}"
        )
        if planted
        else _("{name}: central differences (ε = 1e-5), tolerance {tolerance}")
    )
    print(head.format(name=s.title, tolerance=f"{args.tolerance:g}"))
    for e in entries:
        worst = max(worst, e.max_error)
        verdict = _("ok") if e.max_error <= args.tolerance else _("FAIL")
        shape = dims(e.analytic.shape)
        error = _("max relative error {error}").format(error=f"{e.max_error:.3e}")
        print(f"  {e.name:<4} {shape:<8} {error}  {verdict}")
    if worst > args.tolerance:
        from .core.network import relu_kinks

        kinks = relu_kinks(s.network(), s.params)
        if kinks:
            print(
                ngettext(
                    "note: {n} relu pre-activation is within 1e-3 of 0, where relu has no derivative: central "
                    "differences straddle the kink there, so a FAIL need not mean a wrong gradient",
                    "note: {n} relu pre-activations are within 1e-3 of 0, where relu has no derivative: central "
                    "differences straddle the kink there, so a FAIL need not mean a wrong gradient",
                    kinks,
                ).format(n=kinks)
            )
        _err(
            _("gradient check failed: max relative error {error} > {tolerance}").format(
                error=f"{worst:.3e}", tolerance=f"{args.tolerance:g}"
            )
        )
        return 1
    if planted is not None:
        print(_("note: every gradient agrees, so the planted mistake is not in a gradient: look at the update"))
    return 0


def cmd_serve(args) -> int:
    from .serve import serve

    _resolve(args.scenario)  # fail here, with the one-line error, not in each browser
    return serve(args.scenario, args.host, args.port, args.max_sessions, args.idle_timeout)


# --- landscape: the loss surface of two weights ----------------------------------------------------


def _grid_size(text: str) -> int:
    import argparse

    from .core.landscape import MAX_SIZE

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            _("expected an integer from 2 to {high}, got {found}").format(high=MAX_SIZE, found=repr(text))
        ) from None
    if not 2 <= value <= MAX_SIZE:
        raise argparse.ArgumentTypeError(
            _("expected an integer from 2 to {high}, got {found}").format(high=MAX_SIZE, found=value)
        )
    return value


def _landscape_parser(add) -> None:
    from .core.landscape import DEFAULT_SIZE

    p = add(
        "landscape",
        help=_("the cost over a grid of two parameter entries, and the path of gradient descent"),
        description=_(
            "J over a SIZE×SIZE grid of two parameter entries, every other parameter at its value at the start "
            'of training; prints {"x", "y", "J", "path"} as JSON, J[r][c] at x[c], y[r]; path: the two entries '
            "and J at the start of each epoch."
        ),
    )
    p.add_argument("scenario")
    p.add_argument(
        "--weight",
        action="append",
        required=True,
        metavar="NAME[i,j]",
        help=_("a parameter entry, e.g. W1[1,2]; twice"),
    )
    p.add_argument("--epochs", type=_epochs, default=None, help=_("epochs of the path (default: the scenario's)"))
    p.add_argument(
        "--size",
        type=_grid_size,
        default=DEFAULT_SIZE,
        help=_("grid points per axis (default {n})").format(n=DEFAULT_SIZE),
    )
    p.add_argument(
        "--span",
        type=_tolerance,
        default=None,
        help=_("half-width of the grid around each start value (default: fits the path, at least 1)"),
    )
    p.add_argument("--json", action="store_true", help=_("print the grid and the path as JSON (the only output form)"))


def cmd_landscape(args) -> int:
    import json
    import math

    from .core.landscape import landscape, parse_entry, path_points

    if len(args.weight) != 2:
        _usage_error("landscape", _("--weight is given twice (the two axes), got {n}").format(n=len(args.weight)))
    s = _resolve(args.scenario)
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
        _err(
            _("training diverged at epoch {epoch}: the cost is not finite; the path stops there").format(
                epoch=len(path) + 1
            )
        )
        return 1
    return 0


# --- compare: two settings side by side --------------------------------------------------------------


def _compare_parser(add) -> None:
    from .core.compare import VARY_KEYS

    p = add(
        "compare",
        help=_("two scenarios of the same shapes side by side, stepped together"),
        description=_(
            "Open two scenarios whose networks and data have the same shapes, or one twice with a "
            "setting changed (--vary), in two panes stepped in lockstep; the entries that differ are marked."
        ),
    )
    p.add_argument("a", metavar="A", help=_("a scenario file or a bundled scenario's name"))
    p.add_argument("b", metavar="B", nargs="?", help=_("the other scenario (or --vary)"))
    p.add_argument(
        "--vary",
        metavar="KEY=VALUE",
        help=_(
            "A again with one setting changed; KEY is one of {keys} (seed: initial weights "
            "drawn from it), e.g. learning_rate=3, activation=tanh"
        ).format(keys=", ".join(VARY_KEYS)),
    )
    p.add_argument("--decimals", type=_decimals, default=None, help=_("decimals shown for values (default 3)"))


def cmd_compare(args) -> int:
    from .core.compare import open_pair

    if (args.b is None) == (args.vary is None):
        _usage_error("compare", _("give a second scenario B or --vary KEY=VALUE (one of them)"))
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
    from .core import Session
    from .core.scenario import variant

    scenario = _resolve(args.scenario)
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        _err(_("{path}: cannot make the folder: {reason}").format(path=args.out, reason=exc.strerror or exc))
        return 1
    width = max(2, len(str(args.students)))
    index = [
        _("# {name}: one sheet per student").format(name=scenario.title),
        "",
        _("| student | variant | sheet | answer key |"),
        "|---|---|---|---|",
    ]
    for k in range(1, args.students + 1):
        n = f"{k:0{width}d}"
        sheet, key = f"sheet-{n}.md", f"answers-{n}.md"
        s = variant(scenario, k)
        tag = _("*Variant {k}: the answer key is `{key}`.*").format(k=k, key=key)
        files = {
            sheet: handout.trace_markdown(
                Session(s), args.epochs, args.decimals, blank=not args.fade, fade=args.fade, header=tag
            ),
            key: handout.trace_markdown(
                Session(s),
                args.epochs,
                args.decimals,
                header=_("*Variant {k}: answer key to `{sheet}`.*").format(k=k, sheet=sheet),
            ),
        }
        try:
            for name, text in files.items():
                (out / name).write_text(text, encoding="utf-8")
        except OSError as exc:
            _err(_("{path}: cannot write: {reason}").format(path=out / sheet, reason=exc.strerror or exc))
            return 1
        index.append(f"| {k} | {k} | [{sheet}]({sheet}) | [{key}]({key}) |")
    (out / "index.md").write_text("\n".join(index) + "\n", encoding="utf-8")
    print(
        ngettext(
            "wrote {n} sheet and answer keys to {folder}/ (see index.md)",
            "wrote {n} sheets and answer keys to {folder}/ (see index.md)",
            args.students,
        ).format(n=args.students, folder=out)
    )
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


def _resolve(spec):
    """The scenario `spec` names; its lesson's language applies unless --lang chose one."""
    from .core import resolve
    from .i18n import prefer

    s = resolve(spec)
    prefer(s.lesson.language)
    return s


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    start(_lang_in(argv))
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
        _err(
            _("internal error: {kind}: {error} (set BACKPROP_TUI_DEBUG=1 for the traceback)").format(
                kind=type(exc).__name__, error=exc
            )
        )
        return 1
