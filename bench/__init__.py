"""The benchmark harness and the generated-site tool (run from the repository root:
`python -m bench.bench`, `python -m bench.gen_site`). Not imported by the product."""
