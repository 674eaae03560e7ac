"""The batch command: being written."""
