"""Every notebook in notebooks/ runs top to bottom in a real Jupyter kernel, so none can rot.

The kernel is this interpreter (its kernelspec is written to a temporary folder with
ipykernel), so the notebooks see the same installed ``kg`` as the tests.
"""

from __future__ import annotations

import html
import json
import re
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest
from jupyter_client.kernelspec import KernelSpecManager
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient

from tests.browser import CHROMIUM

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
    for index, lines in EXPECTED.get(path.stem, {}).items():
        shown = _cell_lines(notebook.cells[index])
        missing = [line for line in lines if line not in shown]
        assert not missing, f"{path.name} cell {index}: {missing} not in {sorted(shown)}"


# --- notebook 04: the explorer inline, a pyvis view, networkx (issue 18) -----------------

GRAPH_NOTEBOOK = ROOT / "notebooks" / "04-graph-in-the-notebook.ipynb"


@pytest.fixture(scope="module")
def graph_notebook(kernel_specs: KernelSpecManager, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """Notebook 04, executed in a real kernel from an empty folder."""
    notebook = nbformat.read(GRAPH_NOTEBOOK, as_version=4)
    manager = KernelManager(kernel_name="python3", kernel_spec_manager=kernel_specs)
    folder = tmp_path_factory.mktemp("run-04")
    NotebookClient(notebook, km=manager, timeout=300, resources={"metadata": {"path": str(folder)}}).execute()
    return notebook


def framed_pages(notebook: Any) -> list[str]:
    """The pages the notebook shows inline: each iframe's srcdoc, unescaped, in output order."""
    pages = []
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            markup = output.get("data", {}).get("text/html", "")
            pages += [html.unescape(m) for m in re.findall(r'<iframe srcdoc="([^"]*)"', markup)]
    return pages


def page_data(page: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="kg-data">(.*?)</script>', page, re.DOTALL)
    assert found, "the explorer's data element"
    return json.loads(found.group(1))


REMOTE = re.compile(r"""\b(?:src|href)\s*=\s*["']?(?:https?:)?//|@import|url\(\s*["']?(?:https?:)?//""", re.I)


def test_graph_notebook_shows_the_explorer_and_a_pyvis_view_inline(graph_notebook: Any, seed_graph: Any) -> None:
    from tests.test_viz import expected_province_view, oxigraph_copy, province_iri

    store = oxigraph_copy(seed_graph)
    hunan = expected_province_view(store, province_iri(store, "Hunan"))
    explorer, pyvis_page = framed_pages(graph_notebook)

    # The explorer: Hunan's view (the same nodes SPARQL finds), nothing remote, requests forbidden.
    assert {n["id"] for n in page_data(explorer)["nodes"]} == hunan
    assert "default-src 'none'" in explorer and not REMOTE.search(explorer)
    assert "<iframe" in str(graph_notebook.cells[3].outputs[0].data["text/html"])

    # The pyvis view: the same nodes but figures, vis-network inlined, no CDN (pyvis's template has three).
    figures = {iri for (iri,) in store.query("SELECT ?f WHERE { ?f a <https://w3id.org/zhengfa-kg/def/Figure> }")}
    nodes = json.loads(re.search(r"nodes = new vis\.DataSet\((\[.*?\])\);", pyvis_page, re.DOTALL).group(1))
    assert {n["id"] for n in nodes} == hunan - {f.value for f in figures}
    assert "default-src 'none'" in pyvis_page and not REMOTE.search(pyvis_page)
    assert "vis-network" in pyvis_page and "cdn.jsdelivr.net" not in pyvis_page
    printed = "".join(o.get("text", "") for cell in graph_notebook.cells for o in cell.get("outputs", []))
    assert f"{len(nodes)} nodes," in printed


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian's chromium is not installed")
def test_graph_notebook_html_export_draws_the_graph_offline(
    graph_notebook: Any, browser: Any, tmp_path: Path, seed_graph: Any
) -> None:
    """nbconvert's HTML export of the executed notebook, opened with every request but the file aborted."""
    from nbconvert import HTMLExporter

    from tests.test_viz import expected_province_view, oxigraph_copy, province_iri

    body, _ = HTMLExporter().from_notebook_node(graph_notebook)
    export = tmp_path / "04.html"
    export.write_text(body, encoding="utf-8")
    url = export.resolve().as_uri()
    from_frames: list[str] = []
    errors: list[str] = []
    page = browser.new_page(viewport={"width": 1200, "height": 900})

    def route(route: Any) -> None:
        if route.request.url == url:
            route.continue_()
            return
        if route.request.frame.url.startswith("about:"):  # asked for by one of our frames
            from_frames.append(route.request.url)
        route.abort()  # nbconvert's template asks for require.js and MathJax from CDNs: refused

    page.route("**/*", route)
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url)
    page.frame_locator("iframe").first.locator("body[data-ready=true]").wait_for(state="attached", timeout=120_000)
    explorer = next(f for f in page.frames if f.url == "about:srcdoc" and f.evaluate("() => !!window.kgExplorer"))
    store = oxigraph_copy(seed_graph)
    expected = expected_province_view(store, province_iri(store, "Hunan"))
    assert set(explorer.evaluate("() => kgExplorer.nodeView.getIds()")) == expected
    assert explorer.evaluate("() => kgExplorer.network.body.nodeIndices.length") == len(expected)
    # The language switch and the details panel work inside the frame.
    explorer.click("#lang-switch button[data-lang=en]")
    assert "provinces" in explorer.inner_text("#legend") and "省份" not in explorer.inner_text("#legend")
    explorer.evaluate("(id) => kgExplorer.select(id)", province_iri(store, "Hunan"))
    assert "Hunan" in explorer.inner_text("#details")
    # The pyvis view is drawn too, by the vis-network inlined into it.
    pyvis_frame = next(f for f in page.frames if f.url == "about:srcdoc" and f is not explorer)
    drawn = pyvis_frame.evaluate("() => network.body.nodeIndices.length")
    figures = {iri for (iri,) in store.query("SELECT ?f WHERE { ?f a <https://w3id.org/zhengfa-kg/def/Figure> }")}
    assert drawn == len(expected - {f.value for f in figures})
    assert from_frames == [] and errors == []
