"""sourceopt: supplier-sourcing optimisation, from scenario file to verified award."""
