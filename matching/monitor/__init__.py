"""The regional monitor (monitor): figures over time, aggregates only (docs/monitor.md)."""
