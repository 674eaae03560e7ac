"""Diagnosis commands (explain, price-to-win, stress): being written."""
