// Fixture: not a layer.
