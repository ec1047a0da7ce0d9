// Fixture: a public header with no layer.
