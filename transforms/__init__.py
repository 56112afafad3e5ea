"""Pure lazy-Polars transforms: LazyFrame in, LazyFrame out; no IO, no clock, no dagster.

Only `transforms/assets/` imports dagster: it wires these functions into the staged assets, a module
a stage.
"""
