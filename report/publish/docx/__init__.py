"""Word output: the reference document for Pandoc and the post-render finishing."""
