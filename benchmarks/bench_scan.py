"""Cold scan of a generated workspace: find the modules, read every Go file, scan its imports.

    python -m benchmarks.bench_scan [--files 10000] [--modules 20] [--dir DIR]

The generator writes N modules of packages whose files have realistic heads (a license
comment, a doc comment, 3-15 imports in gofmt groups: standard library, other workspace
modules, third-party) and a body of about 8 KB (so 10,000 files are about 80 MB, the size the
goal is stated for). The scan is measured in a fresh process with the page cache warm (the
files were just written); RSS is the process's peak.
"""

from __future__ import annotations

import argparse
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

STD = ["context", "errors", "fmt", "io", "net/http", "os", "sort", "strings", "sync", "time"]
THIRD_PARTY = [
    "github.com/pkg/errors",
    "golang.org/x/sync/errgroup",
    "golang.org/x/text/language",
    "google.golang.org/grpc",
    "gopkg.in/yaml.v3",
]
BODY_LINE = (
    '\tif err := doSomething(ctx, value); err != nil {\n\t\treturn fmt.Errorf("x: %w", err)\n\t}\n'
)


def generate(root: Path, files: int, modules: int, seed: int = 1) -> int:
    rng = random.Random(seed)
    per_module = files // modules
    body = "func f() error {\n" + BODY_LINE * 100 + "\treturn nil\n}\n"
    written = 0
    for m in range(modules):
        module_dir = root / f"mod{m}"
        module_path = f"example.com/org/mod{m}"
        module_dir.mkdir(parents=True)
        (module_dir / "go.mod").write_text(f"module {module_path}\n\ngo 1.22\n")
        for i in range(per_module):
            package = f"pkg{i // 10}"
            package_dir = module_dir / package
            package_dir.mkdir(exist_ok=True)
            std = sorted(rng.sample(STD, rng.randint(2, 6)))
            ours = sorted(
                f"example.com/org/mod{rng.randrange(modules)}/pkg{rng.randrange(per_module // 10)}"
                for _ in range(rng.randint(0, 5))
            )
            theirs = sorted(rng.sample(THIRD_PARTY, rng.randint(1, 4)))
            groups = [
                "\n".join(f'\t"{p}"' for p in group) for group in (std, ours, theirs) if group
            ]
            head = (
                "// Copyright 2026 The Example Authors. All rights reserved.\n\n"
                f"// Package {package} does things.\npackage {package}\n\n"
                "import (\n" + "\n\n".join(groups) + "\n)\n\n"
            )
            (package_dir / f"file{i % 10}.go").write_text(head + body)
            written += 1
    return written


def scan_tree(root: Path) -> None:
    """Run in a fresh process: prints files, imports, seconds and peak RSS."""
    from modlsp.core.gosource import scan
    from modlsp.core.workspace import discover

    start = time.perf_counter()
    layout = discover(root)
    imports = files = 0
    for module in layout.modules:
        for path in module.go_files():
            imports += len(scan(path.read_bytes()).imports)
            files += 1
    elapsed = time.perf_counter() - start
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{files} files, {imports} imports, {elapsed:.2f} s, peak RSS {rss:.0f} MB")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=10_000)
    parser.add_argument("--modules", type=int, default=20)
    parser.add_argument("--dir", type=Path, help="scan this tree instead of a generated one")
    parser.add_argument("--scan-only", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.scan_only:
        scan_tree(args.scan_only)
        return
    with tempfile.TemporaryDirectory() as tmp:
        root = args.dir or Path(tmp)
        if args.dir is None:
            written = generate(root, args.files, args.modules)
            size = sum(p.stat().st_size for p in root.rglob("*.go")) / 1e6
            print(f"generated {written} files ({size:.0f} MB) in {args.modules} modules")
        subprocess.run(
            [sys.executable, "-m", "benchmarks.bench_scan", "--scan-only", str(root)], check=True
        )


if __name__ == "__main__":
    main()
