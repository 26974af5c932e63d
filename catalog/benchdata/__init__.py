"""A synthetic catalogue of any size, for the benchmarks in bench/ (`manage.py generate_corpus`).

Not the demo catalogue (catalog.demo): made-up channels and clips drawn from a
seeded generator, written in bulk.
"""
