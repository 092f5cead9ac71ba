"""Maps: what is drawn (`mapdata`), the district borders (`borders`) and the drawing (`mapping`)."""
