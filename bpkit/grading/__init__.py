"""Grading the course with nbgrader: release, collect, autograde, feedback, export."""
