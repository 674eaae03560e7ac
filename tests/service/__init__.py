"""Tests of the HTTP service (real server processes)."""
