"""Maps built with Folium, with Leaflet served by the app itself (never from a CDN).

``fieldapp.maps.vendor`` serves the JS/CSS of installed XStatic packages under
``/vendor/<package>/<file>``; ``fieldapp.maps.folium_maps`` builds maps that use them.
"""

from fieldapp.maps.folium_maps import (
    MapParts,
    geojson_layer,
    new_map,
    popup,
    popup_content,
    render_map,
)

__all__ = ["MapParts", "geojson_layer", "new_map", "popup", "popup_content", "render_map"]
