"""Exercises for the chapters: one module per chapter, each with checkers and solutions."""
