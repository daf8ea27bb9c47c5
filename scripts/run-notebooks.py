#!/usr/bin/python3
"""Execute notebooks (every NOTEBOOK_DIR/*.ipynb, or one .ipynb) on the mermap-lab kernel and export them.

usage: /usr/bin/python3 scripts/run-notebooks.py NOTEBOOK_DIR|NOTEBOOK.ipynb OUT_DIR
           [--timeout S] [-p NAME VALUE]...

Each notebook runs in place: the kernel's working directory is the notebook's own folder, so
relative paths (its out/ folder) resolve as they do in Jupyter. The source notebooks are
not modified; the executed copy goes to OUT_DIR/NAME.ipynb and an HTML export to OUT_DIR/NAME.html
(written for failed notebooks too, up to the failing cell).

A failing cell is reported with the notebook, the cell's index (0-based, as in the .ipynb), its
source, and its stderr and error outputs: tslab writes the real TypeScript or runtime error to
the cell's stderr stream, while the execute reply only says "Error". tslab skips every cell after
a failure, so a notebook stops at its first failing cell.

The last line is `notebooks: N passed, N failed`; the exit status is 1 if any notebook failed (or
none was found), 2 on bad usage or a missing Jupyter installation.

Parameters, as papermill does for Python: `-p NAME VALUE` (repeatable) adds a code cell
`const NAME = VALUE;` right after the notebook's cell tagged `parameters`, where NAME must be
declared (tslab lets a later cell declare a const again). VALUE is taken as JSON when it parses
(1000, true, "text", [1, 2], {"a": 1}) and as a string otherwise. The injected cell is tagged
`injected-parameters`.

Needs Debian's python3-nbclient, jupyter-nbconvert and jupyter-client, and the mermap-lab kernel
registered: scripts/setup.sh --with-notebooks.
"""

import argparse
import json
import os
import re
import sys
import time

DEBIAN_PYTHON = "/usr/bin/python3"

try:
    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError
    from nbconvert import HTMLExporter
except ImportError as missing:
    # The first python3 on PATH may be one without Debian's Jupyter modules: retry with Debian's.
    if os.path.realpath(sys.executable) != os.path.realpath(DEBIAN_PYTHON) and os.path.exists(DEBIAN_PYTHON):
        os.execv(DEBIAN_PYTHON, [DEBIAN_PYTHON, os.path.abspath(__file__), *sys.argv[1:]])
    print(
        f"run-notebooks: cannot import Jupyter modules ({missing}); "
        "run scripts/setup.sh --with-notebooks, then this script with /usr/bin/python3",
        file=sys.stderr,
    )
    sys.exit(2)

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def plain(text):
    return ANSI.sub("", text)


def indent(text, prefix="    "):
    text = text.rstrip("\n")
    if not text:
        return prefix + "(empty)"
    return "\n".join(prefix + line for line in text.split("\n"))


def ensure_cell_ids(nb):
    """nbformat 4.5 wants an id on every cell; give the in-memory copy stable ones if missing."""
    if (nb.nbformat, nb.nbformat_minor) < (4, 5):
        nb.nbformat_minor = 5
    for index, cell in enumerate(nb.cells):
        if not cell.get("id"):
            cell["id"] = f"cell-{index}"


class BadParameter(Exception):
    pass


def parameter_literal(text):
    """A -p VALUE as a TypeScript literal: JSON when it parses, else a string."""
    try:
        value = json.loads(text)
    except ValueError:
        value = text
    return json.dumps(value)


def inject_parameters(nb, params):
    """Add `const NAME = VALUE;` lines in a cell after the one tagged `parameters`."""
    if not params:
        return
    tagged = [i for i, c in enumerate(nb.cells) if "parameters" in c.get("metadata", {}).get("tags", [])]
    if len(tagged) != 1:
        raise BadParameter(f"-p needs exactly one cell tagged 'parameters' (found {len(tagged)})")
    source = nb.cells[tagged[0]].source
    lines = ["// Parameters injected by scripts/run-notebooks.py (-p NAME VALUE)"]
    for name, value in params:
        if not re.fullmatch(r"[A-Za-z_$][\w$]*", name):
            raise BadParameter(f"-p {name}: not a TypeScript identifier")
        if not re.search(rf"^\s*(?:export\s+)?(?:const|let|var)\s+{re.escape(name)}\b", source, re.M):
            raise BadParameter(f"-p {name}: the parameters cell declares no {name}")
        lines.append(f"const {name} = {parameter_literal(value)};")
    cell = nbformat.v4.new_code_cell("\n".join(lines))
    cell.metadata["tags"] = ["injected-parameters"]
    cell["id"] = "injected-parameters"
    nb.cells.insert(tagged[0] + 1, cell)


class Failure(Exception):
    def __init__(self, headline, cell_index=None):
        super().__init__(headline)
        self.headline = headline
        self.cell_index = cell_index


def execute(nb, nb_dir, kernel, timeout, startup_timeout):
    """Run the notebook's code cells in order; raise Failure naming the cell that failed."""
    current = {"index": None}

    def on_cell_start(cell, cell_index, **_kwargs):
        current["index"] = cell_index

    client = NotebookClient(
        nb,
        timeout=timeout,
        startup_timeout=startup_timeout,
        kernel_name=kernel,
        allow_errors=False,
        record_timing=True,
        resources={"metadata": {"path": nb_dir}},
        on_cell_start=on_cell_start,
    )
    try:
        client.execute()
    except CellTimeoutError:
        raise Failure(f"timed out after {timeout:g} s", current["index"])
    except CellExecutionError as err:
        # tslab's error reply carries no ename/evalue (nbclient shows "<Error>"); stderr has the story.
        ename = plain(str(getattr(err, "ename", "") or ""))
        evalue = plain(str(getattr(err, "evalue", "") or "")).strip()
        if ename and not ename.startswith("<") and evalue:
            summary = f"{ename}: {evalue}".split("\n")[0]
        else:
            summary = "a cell failed"
        raise Failure(summary, current["index"])
    except DeadKernelError as err:
        raise Failure(f"the kernel died ({err})", current["index"])
    except NoSuchKernel:
        raise Failure(f"no Jupyter kernel named {kernel!r}: run scripts/setup.sh --with-notebooks")
    except RuntimeError as err:  # e.g. the kernel did not start in time
        raise Failure(f"kernel problem: {err}", current["index"])


def report_failure(name, nb, failure):
    where = f" (cell {failure.cell_index}, 0-based)" if failure.cell_index is not None else ""
    print(f"FAIL {name}: {failure.headline}{where}")
    if failure.cell_index is None or failure.cell_index >= len(nb.cells):
        return
    cell = nb.cells[failure.cell_index]
    print(f"  cell {failure.cell_index} ({cell.cell_type}) source:")
    print(indent(cell.source))
    outputs = cell.get("outputs", [])
    stderr = "".join(
        text if isinstance(text, str) else "".join(text)
        for text in (o.get("text", "") for o in outputs if o.get("output_type") == "stream" and o.get("name") == "stderr")
    )
    if stderr:
        print(f"  cell {failure.cell_index} stderr:")
        print(indent(plain(stderr)))
    for o in outputs:
        if o.get("output_type") == "error":
            print(f"  cell {failure.cell_index} error: {plain(o.get('ename', ''))}: {plain(o.get('evalue', ''))}")
            traceback = plain("\n".join(o.get("traceback", [])))
            if traceback.strip():
                print(indent(traceback))
    if not stderr and not any(o.get("output_type") == "error" for o in outputs):
        print(f"  cell {failure.cell_index} produced no stderr or error output")


def export(nb, name, out_dir):
    nbformat.write(nb, os.path.join(out_dir, f"{name}.ipynb"))
    body, _resources = HTMLExporter().from_notebook_node(nb, resources={"metadata": {"name": name}})
    with open(os.path.join(out_dir, f"{name}.html"), "w", encoding="utf-8") as fh:
        fh.write(body)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", metavar="NOTEBOOK_DIR|NOTEBOOK.ipynb")
    parser.add_argument("out_dir")
    parser.add_argument("--timeout", type=int, default=600, help="seconds per cell (default 600)")
    parser.add_argument("--startup-timeout", type=int, default=60, help="seconds for the kernel to start")
    parser.add_argument("--kernel", default="mermap-lab", help="kernel name (default mermap-lab)")
    parser.add_argument("-p", "--parameter", nargs=2, action="append", default=[], metavar=("NAME", "VALUE"),
                        help="set a parameter: a cell `const NAME = VALUE;` after the cell tagged parameters")
    args = parser.parse_args(argv)
    if args.timeout <= 0:
        parser.error("--timeout must be positive")

    source = os.path.abspath(args.notebooks)
    out_dir = os.path.abspath(args.out_dir)
    if os.path.isfile(source) and source.endswith(".ipynb"):
        nb_dir = os.path.dirname(source)
        names = [os.path.basename(source)[: -len(".ipynb")]]
    elif os.path.isdir(source):
        nb_dir = source
        names = sorted(f[: -len(".ipynb")] for f in os.listdir(nb_dir) if f.endswith(".ipynb") and not f.startswith("."))
    else:
        parser.error(f"{args.notebooks} is neither a directory nor an .ipynb file")
    if os.path.realpath(nb_dir) == os.path.realpath(out_dir):
        parser.error("OUT_DIR must differ from NOTEBOOK_DIR (the executed copies would overwrite the sources)")
    try:
        KernelSpecManager().get_kernel_spec(args.kernel)
    except NoSuchKernel:
        print(f"run-notebooks: no Jupyter kernel named {args.kernel!r}: run scripts/setup.sh --with-notebooks",
              file=sys.stderr)
        return 2
    if args.parameter:  # check the parameters against every notebook before running any
        for name in names:
            try:
                inject_parameters(nbformat.read(os.path.join(nb_dir, f"{name}.ipynb"), as_version=4), args.parameter)
            except BadParameter as err:
                print(f"run-notebooks: {name}.ipynb: {err}", file=sys.stderr)
                return 2
            except Exception:  # unreadable: reported as a failure below
                pass
    os.makedirs(out_dir, exist_ok=True)

    passed = failed = 0
    if not names:
        print(f"run-notebooks: no *.ipynb in {nb_dir}", file=sys.stderr)
    for name in names:
        path = os.path.join(nb_dir, f"{name}.ipynb")
        shown = os.path.relpath(path)
        started = time.monotonic()
        try:
            nb = nbformat.read(path, as_version=4)
        except Exception as err:  # unreadable or invalid JSON
            print(f"FAIL {shown}: cannot read the notebook: {err}")
            failed += 1
            continue
        ensure_cell_ids(nb)
        inject_parameters(nb, args.parameter)  # checked above
        failure = None
        try:
            execute(nb, nb_dir, args.kernel, args.timeout, args.startup_timeout)
        except Failure as err:
            failure = err
        try:
            export(nb, name, out_dir)
        except Exception as err:
            failure = failure or Failure(f"export to {out_dir} failed: {err}")
        elapsed = time.monotonic() - started
        if failure is None:
            passed += 1
            print(f"ok   {shown} ({elapsed:.1f} s)")
        else:
            failed += 1
            report_failure(shown, nb, failure)
        sys.stdout.flush()

    print(f"notebooks: {passed} passed, {failed} failed")
    return 1 if failed or not names else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
