"""sourceopt benchmarks: seeded generators x sizes x phases (see benchmarks/README.md)."""
