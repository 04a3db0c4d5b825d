"""briefgen.site."""
