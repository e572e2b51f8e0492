"""cadagent's FreeCAD worker: JSON-lines requests on stdin, replies on a separate descriptor."""
