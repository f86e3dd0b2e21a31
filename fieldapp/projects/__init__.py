"""Proyectos / obras of the Presupuesto Participativo."""
