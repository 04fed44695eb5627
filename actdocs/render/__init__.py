"""Rendering helpers every producer shares: numbers as text, Markdown tables and image
pairs, and the house plotting style."""
