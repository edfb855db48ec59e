"""The engine and the command line's headless paths never import textual."""

import re
import subprocess
import sys

import pytest

HEADLESS_MODULES = [  # the engine and the views that need no terminal
    "tui_backprop",
    "tui_backprop.core",
    "tui_backprop.core.activations",
    "tui_backprop.core.bundled",
    "tui_backprop.core.errors",
    "tui_backprop.core.lesson",
    "tui_backprop.core.network",
    "tui_backprop.core.scenario",
    "tui_backprop.core.session",
    "tui_backprop.core.trace",
    "tui_backprop.core.gates",
    "tui_backprop.core.bugs",
    "tui_backprop.core.compare",
    "tui_backprop.core.operations",
    "tui_backprop.quiz",
    "tui_backprop.notation",
    "tui_backprop.counts",
    "tui_backprop.locate",
    "tui_backprop.export",
    "tui_backprop.handout",
    "tui_backprop.cli",
]


def imported_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", code + "\nimport sys; print('\\n'.join(sys.modules))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return set(out.split())


@pytest.mark.parametrize("module", HEADLESS_MODULES)
def test_headless_module_does_not_import_textual(module):
    modules = imported_after(f"import {module}")
    assert not {m for m in modules if m == "textual" or m.startswith("textual.")}


def test_engine_files_have_no_textual_import_even_lazily():
    import re
    from pathlib import Path

    core = Path(__file__).resolve().parents[1] / "tui_backprop" / "core"
    pattern = re.compile(r"^\s*(import|from)\s+textual\b|import_module\(.textual", re.M)
    for path in core.glob("*.py"):
        assert not pattern.search(path.read_text(encoding="utf-8")), path


def test_train_command_does_not_import_textual():
    modules = imported_after(
        "import sys\nfrom tui_backprop.cli import main\n"
        "sys.stdout = open('/dev/null', 'w')\nmain(['train', 'and', '--epochs', '3'])\nsys.stdout = sys.__stdout__"
    )
    assert "numpy" in modules
    assert "textual" not in modules


def test_the_app_paints_its_first_screen_without_numpy():
    """`backprop-tui [SCENARIO]` imports the engine (numpy) after the first frame: the app's modules do not."""
    modules = imported_after(
        "import tui_backprop.cli, tui_backprop.app, tui_backprop.locate\n"
        "from tui_backprop.locate import locate, peek_name\n"
        "assert peek_name(locate(None)).startswith('Sleep and study')"
    )
    assert "tui_backprop.app.app" in modules
    assert not {m for m in modules if m == "numpy" or m.startswith("numpy.")}


def test_the_app_writes_no_colour_of_its_own():
    """Colours come from the theme's variables only, so ctrl+p → theme recolours everything: no hex code
    in the app's Python or stylesheet, and no colour name in a Rich style built in Python."""
    from pathlib import Path

    import tui_backprop.app

    root = Path(tui_backprop.app.__file__).parent
    hex_colour = re.compile(r"#[0-9a-fA-F]{6}\b|#[0-9a-fA-F]{3}\b|\brgba?\(")
    named = re.compile(
        r"style\s*=\s*f?[\"'][^\"']*\b(red|green|blue|yellow|magenta|cyan|white|black|grey|gray|orange|purple)\b"
    )
    found = []
    for path in sorted(root.rglob("*.py")) + sorted(root.rglob("*.tcss")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if hex_colour.search(line) or named.search(line):
                found.append(f"{path.relative_to(root)}:{n}: {line.strip()}")
    assert not found, "\n".join(found)
