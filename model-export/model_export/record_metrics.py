"""Records measured metrics (e.g. the cross-validation of the model's training recipe) in a model
package's manifest, with the command that measured them. The manifest is not among the hashed files,
so the package's files and checksums are untouched. The per-field temperatures and the hybrid fill
policy chosen on out-of-fold logits (scripts/crossval-metrics.ts) become the manifest's `calibration`
and `hybrid_policy`, which the app applies when it runs the package.

    python -m model_export.record_metrics --package ../public/models/default --metrics runs/cv-smol/metrics.json \
        --measured-by "npx tsx scripts/crossval-metrics.ts --oof model-export/runs/cv-smol/oof.jsonl --json ..."
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from . import common


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--package", required=True, help="model package folder (manifest.json)")
    p.add_argument("--metrics", required=True, help="JSON file of metrics")
    p.add_argument("--measured-by", required=True, help="the command that produced the metrics file")
    a = p.parse_args(argv)
    path = Path(a.package) / "manifest.json"
    manifest = common.read_json(path)
    measured = json.loads(Path(a.metrics).read_text())
    temperature = measured.pop("temperature", None)
    policy = measured.pop("hybrid_policy", None)
    recorded_by = common.command_line("model_export.record_metrics", argv)
    manifest["metrics"] = {"measured_by": a.measured_by, "recorded_by": recorded_by, **measured}
    if temperature is not None:
        manifest["calibration"] = {"temperature": temperature, "fitted_on": f"out-of-fold logits: {a.measured_by}"}
    if policy is not None:
        manifest["hybrid_policy"] = policy
    path.write_text(json.dumps(manifest, indent=2) + "\n")
    print(f"recorded metrics in {path}")


if __name__ == "__main__":
    main()
