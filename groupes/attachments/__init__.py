"""Documents (pièces jointes) attached to a meeting or one of its agenda items."""
