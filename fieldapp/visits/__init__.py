"""Visitas: recorridos, supervisiones, evaluaciones, asambleas."""
