// Fixture: outside any layer folder.
