"""The baseline: render HTML files one by one with plain WeasyPrint, in this one process.

Usage: python bench/baseline.py [--fonttools] KIT_DIR OUT_DIR FILE.html...  (prints pages rendered)

--fonttools: subset the embedded fonts with fontTools, as WeasyPrint does when HarfBuzz-Subset
(libharfbuzz-subset) is not installed; a reference figure, not the benchmark's baseline.
"""

from __future__ import annotations

import sys
from pathlib import Path

import weasyprint
from weasyprint.pdf import fonts


def main() -> None:
    args = sys.argv[1:]
    if args[:1] == ["--fonttools"]:
        args = args[1:]
        # WeasyPrint 70 subsets with HarfBuzz when this name in weasyprint.pdf.fonts holds the
        # loaded library, and with fontTools when it is None.
        if not hasattr(fonts, "harfbuzz_subset"):
            sys.exit("--fonttools: this WeasyPrint chooses its font subsetter in another way")
        fonts.harfbuzz_subset = None
    kit, out = Path(args[0]), Path(args[1])
    out.mkdir(parents=True, exist_ok=True)
    pages = 0
    for name in args[2:]:
        document = weasyprint.HTML(filename=name, base_url=kit.as_uri() + "/").render()
        pages += len(document.pages)
        document.write_pdf(out / (Path(name).stem + ".pdf"))
    print(pages)


if __name__ == "__main__":
    main()
