"""The Git server hooks, shipped with ducha as package data (see generator/resources.py)."""
