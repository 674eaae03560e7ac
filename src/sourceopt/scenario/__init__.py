"""Load, validate and hold a scenario: the file format, the columnar Scenario, models, variants."""
