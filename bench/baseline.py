"""The baseline: render HTML files one by one with plain WeasyPrint, in this one process.

Usage: python bench/baseline.py KIT_DIR OUT_DIR FILE.html...  (prints pages rendered)
"""

from __future__ import annotations

import sys
from pathlib import Path

import weasyprint


def main() -> None:
    kit, out = Path(sys.argv[1]), Path(sys.argv[2])
    out.mkdir(parents=True, exist_ok=True)
    pages = 0
    for name in sys.argv[3:]:
        document = weasyprint.HTML(filename=name, base_url=kit.as_uri() + "/").render()
        pages += len(document.pages)
        document.write_pdf(out / (Path(name).stem + ".pdf"))
    print(pages)


if __name__ == "__main__":
    main()
