"""The library service: the `Library` facade (service.py) and the services it holds
(imports, exports and merges; searching; highlights), the index sync, and searches inside
a view. The CLI, the GUI and scripts use only this layer."""
