"""Shared driver of the fuzz scripts: atheris (libFuzzer, coverage-guided) when it is installed,
else a time-boxed hypothesis run of the same target.

    python fuzz/fuzz_loaders.py --seconds 60             # atheris if importable, else hypothesis
    python fuzz/fuzz_loaders.py --seconds 60 --hypothesis
    python fuzz/fuzz_loaders.py --seconds 600 -- fuzz/corpus/loaders   # extra libFuzzer arguments

A target is ``target(data: bytes) -> None`` that raises only on a bug. libFuzzer stops at the
first crash, at an input slower than ``--timeout`` seconds or at more than ``--rss-mb`` MiB of
memory; the hypothesis run reports the first failing example. Exit status 0 means no finding.
"""

from __future__ import annotations

import argparse
import importlib.util
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from pathlib import Path

Target = Callable[[bytes], None]


def parse(argv: list[str]) -> tuple[argparse.Namespace, list[str]]:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=60, help="total fuzzing time (default 60)")
    parser.add_argument("--hypothesis", action="store_true", help="use hypothesis even when atheris is installed")
    parser.add_argument("--timeout", type=int, default=10, help="slowest acceptable single input, seconds")
    parser.add_argument("--rss-mb", type=int, default=3072, help="memory limit of the fuzzing process, MiB")
    parser.add_argument("libfuzzer", nargs="*", help="after --: corpus folders and libFuzzer flags")
    return parser.parse_known_args(argv)


def run(name: str, target: Target, seeds: Callable[[], Iterable[bytes]], setup: Callable[[], None],
        instrument: tuple[str, ...] = ("crosscheck",), argv: list[str] | None = None) -> int:
    """Fuzz ``target``; ``setup`` imports the code under test, and the packages named in ``instrument``
    are instrumented for coverage feedback under atheris."""
    args, rest = parse(sys.argv[1:] if argv is None else argv)
    use_atheris = not args.hypothesis and importlib.util.find_spec("atheris") is not None
    print(f"[{name}] engine={'atheris' if use_atheris else 'hypothesis'} seconds={args.seconds}", flush=True)
    if use_atheris:
        import atheris

        with atheris.instrument_imports(include=list(instrument)):
            setup()
        return _atheris(target, seeds(), args, rest)
    setup()
    return _hypothesis(name, target, seeds(), args.seconds)


def _atheris(target: Target, seeds: Iterable[bytes], args: argparse.Namespace, rest: list[str]) -> int:
    import atheris

    corpus = [c for c in args.libfuzzer if not c.startswith("-")]
    flags = [c for c in args.libfuzzer + rest if c.startswith("-")]
    if not corpus:  # a fresh corpus seeded with real inputs, so the fuzzer starts from valid files
        folder = Path(tempfile.mkdtemp(prefix="crosscheck-fuzz-"))
        for i, seed in enumerate(seeds):
            (folder / f"seed-{i:03d}").write_bytes(seed)
        corpus = [str(folder)]
    libfuzzer_argv = [sys.argv[0], f"-max_total_time={args.seconds}", f"-timeout={args.timeout}",
                      f"-rss_limit_mb={args.rss_mb}", "-print_final_stats=1", *flags, *corpus]

    def one_input(data: bytes) -> None:
        target(data)

    atheris.Setup(libfuzzer_argv, one_input)
    atheris.Fuzz()  # exits the process: non-zero on a crash, timeout or out-of-memory
    return 0


def _hypothesis(name: str, target: Target, seeds: Iterable[bytes], seconds: int) -> int:
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    seed_list = list(seeds)

    def mutate(seed: bytes, cuts: list[tuple[int, bytes]]) -> bytes:
        out = bytearray(seed)
        for pos, chunk in cuts:
            at = pos % (len(out) + 1)
            out[at:at + len(chunk)] = chunk
        return bytes(out)

    inputs = st.one_of(
        st.binary(max_size=2000),
        st.text(max_size=1000).map(lambda t: t.encode("utf-8", "surrogatepass")),
        st.builds(mutate, st.sampled_from(seed_list or [b""]),
                  st.lists(st.tuples(st.integers(0, 1 << 16), st.binary(max_size=16)), max_size=8)),
    )
    examples = 0

    @settings(max_examples=200, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(inputs)
    def batch(data: bytes) -> None:
        nonlocal examples
        examples += 1
        target(data)

    started = time.monotonic()
    rounds = 0
    while time.monotonic() - started < seconds:
        batch()
        rounds += 1
    print(f"[{name}] hypothesis: {examples} inputs in {rounds} rounds, {time.monotonic() - started:.0f}s, "
          f"no failure", flush=True)
    return 0
