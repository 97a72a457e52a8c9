"""``kg analyze``: the networks against independent SPARQL counts, centrality, the province
projection against ``kg compare``'s Jaccard, Louvain communities, GraphML/GEXF round trips."""

from __future__ import annotations

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import networkx as nx
import pytest
from rdflib import Graph
from typer.testing import CliRunner

from kg import analyze, compare
from kg.cli import app
from kg.compare import Adoptions
from kg.errors import UsageError

ROOT = Path(__file__).resolve().parent.parent
ZFR = "https://w3id.org/zhengfa-kg/id/"
MEMORY = ["--backend", "memory"]
PREFIX = "PREFIX zf: <https://w3id.org/zhengfa-kg/def/>\n"


@pytest.fixture(scope="module")
def data(seed_graph: Graph) -> Adoptions:
    return compare.load(seed_graph)


def rows(graph: Graph, query: str) -> list[tuple[str, ...]]:
    return [tuple(str(t) for t in row) for row in graph.query(PREFIX + query)]  # type: ignore[union-attr]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, ["analyze", *args])
    return result.exit_code, result.stdout, result.stderr


def test_organ_mechanism_network_matches_sparql(seed_graph: Graph, data: Adoptions) -> None:
    pairs = rows(seed_graph, "SELECT DISTINCT ?o ?c WHERE { ?m a zf:Measure ; zf:adoptedBy ?o ; zf:implements ?c }")
    triples = rows(
        seed_graph, "SELECT DISTINCT ?m ?o ?c WHERE { ?m a zf:Measure ; zf:adoptedBy ?o ; zf:implements ?c }"
    )
    graph = analyze.network(data, "organ-mechanism")
    assert graph.number_of_edges() == len(pairs)
    assert set(graph.nodes) == {o for o, _ in pairs} | {c for _, c in pairs}
    assert sum(w for _, _, w in graph.edges(data="weight")) == len(triples)
    assert nx.is_bipartite(graph)
    assert {graph.nodes[o]["bipartite"] for o, _ in pairs} == {0}
    assert graph.nodes[ZFR + "organ-sichuan-doj"]["label_zh"] == "四川省司法厅"
    # No measure implements a whole category (REVIEW-1), so no category is a node of this network.
    assert {graph.nodes[c]["kind"] for _, c in pairs} == {"mechanism"}
    doj = {c for o, c in pairs if o == ZFR + "organ-sichuan-doj"}
    assert graph.degree(ZFR + "organ-sichuan-doj") == len(doj)


def test_full_network_holds_every_measure_and_the_taxonomy(data: Adoptions) -> None:
    graph = analyze.network(data, "full")
    kinds = [k for _, k in graph.nodes(data="kind")]
    # 107 measures after REVIEW-2 (湖南 31, 江苏 13, 广西 22, 贵州 12, 四川 29: 贵州 “落实办案质量终身负责制,对执法有过错的
    # 单位或个人严肃追责问责” is one measure); 12 categories and 84 mechanisms (REVIEW-2 moved 阳光警务 under 执法司法信息公开,
    # added and removed none).
    assert kinds.count("measure") == 107 and kinds.count("province") == 5
    assert kinds.count("category") == 12 and kinds.count("category") + kinds.count("mechanism") == 96
    relations = {r for _, _, r in graph.edges(data="relation")}
    assert relations == {"in_province", "adopted", "partner", "implements", "broader"}
    assert graph.edges[ZFR + "mech-execution-854-model", ZFR + "mech-process-node-control"]["relation"] == "broader"
    assert nx.is_connected(graph.subgraph(n for n, k in graph.nodes(data="kind") if k != "organ" or graph.degree(n)))


def test_centrality_values_are_networkx_definitions(data: Adoptions) -> None:
    result = analyze.analyze(data, "organ-mechanism")
    graph = result.graph
    betweenness = nx.betweenness_centrality(graph, normalized=True)
    n = graph.number_of_nodes()
    for score in result.scores:
        assert score.degree_centrality == pytest.approx(graph.degree(score.iri) / (n - 1), abs=1e-6)
        assert score.betweenness == pytest.approx(betweenness[score.iri], abs=1e-6)
        assert 0 <= score.betweenness <= 1
    top_organ = result.top("organ", "betweenness", 1)[0]
    assert top_organ.betweenness == max(s.betweenness for s in result.scores if s.kind == "organ")
    assert {s.kind for s in result.scores} == {"organ", "mechanism"}  # no measure implements a category


def test_province_projection_is_the_jaccard_of_kg_compare(data: Adoptions) -> None:
    pairs = {(p.a.zh, p.b.zh): p for p in analyze.province_projection(data)}
    sim = compare.similarity(compare.build_matrix(data, by="mechanism"))
    assert len(pairs) == len(sim.pairs) == 10
    for pair in sim.pairs:
        projected = pairs[(pair.a.zh, pair.b.zh)]
        assert projected.jaccard == pair.jaccard
        assert projected.shared == len(pair.shared)
    # 湖南–江苏 share 9 of 44 mechanisms (四类案件, 实时监控预警, 司法责任制, 过错责任追究, 权责清单, 查案与查人贯通,
    # 案件评查, 案例与类案裁判指引, 类案检索); the 科技赋能监督 category itself no longer counts as one (REVIEW-1), and
    # 湖南's platform no longer also states 执法司法信息公开, which 江苏 lacks (REVIEW-2 T-1: 45 − 1).
    assert pairs[("湖南", "江苏")].shared == 9 and pairs[("湖南", "江苏")].jaccard == Fraction(9, 44)
    graph = analyze.network(data, "province-projection")
    assert graph.number_of_nodes() == 5 and graph.number_of_edges() == 10
    assert graph.edges[ZFR + "province-hunan", ZFR + "province-jiangsu"]["weight"] == 9


def test_mechanism_projection_links_mechanisms_of_one_organ(data: Adoptions) -> None:
    graph = analyze.network(data, "mechanism-projection")
    bipartite = analyze.network(data, "organ-mechanism")
    a, b = ZFR + "mech-similar-case-search", ZFR + "mech-smart-case-handling-assistance"
    organs = set(bipartite[a]) & set(bipartite[b])
    assert graph.edges[a, b]["weight"] == len(organs) >= 1
    assert all(kind in ("mechanism", "category") for _, kind in graph.nodes(data="kind"))


def test_louvain_communities_partition_the_nodes_deterministically(data: Adoptions) -> None:
    first = analyze.analyze(data, seed=7)
    again = analyze.analyze(data, seed=7)
    assert first.communities == again.communities
    nodes = [n for group in first.communities for n in group]
    assert sorted(nodes) == sorted(first.graph.nodes) and len(nodes) == len(set(nodes))
    sizes = [len(g) for g in first.communities]
    assert sizes == sorted(sizes, reverse=True)
    q = nx.community.modularity(first.graph, [set(g) for g in first.communities], weight="weight")
    assert first.modularity == pytest.approx(q)
    assert first.modularity is not None and first.modularity > 0.3
    finer = analyze.analyze(data, seed=7, resolution=3.0)
    assert len(finer.communities) > len(first.communities)


def test_sampled_betweenness_for_large_networks_is_seeded_and_said(data: Adoptions) -> None:
    exact = analyze.analyze(data, "full")
    assert exact.samples is None  # 240 nodes: exact
    sampled = analyze.analyze(data, "full", samples=60, seed=3)
    assert sampled.samples == 60
    assert sampled.scores == analyze.analyze(data, "full", samples=60, seed=3).scores
    assert "介数中心性为估计值（60 个抽样源点，seed 3）" in analyze.render(sampled, "table")
    assert json.loads(analyze.render(sampled, "json"))["betweenness_samples"] == 60
    top_exact = {s.iri for s in exact.top("organ", "betweenness", 3)}
    assert top_exact & {s.iri for s in sampled.top("organ", "betweenness", 3)}
    with pytest.raises(UsageError, match="--samples"):
        analyze.analyze(data, samples=-1)


@pytest.mark.parametrize("name", analyze.NETWORKS)
def test_graphml_and_gexf_round_trip(data: Adoptions, name: str, tmp_path: Path) -> None:
    result = analyze.analyze(data, name)
    graphml = analyze.export(result.graph, tmp_path / f"{name}.graphml")
    gexf = analyze.export(result.graph, tmp_path / f"{name}.gexf")
    back = nx.read_graphml(graphml)
    assert back.number_of_nodes() == result.graph.number_of_nodes()
    assert back.number_of_edges() == result.graph.number_of_edges()
    for node, attrs in result.graph.nodes(data=True):
        assert back.nodes[node]["label_zh"] == attrs["label_zh"]
        assert back.nodes[node]["community"] == attrs["community"]
    for a, b, weight in result.graph.edges(data="weight"):
        assert back.edges[a, b]["weight"] == weight
    gephi = nx.read_gexf(gexf)
    assert gephi.number_of_nodes() == result.graph.number_of_nodes()
    assert gephi.number_of_edges() == result.graph.number_of_edges()
    assert b"lastmodifieddate" not in gexf.read_bytes()
    before = graphml.read_bytes(), gexf.read_bytes()
    analyze.export(analyze.analyze(data, name).graph, graphml)
    analyze.export(analyze.analyze(data, name).graph, gexf)
    assert (graphml.read_bytes(), gexf.read_bytes()) == before  # same data, same bytes
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([graphml.name, gexf.name])


def test_export_refuses_other_suffixes(data: Adoptions, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match=r"\.graphml or \.gexf"):
        analyze.export(analyze.network(data), tmp_path / "graph.json")


def test_reports(data: Adoptions) -> None:
    result = analyze.analyze(data)
    text = analyze.render(result, "table", top=3)
    assert text.startswith("网络: 机关—机制二部图 — ")
    assert "中心性最高的机关（前 3 名）" in text and "Louvain 社区（seed 42" in text
    assert "湖南–江苏" in text and "9/44 (0.205)" in text  # second of the pairs, after 湖南–贵州 9/42
    english = analyze.render(result, "md", top=3, lang="en")
    assert "### Most central organs (top 3)" in english
    parsed = json.loads(analyze.render(result, "json"))
    assert parsed["nodes"] == result.graph.number_of_nodes()
    assert parsed["communities"]["seed"] == 42 and len(parsed["province_projection"]) == 10
    table = analyze.render(result, "csv").splitlines()
    assert table[0] == "iri,kind,label,degree,weighted_degree,degree_centrality,betweenness,community"
    assert len(table) == result.graph.number_of_nodes() + 1


def test_cli_exports_and_prints_json(tmp_path: Path) -> None:
    graphml, gexf = tmp_path / "net.graphml", tmp_path / "net.gexf"
    code, out, err = run(*MEMORY, "--network", "full", "-e", str(graphml), "-e", str(gexf), "--format", "json")
    assert code == 0, err
    parsed = json.loads(out)
    back = nx.read_graphml(graphml)
    assert (back.number_of_nodes(), back.number_of_edges()) == (parsed["nodes"], parsed["edges"])
    assert f"wrote {graphml} ({parsed['nodes']} nodes, {parsed['edges']} edges)" in err
    code, out, _ = run(*MEMORY, "--top", "2", "--lang", "en")
    assert code == 0 and "Most central organs (top 2)" in out


@pytest.mark.parametrize(
    "args, message",
    [
        (["--network", "people"], "unknown --network"),
        (["--format", "html"], "unknown --format"),
        (["--export", "x.png"], ".graphml or .gexf"),
        (["--top", "0"], "--top 0: give a number from 1"),
        (["--resolution", "0"], "--resolution 0: give a number above 0"),
        (["--samples", "-5"], "--samples -5: give a number from 0"),
    ],
)
def test_cli_errors_exit_2(args: list[str], message: str) -> None:
    code, _, err = run(*MEMORY, *args)
    assert code == 2 and message in err


def test_networkx_stays_off_the_query_and_help_path() -> None:
    code = (
        "import sys\n"
        "import kg.cli.compare, kg.compare\n"
        "sys.argv = ['kg', 'analyze', '--help']\n"
        "from kg.cli import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(sorted(m for m in ('networkx', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip().splitlines()[-1] == "[]"


@pytest.mark.slow
def test_built_store_gives_the_same_network(store_path: Path, data: Adoptions) -> None:
    from kg.store import open_store

    from_store = analyze.analyze(compare.load(open_store(store_path)), "full")
    in_memory = analyze.analyze(data, "full")
    assert sorted(from_store.graph.edges(data=True)) == sorted(in_memory.graph.edges(data=True))
    assert from_store.scores == in_memory.scores
    assert from_store.communities == in_memory.communities
    code, out, _ = run("--store", str(store_path), "--format", "csv")
    assert code == 0 and out == analyze.render(analyze.analyze(data), "csv")
