"""Every notebook in notebooks/ runs top to bottom in a real Jupyter kernel, so none can rot.

The kernel is this interpreter (its kernelspec is written to a temporary folder with
ipykernel), so the notebooks see the same installed ``kg`` as the tests.
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def kernel_specs(tmp_path_factory: pytest.TempPathFactory) -> KernelSpecManager:
    """A ``python3`` kernelspec that runs ``sys.executable`` (whatever Jupyter has installed globally)."""
    from ipykernel.kernelspec import write_kernel_spec

    folder = tmp_path_factory.mktemp("kernels")
    write_kernel_spec(path=str(folder / "python3"))
    specs = KernelSpecManager(kernel_dirs=[str(folder)])
    assert specs.get_kernel_spec("python3").argv[0] == sys.executable
    return specs


def test_the_three_notebooks_exist() -> None:
    names = [p.name for p in NOTEBOOKS]
    assert names[:3] == ["01-sparql-from-python.ipynb", "02-compare-provinces.ipynb", "03-network-analysis.ipynb"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path: Path, kernel_specs: KernelSpecManager, tmp_path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    assert not any(cell.get("outputs") for cell in notebook.cells if cell.cell_type == "code"), (
        f"{path.name}: commit notebooks without outputs"
    )
    manager = KernelManager(kernel_name="python3", kernel_spec_manager=kernel_specs)
    # Run from an empty folder: a notebook must not depend on the working directory.
    client = NotebookClient(notebook, km=manager, timeout=300, resources={"metadata": {"path": str(tmp_path)}})
    client.execute()
    errors = [
        output
        for cell in notebook.cells
        if cell.cell_type == "code"
        for output in cell.outputs
        if output.output_type == "error" or (output.output_type == "stream" and output.name == "stderr")
    ]
    assert not errors, errors
    executed = [cell for cell in notebook.cells if cell.cell_type == "code"]
    assert all(cell.execution_count for cell in executed)
    assert any(cell.outputs for cell in executed)
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # wrote nothing into the working folder
