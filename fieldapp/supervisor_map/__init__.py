"""The supervisors' map (``/mapa``): findings, walk tracks, UT choropleth and projects."""
