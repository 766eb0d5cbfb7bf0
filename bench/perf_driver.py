"""Run ``crosscheck ARGS`` exactly as the command line does, and record what the run did.

    python bench/perf_driver.py RECORD.json check FOLDER -q --format json -o /dev/null --exit-zero

The command runs through ``crosscheck.cli.main`` unchanged; ``Pipeline.check_paths`` is wrapped
to note each stage's seconds (``Pipeline.timings``), counts, the encoder's own time and which heavy
libraries were imported, written to RECORD.json when the process exits (with its peak RSS).
"""

from __future__ import annotations

import atexit
import json
import resource
import sys
import time

STARTED = time.perf_counter()


def main() -> None:
    record_path, args = sys.argv[1], sys.argv[2:]
    from crosscheck import pipeline as pipeline_module

    record: dict = {}
    original = pipeline_module.Pipeline.check_paths

    def check_paths(self, paths):
        analysis = original(self, paths)
        enc = self._encoder
        record.update(timings=dict(self.timings), documents=len(analysis.documents),
                      statements=len(analysis.statements), stories=len(analysis.stories),
                      largest_story=max((len(s.documents) for s in analysis.stories), default=0),
                      alignments=len(analysis.alignments), findings=len(analysis.findings),
                      encoded=enc.encoded if enc else 0, encode_seconds=enc.encode_seconds if enc else 0.0,
                      extracted_documents=self.extracted_documents)
        record["analysis_done"] = time.perf_counter() - STARTED
        return analysis

    pipeline_module.Pipeline.check_paths = check_paths

    def dump() -> None:
        record["wall_in_process"] = time.perf_counter() - STARTED
        usage = resource.getrusage(resource.RUSAGE_SELF)
        record["maxrss_kb"] = usage.ru_maxrss
        record["cpu_seconds"] = usage.ru_utime + usage.ru_stime
        record["modules"] = sorted(m for m in ("torch", "sentence_transformers", "spacy") if m in sys.modules)
        with open(record_path, "w") as fh:
            json.dump(record, fh)

    atexit.register(dump)
    from crosscheck.cli import main as cli

    sys.argv = ["crosscheck", *args]
    cli()


if __name__ == "__main__":
    main()
