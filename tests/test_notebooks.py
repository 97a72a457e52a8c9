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

#: What each notebook computes, by code cell index: lines that must appear in that cell's output,
#: compared with their words (so that pandas' column padding does not matter).
EXPECTED: dict[str, dict[int, list[str]]] = {
    "01-sparql-from-python": {
        1: ["7584 triples; validation: conforms"],
        8: ["18 measures"],  # Guizhou's distinct measures
        # The first Jiangsu quote, by offset: "深入落实中央政法委、最高人民法院关于加强司法权监督管理的要求".
        12: ["“深入落实中央政法委、最高人民法院关于加强司法权监督管理的要求” [1575–1605]"],
        # The largest percentage: "2020年抽查的1100起警情案件全部如实受立案" (全部: 100%), then 99.15%.
        14: ["18 贵州 警情如实受立案率 100.00 2020年 NaN", "7 广西 群众对检察队伍满意度 99.15 2020年 NaN"],
        16: ["measures: 136"],
    },
    "02-compare-provinces": {
        1: ["136 measures; 85 concepts in the taxonomy"],
        3: ["党委领导与统筹推进 9 0 0 0 0", "流程管控与节点监控 3 5 0 8 0"],
        5: ["湖南 39 41", "江苏 16 19", "广西 27 29", "贵州 18 19", "四川 36 42"],
        13: ["湖南 1 5/12 2/3 1/3 3/4"],
        14: ["closest over mechanisms: 湖南–广西 5/23 (0.217)"],
        16: ["11 党委领导与统筹推进 unique 湖南 9"],
        18: ["江苏 × 流程管控与节点监控（机制类别）：5 项举措"],
    },
    "03-network-analysis": {
        1: ["87 nodes, 122 edges; {'organ': 12, 'category': 2, 'mechanism': 73}"],
        6: ["1 湖南 广西 10 46 5/23 0.217"],
        8: ["7 communities, modularity 0.609"],
        12: ["full.graphml 258 nodes, 414 edges", "full.gexf 258 nodes, 414 edges"],
    },
}


def _cell_lines(cell: nbformat.NotebookNode) -> set[str]:
    """The cell's printed and displayed text, one entry per line, words joined by single spaces."""
    text = ""
    for output in cell.outputs:
        text += output.get("text", "") + output.get("data", {}).get("text/plain", "") + "\n"
    return {" ".join(line.split()) for line in text.splitlines()}


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
    for index, lines in EXPECTED[path.stem].items():
        shown = _cell_lines(notebook.cells[index])
        missing = [line for line in lines if line not in shown]
        assert not missing, f"{path.name} cell {index}: {missing} not in {sorted(shown)}"
