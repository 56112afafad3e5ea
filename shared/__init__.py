"""Code shared by every stage: resources, the lake IO manager, Pandera models, checks, metadata."""
