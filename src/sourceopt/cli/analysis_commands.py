"""Analysis commands (rules, compare, frontier): being written."""
