"""Unidades territoriales and placing points in them."""
