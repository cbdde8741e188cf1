"""Benchmarks on public data (FNC-1, Emergent, SICK), run through the app's own code paths.

Each dataset module loads its file format into ``StancePair`` rows with the app's labels,
and ``metrics`` scores predictions the way each benchmark defines it. Sentence pairs get the
relate stage's rules on top of the model (``rules``); ``errors`` writes what a run got wrong.
"""
